#include "lake/lake_reader.h"

#include <gtest/gtest.h>

#include "cdc/checkpoint.h"
#include "config/target_layout.h"
#include "fullload/task_state.h"
#include "lake/testing/sample_target.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

class LakeReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::WriteSampleTarget(store_); }
  std::vector<CsvRecord> TableAt(const Lake& lake, uint64_t k) {
    TableMerge merge(lake.load.tables[0].schema);
    Status s = ReadTableAsOf(store_, lake, lake.load.tables[0], k, &merge);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return merge.TakeSortedRows();
  }

  MemoryObjectStore store_;
};

TEST_F(LakeReaderTest, EachCheckpointGivesTheTableAsOfIt) {
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok()) << lake.status().ToString();
  EXPECT_EQ(TableAt(*lake, 0), (std::vector<CsvRecord>{{"1", "one"}, {"2", "two"}}));
  EXPECT_EQ(TableAt(*lake, 1), (std::vector<CsvRecord>{{"1", "ONE"}, {"2", "two"}}));
  EXPECT_EQ(TableAt(*lake, 2), (std::vector<CsvRecord>{{"1", "ONE"}, {"3", "three"}}));
  EXPECT_EQ(TableAt(*lake, 3), (std::vector<CsvRecord>{{"3", "three"}, {"10", "ONE"}}));
}

TEST_F(LakeReaderTest, RequestsResolveToCheckpoints) {
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  auto at = [&](std::string_view when) {
    auto r = ResolveAsOf(*lake, when);
    EXPECT_TRUE(r.ok()) << when << ": " << r.status().ToString();
    return r.ok() ? std::make_pair(r->checkpoint, r->exact) : std::make_pair(uint64_t{99}, false);
  };
  EXPECT_EQ(at("latest"), std::make_pair(uint64_t{3}, true));
  EXPECT_EQ(at("2"), std::make_pair(uint64_t{2}, true));
  EXPECT_EQ(at("0"), std::make_pair(uint64_t{0}, true));
  EXPECT_EQ(at("binlog.000001:2500"), std::make_pair(uint64_t{2}, true));
  EXPECT_EQ(at("binlog.000001:2000"), std::make_pair(uint64_t{1}, false));
  EXPECT_EQ(at("binlog.000001:1000"), std::make_pair(uint64_t{0}, true));
  // Batch 2 has two transactions: a time between batch 1 and 2 may cut it.
  EXPECT_EQ(at("2026-12-05T01:00:15Z"), std::make_pair(uint64_t{1}, false));
  // Batch 3 is one transaction, committed at 01:00:30.
  EXPECT_EQ(at("2026-12-05T01:00:29.5Z"), std::make_pair(uint64_t{2}, true));
  EXPECT_EQ(at("2026-12-05T01:00:05Z"), std::make_pair(uint64_t{0}, true));  // batch 1: one, later
  for (const char* bad : {"4", "binlog.000001:999", "binlog.000003:4", "2026-12-04T00:00:00Z",
                          "0-1-42", "yesterday"}) {
    auto r = ResolveAsOf(*lake, bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

// The sample target with GTID sets recorded: the full load's snapshot `snapshot`, checkpoints
// 1-3 `sets` (checkpoint 2 holds two transactions).
void RecordGtidSets(MemoryObjectStore& store, const std::string& snapshot,
                    const std::vector<std::string>& sets) {
  auto state = store.Get(FullLoadStateKey(""));
  ASSERT_TRUE(state.ok());
  auto load = ParseFullLoadState(*state);
  ASSERT_TRUE(load.ok());
  load->snapshot.gtid_set = snapshot;
  ASSERT_TRUE(store.Put(FullLoadStateKey(""), SerializeFullLoadState(*load), {}).ok());
  const uint64_t transactions[] = {1, 3, 4};
  for (uint64_t k = 1; k <= 3; ++k) {
    auto text = store.Get(CdcCheckpointKey("", k));
    ASSERT_TRUE(text.ok());
    auto c = ParseCdcCheckpoint(*text);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->transactions, transactions[k - 1]);
    c->position.gtid_set = sets[k - 1];
    ASSERT_TRUE(store.Put(CdcCheckpointKey("", k), SerializeCdcCheckpoint(*c), {}).ok());
  }
}

TEST_F(LakeReaderTest, GtidSetsResolveToTheNewestCheckpointTheyContain) {
  RecordGtidSets(store_, "0-1-10", {"0-1-11", "0-1-13", "0-1-14,1-2-5"});
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  auto at = [&](std::string_view when) {
    auto r = ResolveAsOf(*lake, when);
    EXPECT_TRUE(r.ok()) << when << ": " << r.status().ToString();
    return r.ok() ? std::make_pair(r->checkpoint, r->exact) : std::make_pair(uint64_t{99}, false);
  };
  EXPECT_EQ(at("0-1-10"), std::make_pair(uint64_t{0}, true));
  EXPECT_EQ(at("0-1-11"), std::make_pair(uint64_t{1}, true));
  EXPECT_EQ(at("0-1-12"), std::make_pair(uint64_t{1}, false));  // inside batch 2
  EXPECT_EQ(at("0-1-13"), std::make_pair(uint64_t{2}, true));
  EXPECT_EQ(at(" 1-2-5, 0-1-14"), std::make_pair(uint64_t{3}, true));
  EXPECT_EQ(at("0-1-14"), std::make_pair(uint64_t{2}, false));  // batch 3 without domain 1
  auto error = [&](std::string_view when, std::string_view part) {
    auto r = ResolveAsOf(*lake, when);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << when;
    EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  };
  error("0-1-15,1-2-5", "is not reached by the newest checkpoint (3, GTID set 0-1-14,1-2-5)");
  error("0-1-9", "is before the full load's snapshot (GTID set 0-1-10");
  error("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "the target records MariaDB GTID positions");
  error("0-1-11,0-2-12", "0-1-11,0-2-12");  // a domain twice: the parser's own words
}

TEST_F(LakeReaderTest, MySqlGtidSetsToo) {
  const std::string a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  const std::string b = "b9b88c66-0000-11e1-9e33-c80aa9429562";
  RecordGtidSets(store_, a + ":1-10", {a + ":1-11", a + ":1-13", a + ":1-14," + b + ":1"});
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  auto at = [&](const std::string& when) {
    auto r = ResolveAsOf(*lake, when);
    EXPECT_TRUE(r.ok()) << when << ": " << r.status().ToString();
    return r.ok() ? std::make_pair(r->checkpoint, r->exact) : std::make_pair(uint64_t{99}, false);
  };
  EXPECT_EQ(at(a + ":1-12"), std::make_pair(uint64_t{1}, false));
  EXPECT_EQ(at(a + ":1-13"), std::make_pair(uint64_t{2}, true));
  EXPECT_EQ(at(b + ":1,\n3E11FA47-71CA-11E1-9E33-C80AA9429562:1-14"),
            std::make_pair(uint64_t{3}, true));
  // "uuid:N" is a GTID set, not FILE:POS.
  auto r = ResolveAsOf(*lake, a + ":5");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("before the full load's snapshot"), std::string::npos)
      << r.status().message();
  r = ResolveAsOf(*lake, a + ":1-15");
  EXPECT_NE(r.status().message().find("not reached by the newest checkpoint"), std::string::npos)
      << r.status().message();
  r = ResolveAsOf(*lake, a + ":1-16,\n" + b + ":1");  // named on one line
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
  r = ResolveAsOf(*lake, "0-1-1");
  EXPECT_NE(r.status().message().find("the target records MySQL GTID sets"), std::string::npos)
      << r.status().message();
}

// With checkpoint 2's transaction index, a point inside batch 2 (between its two transactions)
// is cut exactly there, by position, time and GTID set; without the index (an older binlake, or
// no store given) it stays at checkpoint 1, not exact.
TEST_F(LakeReaderTest, APointInsideABatchIsCutAtItsTransaction) {
  RecordGtidSets(store_, "0-1-10", {"0-1-11", "0-1-13", "0-1-14"});
  auto before = OpenLake(store_, "");
  ASSERT_TRUE(before.ok());
  for (const char* when : {"binlog.000001:2000", "2026-12-05T01:00:22Z", "0-1-12"}) {
    auto r = ResolveAsOf(*before, when, &store_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->checkpoint, 1u) << when;
    EXPECT_FALSE(r->exact) << when;
    EXPECT_FALSE(r->partial) << when;
    EXPECT_NE(r->note.find("batch 2 has no transaction index"), std::string::npos) << r->note;
  }
  testing::WriteSampleTxnIndex(store_, "0-1-12", "0-1-13");
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  const PartialBatch first{2, 1, {1}, {"binlog.000001", 2000, ""}};
  for (const char* when : {"binlog.000001:2000", "binlog.000001:2300", "2026-12-05T01:00:22Z",
                           "2026-12-05T01:00:20Z", "0-1-12"}) {
    auto r = ResolveAsOf(*lake, when, &store_);
    ASSERT_TRUE(r.ok()) << when << ": " << r.status().ToString();
    EXPECT_EQ(r->checkpoint, 1u) << when;
    EXPECT_TRUE(r->exact) << when << ": " << r->note;
    ASSERT_TRUE(r->partial) << when;
    EXPECT_EQ(*r->partial, first) << when;
    EXPECT_EQ(r->last_commit_us, 1796432420000000u) << when;
    EXPECT_EQ(r->last_read(), 2u);
  }
  auto r = ResolveAsOf(*lake, "binlog.000001:2300", &store_);
  EXPECT_EQ(r->position.ToString(), "binlog.000001:2300");  // the point asked for
  r = ResolveAsOf(*lake, "0-1-12", &store_);
  EXPECT_EQ(r->position.gtid_set, "0-1-12");
  EXPECT_EQ(r->position.ToString(), "binlog.000001:2000");
  // Before the batch's first indexed transaction: checkpoint 1's rows, exactly.
  for (const char* when : {"binlog.000001:1800", "2026-12-05T01:00:15Z"}) {
    r = ResolveAsOf(*lake, when, &store_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->checkpoint, 1u);
    EXPECT_TRUE(r->exact) << when;
    EXPECT_FALSE(r->partial) << when;
  }
  // Without the store: boundaries only, as before.
  r = ResolveAsOf(*lake, "binlog.000001:2000");
  EXPECT_FALSE(r->exact);
  EXPECT_FALSE(r->partial);
  // A malformed index is an error naming it.
  const std::string key = lake->history.commits[1].txindex;
  ASSERT_TRUE(
      store_.Put(key, "{\"format\":\"binlake-cdc-txindex/1\",\"checkpoint\":2}\n", {}).ok());
  r = ResolveAsOf(*lake, "binlog.000001:2000", &store_);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(key), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("account for 0 of the 2 rows"), std::string::npos)
      << r.status().message();
}

// A GTID set that takes a later transaction of the batch but not an earlier one is not a prefix:
// the boundary, not exact. A batch streamed from another server than the checkpoint before it
// is not cut by FILE:POS.
TEST_F(LakeReaderTest, CutsThatAreNotSafeStayAtTheBoundary) {
  const std::string a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  RecordGtidSets(store_, a + ":1-10", {a + ":1-11", a + ":1-13", a + ":1-14"});
  testing::WriteSampleTxnIndex(store_, a + ":12", a + ":13");
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  auto r = ResolveAsOf(*lake, a + ":1-11:13", &store_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->checkpoint, 1u);
  EXPECT_FALSE(r->exact);
  EXPECT_NE(r->note.find("not the first ones"), std::string::npos) << r->note;
  r = ResolveAsOf(*lake, a + ":1-12", &store_);
  EXPECT_TRUE(r->exact);
  ASSERT_TRUE(r->partial);
  EXPECT_EQ(r->partial->rows, std::vector<uint64_t>{1});
  // Another server.
  lake->history.commits[0].position.server = "server_id=1";
  lake->history.commits[1].position.server = "server_id=2";
  r = ResolveAsOf(*lake, "binlog.000001:2000", &store_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->exact);
  EXPECT_NE(r->note.find("another server"), std::string::npos) << r->note;
}

TEST_F(LakeReaderTest, TargetsThatCannotBeReadAreOneLineErrors) {
  MemoryObjectStore empty;
  EXPECT_EQ(OpenLake(empty, "").status().code(), StatusCode::kNotFound);
  // History that does not reach back to the full load.
  ASSERT_TRUE(store_.Delete(CdcCheckpointKey("", 1)).ok());
  auto gap = OpenLake(store_, "");
  EXPECT_EQ(gap.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(gap.status().message().find("starts at checkpoint 2"), std::string::npos);
  // A corrupt CDC file names itself.
  testing::WriteSampleCommit(store_, 1, {"binlog.000001", 1500, ""}, 1796432410000000, 1,
                             "db/t/20261205-010010000.csv", "U,1\n");
  auto lake = OpenLake(store_, "");
  ASSERT_TRUE(lake.ok());
  TableMerge merge(lake->load.tables[0].schema);
  Status s = ReadTableAsOf(store_, *lake, lake->load.tables[0], 3, &merge);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("db/t/20261205-010010000.csv record 1"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace binlake
