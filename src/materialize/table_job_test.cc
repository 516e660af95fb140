// A full build of one big table (WriteBigSampleTable, split points every 16 KiB) in key ranges on
// several threads (materialize/table_job.h, lake/load_slices.h), through RunMaterialize: the rows
// one thread writes, in parts of each range; a range whose LOAD rows do not hold builds the table
// whole.
#include "materialize/table_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "materialize/parallel_test_util.h"

namespace binlake {
namespace table_job_test {

class SlicedBuildTest : public ::testing::Test {
 protected:
  // Ranges of at least 64 KiB of LOAD rows: 7 of them fit, 4 threads take 4.
  Result<MaterializeResult> Run(MemoryObjectStore& output, int threads) {
    MaterializeOptions o;
    o.as_of = "1";
    o.max_part_bytes = 16384;
    o.threads = threads;
    o.slice_bytes = 64 << 10;
    return RunMaterialize(target_, output, o);
  }
  // The ranges the parts' names give (part-<version>-<range>-<n>), none for a table built whole.
  static std::set<std::string> Ranges(const MaterializedTable& t) {
    std::set<std::string> ranges;
    for (const PartInfo& p : t.parts) {
      const std::string name = p.file.substr(p.file.rfind('/') + 1);  // part-v-u-n.csv
      if (std::count(name.begin(), name.end(), '-') == 3) ranges.insert(name.substr(0, 19));
    }
    return ranges;
  }

  MemoryObjectStore target_;
};

TEST_F(SlicedBuildTest, ABigTableIsBuiltInKeyRangesOnEveryThread) {
  testing::WriteBigSampleTable(target_, /*split_bytes=*/16384);
  MemoryObjectStore one, four;
  auto by_one = Run(one, 1);
  ASSERT_TRUE(by_one.ok()) << by_one.status().ToString();
  auto by_four = Run(four, 4);
  ASSERT_TRUE(by_four.ok()) << by_four.status().ToString();
  const MaterializedTable& t1 = by_one->tables.at(0);
  const MaterializedTable& t4 = by_four->tables.at(0);
  EXPECT_TRUE(Ranges(t1).empty());
  EXPECT_EQ(Ranges(t4).size(), 4u);
  EXPECT_TRUE(testing::ManifestRows(one, t1) == testing::ManifestRows(four, t4));
  EXPECT_EQ(t1.rows, t4.rows);
  EXPECT_EQ(t4.rows, 30000u + 6 - 4);  // 6 inserts and 4 deletes among keys <= 40000
  EXPECT_EQ(t4.parts_written, t4.parts.size());
  testing::ExpectOnlyTheManifestsParts(four, t4);
  // Each part is a key range after the one before.
  for (size_t i = 1; i < t4.parts.size(); ++i) {
    EXPECT_LT(t4.parts[i - 1].last_key, t4.parts[i].first_key) << i;
  }
}

TEST_F(SlicedBuildTest, ARangeWhoseLoadRowsAreOutOfOrderBuildsTheTableWhole) {
  testing::WriteBigSampleTable(target_, /*split_bytes=*/16384, /*swap=*/true);
  MemoryObjectStore one, four;
  auto by_one = Run(one, 1);
  ASSERT_TRUE(by_one.ok()) << by_one.status().ToString();
  auto by_four = Run(four, 4);
  ASSERT_TRUE(by_four.ok()) << by_four.status().ToString();
  const MaterializedTable& t4 = by_four->tables.at(0);
  EXPECT_TRUE(Ranges(t4).empty());  // built whole
  EXPECT_TRUE(testing::ManifestRows(one, by_one->tables.at(0)) == testing::ManifestRows(four, t4));
  testing::ExpectOnlyTheManifestsParts(four, t4);  // nothing left of the ranges
}

}  // namespace table_job_test
}  // namespace binlake
