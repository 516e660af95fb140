#include "lake/lake_reader.h"

#include <gtest/gtest.h>

#include "config/target_layout.h"
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
