// A full build of one big table in key ranges on several threads (materialize/table_job.h,
// lake/load_slices.h), through RunMaterialize: the rows one thread writes, in parts of each
// range; a range whose LOAD rows do not hold builds the table whole.
#include "materialize/table_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "lake/testing/sample_target.h"
#include "materialize/materialize.h"
#include "materialize/part_marks.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace table_job_test {

class SlicedBuildTest : public ::testing::Test {
 protected:
  // db.t: 30000 rows, even keys 2..60000, split points about every 16 KiB (`swap`: the rows of
  // keys 35000 and 35002 trade places); checkpoint 1 changes keys among the first 40000.
  void WriteTarget(bool swap) {
    testing::WriteSampleTarget(target_);
    std::vector<std::string> rows;
    for (int k = 2; k <= 60000; k += 2) rows.push_back(Row(k, "name"));
    if (swap) std::swap(rows[35000 / 2 - 1], rows[35002 / 2 - 1]);
    std::string load;
    std::vector<uint64_t> splits;
    for (const std::string& r : rows) {
      if (load.size() >= (splits.size() + 1) * 16384) splits.push_back(load.size());
      load += r;
    }
    testing::WriteSampleLoad(target_, load, rows.size(), splits);
    std::string changes;
    for (int k = 2; k <= 40000; k += 2) {
      if (k % 5000 == 0) changes += "U," + Row(k, "NAME");
      if (k % 8500 == 0) changes += "D," + Row(k, "name");
      if (k % 6500 == 0) changes += "I," + Row(k + 1, "new");
    }
    testing::WriteSampleCommit(target_, 1, {"binlog.000001", 1500, ""}, 1796432410000000, 1,
                               "db/t/20261205-010010000.csv", changes);
  }
  static std::string Row(int key, const std::string& name) {
    return std::to_string(key) + "," + name + std::to_string(key) + "\n";
  }
  // Ranges of at least 64 KiB of LOAD rows: 7 of them fit, 4 threads take 4.
  Result<MaterializeResult> Run(MemoryObjectStore& output, int threads) {
    MaterializeOptions o;
    o.as_of = "1";
    o.max_part_bytes = 16384;
    o.threads = threads;
    o.slice_bytes = 64 << 10;
    return RunMaterialize(target_, output, o);
  }
  // The table's rows, its parts read in the manifest's order.
  static std::string Rows(MemoryObjectStore& output, const MaterializedTable& t) {
    std::string all;
    for (const PartInfo& p : t.parts) {
      const std::string data = *output.Get(p.file);
      all += data.substr(data.find('\n') + 1);
    }
    return all;
  }
  // Every object but the manifest must be a part it names, or that part's marks.
  static void ExpectOnlyTheManifestsParts(MemoryObjectStore& output, const MaterializedTable& t) {
    std::set<std::string> want, got;
    for (const PartInfo& p : t.parts) {
      want.insert(p.file);
      want.insert(PartMarksKey(p.file));
    }
    for (const auto& [key, data] : output.objects()) {
      if (key != MaterializationManifestKey()) got.insert(key);
    }
    EXPECT_EQ(got, want);
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
  WriteTarget(/*swap=*/false);
  MemoryObjectStore one, four;
  auto by_one = Run(one, 1);
  ASSERT_TRUE(by_one.ok()) << by_one.status().ToString();
  auto by_four = Run(four, 4);
  ASSERT_TRUE(by_four.ok()) << by_four.status().ToString();
  const MaterializedTable& t1 = by_one->tables.at(0);
  const MaterializedTable& t4 = by_four->tables.at(0);
  EXPECT_TRUE(Ranges(t1).empty());
  EXPECT_EQ(Ranges(t4).size(), 4u);
  EXPECT_TRUE(Rows(one, t1) == Rows(four, t4));
  EXPECT_EQ(t1.rows, t4.rows);
  EXPECT_EQ(t4.rows, 30000u + 6 - 4);  // 6 inserts and 4 deletes among keys <= 40000
  EXPECT_EQ(t4.parts_written, t4.parts.size());
  ExpectOnlyTheManifestsParts(four, t4);
  // Each part is a key range after the one before.
  for (size_t i = 1; i < t4.parts.size(); ++i) {
    EXPECT_LT(t4.parts[i - 1].last_key, t4.parts[i].first_key) << i;
  }
}

TEST_F(SlicedBuildTest, ARangeWhoseLoadRowsAreOutOfOrderBuildsTheTableWhole) {
  WriteTarget(/*swap=*/true);
  MemoryObjectStore one, four;
  auto by_one = Run(one, 1);
  ASSERT_TRUE(by_one.ok()) << by_one.status().ToString();
  auto by_four = Run(four, 4);
  ASSERT_TRUE(by_four.ok()) << by_four.status().ToString();
  const MaterializedTable& t4 = by_four->tables.at(0);
  EXPECT_TRUE(Ranges(t4).empty());  // built whole
  EXPECT_TRUE(Rows(one, by_one->tables.at(0)) == Rows(four, t4));
  ExpectOnlyTheManifestsParts(four, t4);  // nothing left of the ranges
}

}  // namespace table_job_test
}  // namespace binlake
