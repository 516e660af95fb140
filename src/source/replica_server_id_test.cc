#include "source/replica_server_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace binlake {
namespace {

TEST(DefaultReplicaServerIdTest, StableInRangeAndDistinct) {
  uint32_t a = DefaultReplicaServerId("s3://bucket/task-a");
  EXPECT_EQ(a, DefaultReplicaServerId("s3://bucket/task-a"));
  EXPECT_NE(a, DefaultReplicaServerId("s3://bucket/task-b"));
  std::set<uint32_t> seen;
  for (int i = 0; i < 20000; ++i) {
    uint32_t id = DefaultReplicaServerId("task-" + std::to_string(i));
    EXPECT_GE(id, 1u << 30);
    EXPECT_LT(id, 0xffffffffu);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 20000u);  // no collision among 20k tasks
  EXPECT_GE(DefaultReplicaServerId(""), 1u << 30);
}

// Stable across releases too: a restarted task (perhaps on a newer binlake) must announce the
// id its old dump connection had, so that it replaces it. These are FNV-1a 64 folded to 32 bits
// into [2^30, 2^32 - 1), computed independently of this code.
TEST(DefaultReplicaServerIdTest, PinnedValues) {
  EXPECT_EQ(DefaultReplicaServerId(""), 1606346312u);
  EXPECT_EQ(DefaultReplicaServerId("s3://bucket/task-a"), 1942987395u);
  EXPECT_EQ(DefaultReplicaServerId("replica-test"), 3430828830u);
}

TEST(ReplicaServerIdTest, ConfiguredWinsZeroMeansDerived) {
  EXPECT_EQ(ReplicaServerId(7, "s3://bucket/task-a"), 7u);
  EXPECT_EQ(ReplicaServerId(0xffffffffu, ""), 0xffffffffu);
  EXPECT_EQ(ReplicaServerId(0, "s3://bucket/task-a"), DefaultReplicaServerId("s3://bucket/task-a"));
  EXPECT_NE(ReplicaServerId(0, "s3://bucket/task-a"), 0u);
}

}  // namespace
}  // namespace binlake
