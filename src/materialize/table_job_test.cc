// A full build of one big table (WriteBigSampleTable, split points every 16 KiB) in key ranges on
// several threads (materialize/table_job.h, lake/load_slices.h), through RunMaterialize: the rows
// one thread writes, in parts of each range; a range whose LOAD rows do not hold builds the table
// whole. And the parts a new version replaced are deleted on several threads at once.
#include "materialize/table_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
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

// An output whose deletes wait (for at most 5 s in all) until two of them are in flight at once.
class OverlapSeeingStore : public MemoryObjectStore {
 public:
  Status Delete(std::string_view key) override {
    const int now = ++in_flight_;
    if (now >= 2) overlapped_ = true;
    while (!overlapped_ && std::chrono::steady_clock::now() < deadline_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    --in_flight_;
    ++deletes_;
    return MemoryObjectStore::Delete(key);
  }
  void StartWatching() {
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    overlapped_ = false;
    deletes_ = 0;
  }
  bool overlapped() const { return overlapped_; }
  int deletes() const { return deletes_; }

 private:
  std::atomic<int> in_flight_{0};
  std::atomic<int> deletes_{0};
  std::atomic<bool> overlapped_{false};
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now();
};

TEST_F(SlicedBuildTest, TheReplacedPartsAreDeletedOnSeveralThreads) {
  testing::WriteBigSampleTable(target_, /*split_bytes=*/0);
  OverlapSeeingStore output;
  MaterializeOptions o;
  o.max_part_bytes = 16384;
  o.threads = 4;
  o.as_of = "0";
  auto v1 = RunMaterialize(target_, output, o);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  output.StartWatching();
  o.as_of = "1";
  auto v2 = RunMaterialize(target_, output, o);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  const MaterializedTable& t = v2->tables.at(0);
  const uint64_t replaced = v1->tables.at(0).parts.size() + t.parts_written - t.parts.size();
  EXPECT_GE(replaced, 8u);
  EXPECT_EQ(output.deletes(), static_cast<int>(2 * replaced));  // each part and its marks
  EXPECT_TRUE(output.overlapped());
  testing::ExpectOnlyTheManifestsParts(output, t);
}

}  // namespace table_job_test
}  // namespace binlake
