// The advance of one table on several threads (materialize/table_advance.h), through
// RunMaterialize: the same parts as on one thread, the rows of a rebuild, and nothing of its own
// left when a unit fails.
#include "materialize/table_advance.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "materialize/parallel_test_util.h"

namespace binlake {
namespace table_advance_test {

class ThreadedAdvanceTest : public ::testing::Test {
 protected:
  // db.t of 30000 rows, changed among its first two thirds (WriteBigSampleTable): the parts
  // above are kept.
  void SetUp() override { testing::WriteBigSampleTable(target_, /*split_bytes=*/0); }
  // Parts of about 16 KiB (4 marks each): each a unit of its own when it has changes.
  Result<MaterializeResult> Run(MemoryObjectStore& output, const std::string& as_of, int threads,
                                bool incremental = true) {
    MaterializeOptions o;
    o.as_of = as_of;
    o.max_part_bytes = 16384;
    o.threads = threads;
    o.incremental = incremental;
    return RunMaterialize(target_, output, o);
  }
  // Every object but the manifest (which says when it was written).
  static std::map<std::string, std::string> Objects(MemoryObjectStore& output) {
    const auto objects = output.objects();
    std::map<std::string, std::string> all(objects.begin(), objects.end());
    all.erase(MaterializationManifestKey());
    return all;
  }

  MemoryObjectStore target_;
};

TEST_F(ThreadedAdvanceTest, FourThreadsWriteWhatOneThreadWrites) {
  MemoryObjectStore one, four;
  ASSERT_TRUE(Run(one, "0", 1).ok());
  ASSERT_TRUE(Run(four, "0", 4).ok());
  auto by_one = Run(one, "1", 1);
  ASSERT_TRUE(by_one.ok()) << by_one.status().ToString();
  auto by_four = Run(four, "1", 4);
  ASSERT_TRUE(by_four.ok()) << by_four.status().ToString();
  const MaterializedTable& t = by_four->tables.at(0);
  EXPECT_FALSE(t.rebuilt);
  // Several units, each from a part of version 1 with changes; the parts above key 800 kept.
  std::set<std::string> units;
  size_t kept = 0;
  for (const PartInfo& p : t.parts) {
    const size_t at = p.file.find("part-00000002-");
    if (at == std::string::npos) {
      ++kept;
      continue;
    }
    units.insert(p.file.substr(at, 19));  // "part-00000002-<unit>"
  }
  EXPECT_GE(units.size(), 8u);
  EXPECT_GE(kept, 4u);
  EXPECT_EQ(t.parts_written, t.parts.size() - kept);
  EXPECT_GT(t.rows_copied, 0u);
  // The same parts and objects as one thread wrote.
  const MaterializedTable& t1 = by_one->tables.at(0);
  ASSERT_EQ(t1.parts.size(), t.parts.size());
  for (size_t i = 0; i < t.parts.size(); ++i) {
    EXPECT_EQ(t1.parts[i].file, t.parts[i].file);
    EXPECT_EQ(t1.parts[i].first_key, t.parts[i].first_key);
    EXPECT_EQ(t1.parts[i].bytes, t.parts[i].bytes);
  }
  EXPECT_EQ(t1.rows, t.rows);
  EXPECT_EQ(t1.rows_copied, t.rows_copied);
  EXPECT_TRUE(Objects(one) == Objects(four));
  // The rows of a rebuild.
  MemoryObjectStore rebuilt;
  auto full = Run(rebuilt, "1", 4, /*incremental=*/false);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(testing::ManifestRows(four, t) == testing::ManifestRows(rebuilt, full->tables.at(0)));
  EXPECT_EQ(t.rows, full->tables.at(0).rows);
}

TEST_F(ThreadedAdvanceTest, AUnitThatFailsLeavesNoPartOfTheAdvance) {
  MemoryObjectStore output;
  auto v1 = Run(output, "0", 4);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  // The part with key 20000 (updated): its first mark names another key than its first row's,
  // so its unit stops the advance (kPreconditionFailed) while others have written parts; the
  // table is rebuilt instead.
  const PartInfo* found = nullptr;
  for (const PartInfo& p : v1->tables.at(0).parts) {
    if (output.Get(p.file)->find("\n" + testing::SampleRow(20000, "name")) != std::string::npos)
      found = &p;
  }
  ASSERT_NE(found, nullptr);
  const PartInfo& bad = *found;
  auto marks = DecodePartMarks(*output.Get(PartMarksKey(bad.file)), bad.bytes, bad.rows);
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  (*marks)[0].key += "x";
  ASSERT_TRUE(output.Put(PartMarksKey(bad.file), EncodePartMarks(*marks), {}).ok());
  auto v2 = Run(output, "1", 4);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  const MaterializedTable& t = v2->tables.at(0);
  EXPECT_TRUE(t.rebuilt);
  // Only the rebuild's parts and their marks are left.
  testing::ExpectOnlyTheManifestsParts(output, t);
}

}  // namespace table_advance_test
}  // namespace binlake
