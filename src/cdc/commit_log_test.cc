#include "cdc/commit_log.h"

#include <gtest/gtest.h>

#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

CdcCheckpoint Checkpoint(uint64_t seq) {
  CdcCheckpoint c;
  c.sequence = seq;
  c.created_at = "2026-12-05T01:00:0" + std::to_string(seq % 10) + ".000Z";
  c.position = {"binlog.000002", 1000 + seq, "0-1-" + std::to_string(seq)};
  c.last_commit_us = 1764896400000000 + seq;
  c.transactions = seq * 3;
  c.files = {{"db/t/20261205-01000" + std::to_string(seq % 10) + "000.csv",
              "upload-" + std::to_string(seq), "db.t", seq}};
  c.tables["db.t"] = {seq, 0, 0, 0, "2026-12-05 01:00:00.000000"};
  return c;
}

void PutCheckpoint(ObjectStore& store, const CdcCheckpoint& c) {
  ASSERT_TRUE(store.Put(CdcCheckpointKey("lake", c.sequence), SerializeCdcCheckpoint(c), {}).ok());
}

std::vector<uint64_t> Sequences(const CommitHistory& h) {
  std::vector<uint64_t> out;
  for (const CdcCheckpoint& c : h.commits) out.push_back(c.sequence);
  return out;
}

TEST(CommitLogTest, ALineIsTheCheckpointOnOneLineWithoutTokensOrStatistics) {
  const CdcCheckpoint c = Checkpoint(7);
  const std::string line = CommitLogLine(c);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.find("upload-7"), std::string::npos);
  auto parsed = ParseCdcCheckpoint(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->sequence, 7u);
  EXPECT_EQ(parsed->position, c.position);
  EXPECT_EQ(parsed->last_commit_us, c.last_commit_us);
  ASSERT_EQ(parsed->files.size(), 1u);
  EXPECT_EQ(parsed->files[0].key, c.files[0].key);
  EXPECT_EQ(parsed->files[0].rows, 7u);
  EXPECT_TRUE(parsed->files[0].token.empty());
  EXPECT_TRUE(parsed->tables.empty());
  EXPECT_EQ(CommitLogSegmentKey("lake", 1, 64),
            "lake/_binlake/cdc/log/commits-00000000000000000001-00000000000000000064.jsonl");
}

TEST(CommitLogTest, FoldedCheckpointsStayInTheHistory) {
  MemoryObjectStore store;
  for (uint64_t seq = 1; seq <= 5; ++seq) PutCheckpoint(store, Checkpoint(seq));
  // 1 and 2 are read from the store, 3 is given (as the writer does for its own).
  std::map<uint64_t, std::string> known = {{3, SerializeCdcCheckpoint(Checkpoint(3))}};
  ASSERT_TRUE(FoldCheckpoints(store, "lake", {1, 2, 3}, known).ok());
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    EXPECT_FALSE(store.Head(CdcCheckpointKey("lake", seq))->has_value()) << seq;
  }
  EXPECT_TRUE(store.Head(CommitLogSegmentKey("lake", 1, 3))->has_value());
  auto h = ReadCommitHistory(store, "lake");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(Sequences(*h), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(h->contiguous_from, 1u);
  EXPECT_EQ(h->commits[1].files[0].key, Checkpoint(2).files[0].key);
  EXPECT_EQ(h->commits[4].files[0].token, "upload-5");  // from the checkpoint object
}

TEST(CommitLogTest, AFoldInterruptedBeforeTheDeletesIsOneHistoryAndCanBeRepeated) {
  MemoryObjectStore store;
  for (uint64_t seq = 1; seq <= 3; ++seq) PutCheckpoint(store, Checkpoint(seq));
  std::string segment = CommitLogLine(Checkpoint(1)) + CommitLogLine(Checkpoint(2));
  ASSERT_TRUE(store.Put(CommitLogSegmentKey("lake", 1, 2), segment, {}).ok());
  auto h = ReadCommitHistory(store, "lake");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(Sequences(*h), (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_TRUE(FoldCheckpoints(store, "lake", {1, 2}, {}).ok());  // the segment exists: fine
  EXPECT_EQ(*store.Get(CommitLogSegmentKey("lake", 1, 2)), segment);
  EXPECT_FALSE(store.Head(CdcCheckpointKey("lake", 1))->has_value());
}

TEST(CommitLogTest, AHistoryWithAGapStartsAfterIt) {
  MemoryObjectStore store;
  for (uint64_t seq : {2, 3, 7, 8, 9}) PutCheckpoint(store, Checkpoint(seq));
  auto h = ReadCommitHistory(store, "lake");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->contiguous_from, 7u);
  MemoryObjectStore empty;
  auto none = ReadCommitHistory(empty, "lake");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->commits.empty());
  EXPECT_EQ(none->contiguous_from, 0u);
}

TEST(CommitLogTest, TheIndexComesFromNamesAndReadCommitFindsEitherPlace) {
  MemoryObjectStore store;
  for (uint64_t seq = 1; seq <= 6; ++seq) PutCheckpoint(store, Checkpoint(seq));
  ASSERT_TRUE(FoldCheckpoints(store, "lake", {1, 2, 3, 4}, {}).ok());
  ASSERT_TRUE(store.Put("lake/_binlake/cdc/log/commits-1-2.jsonl", "not ours", {}).ok());
  auto index = ListCommitLog(store, "lake");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->segments.size(), 1u);
  EXPECT_EQ(index->segments[0].first, 1u);
  EXPECT_EQ(index->segments[0].last, 4u);
  EXPECT_EQ(index->checkpoints, (std::vector<uint64_t>{5, 6}));
  EXPECT_EQ(index->newest, 6u);
  EXPECT_EQ(index->contiguous_from, 1u);
  auto third = ReadCommit(store, "lake", *index, 3);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->position, Checkpoint(3).position);
  auto sixth = ReadCommit(store, "lake", *index, 6);
  ASSERT_TRUE(sixth.ok());
  EXPECT_EQ(sixth->files[0].token, "upload-6");
  EXPECT_EQ(ReadCommit(store, "lake", *index, 9).status().code(), StatusCode::kNotFound);
}

TEST(CommitLogTest, ACorruptSegmentLineIsNamed) {
  MemoryObjectStore store;
  ASSERT_TRUE(store
                  .Put(CommitLogSegmentKey("lake", 1, 2),
                       CommitLogLine(Checkpoint(1)) + "{\"format\": \"nope\"}\n", {})
                  .ok());
  auto h = ReadCommitHistory(store, "lake");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_NE(h.status().message().find("commits-00000000000000000001-00000000000000000002.jsonl "
                                      "line 2"),
            std::string::npos)
      << h.status().message();
}

}  // namespace
}  // namespace binlake
