// Sharding and per-epoch shuffling.
#include "pipe/epoch_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace binlake::pipe {
namespace {

TEST(EpochPlanTest, ShardedWithoutShuffleIsModuloOfSortedPosition) {
  auto h0 = EpochItems(7, std::nullopt, Distribution::kShardedByS3Key, {0, 3}, 0);
  auto h1 = EpochItems(7, std::nullopt, Distribution::kShardedByS3Key, {1, 3}, 0);
  auto h2 = EpochItems(7, std::nullopt, Distribution::kShardedByS3Key, {2, 3}, 5);
  EXPECT_EQ(h0, (std::vector<size_t>{0, 3, 6}));
  EXPECT_EQ(h1, (std::vector<size_t>{1, 4}));
  EXPECT_EQ(h2, (std::vector<size_t>{2, 5}));
  auto all = EpochItems(4, std::nullopt, Distribution::kFullyReplicated, {1, 3}, 0);
  EXPECT_EQ(all, (std::vector<size_t>{0, 1, 2, 3}));
}

TEST(EpochPlanTest, ShuffleIsDeterministicPerSeedAndEpoch) {
  auto a = ShuffledOrder(1000, 7, 0);
  EXPECT_EQ(a, ShuffledOrder(1000, 7, 0));
  EXPECT_NE(a, ShuffledOrder(1000, 7, 1));
  EXPECT_NE(a, ShuffledOrder(1000, 8, 0));
  std::vector<size_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i);
  // Pinned: the order depends only on the documented algorithm (mt19937_64 is fully specified by
  // the standard; the draw and the mixing are ours), never on the library's distributions. The
  // same values come from tests/integration/pipe_test.py's own Python implementation of it.
  EXPECT_EQ(ShuffledOrder(10, 1, 0), (std::vector<size_t>{4, 6, 8, 9, 3, 5, 7, 2, 0, 1}));
  EXPECT_EQ(ShuffledOrder(10, 1, 1), (std::vector<size_t>{4, 3, 6, 5, 8, 7, 2, 0, 1, 9}));
  EXPECT_EQ(ShuffledOrder(10, -5, 3), (std::vector<size_t>{6, 1, 2, 8, 4, 5, 3, 9, 0, 7}));
  EXPECT_EQ(ShuffledOrder(0, 1, 0), std::vector<size_t>{});
  EXPECT_EQ(ShuffledOrder(1, 1, 0), std::vector<size_t>{0});
}

TEST(EpochPlanTest, ShardsPartitionTheChannelEveryEpoch) {
  for (uint64_t epoch = 0; epoch < 4; ++epoch) {
    std::multiset<size_t> seen;
    for (size_t h = 0; h < 3; ++h) {
      for (size_t i : EpochItems(50, int64_t{99}, Distribution::kShardedByS3Key, {h, 3}, epoch)) {
        seen.insert(i);
      }
    }
    ASSERT_EQ(seen.size(), 50u);
    for (size_t i = 0; i < 50; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  }
  // Shuffled before sharding: a host's shard changes between epochs.
  EXPECT_NE(EpochItems(50, int64_t{99}, Distribution::kShardedByS3Key, {0, 3}, 0),
            EpochItems(50, int64_t{99}, Distribution::kShardedByS3Key, {0, 3}, 1));
}

TEST(EpochPlanTest, EmptyShardIsAnError) {
  Status s = CheckShards(2, Distribution::kShardedByS3Key, {2, 3}, "channel train");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("fewer hosts"), std::string::npos) << s.message();
  EXPECT_TRUE(CheckShards(3, Distribution::kShardedByS3Key, {2, 3}, "c").ok());
  EXPECT_TRUE(CheckShards(1, Distribution::kFullyReplicated, {2, 3}, "c").ok());
}

}  // namespace
}  // namespace binlake::pipe
