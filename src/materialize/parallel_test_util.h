// Helpers of the tests of a table built or advanced on several threads (table_advance_test.cc,
// table_job_test.cc): one big sample table, and what a materialization holds.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "lake/testing/sample_target.h"
#include "materialize/manifest.h"
#include "materialize/materialize.h"
#include "materialize/part_marks.h"
#include "store/testing/memory_object_store.h"

namespace binlake::testing {

// A row of db.t: "<key>,<name><key>\n".
inline std::string SampleRow(int key, const std::string& name) {
  return std::to_string(key) + "," + name + std::to_string(key) + "\n";
}

// The sample target with db.t as of the full load: 30000 rows, even keys 2..60000, with split
// points about every `split_bytes` of its LOAD file (0: none; `swap`: the rows of keys 35000 and
// 35002 trade places). Checkpoint 1 updates keys divisible by 5000, deletes those divisible by
// 8500 and inserts each key divisible by 6500 plus one, among the keys up to 40000: 6 inserts, 4
// deletes.
inline void WriteBigSampleTable(ObjectStore& target, uint64_t split_bytes, bool swap = false) {
  WriteSampleTarget(target);
  std::vector<std::string> rows;
  for (int k = 2; k <= 60000; k += 2) rows.push_back(SampleRow(k, "name"));
  if (swap) std::swap(rows[35000 / 2 - 1], rows[35002 / 2 - 1]);
  std::string load;
  std::vector<uint64_t> splits;
  for (const std::string& r : rows) {
    if (split_bytes > 0 && load.size() >= (splits.size() + 1) * split_bytes) {
      splits.push_back(load.size());
    }
    load += r;
  }
  WriteSampleLoad(target, load, rows.size(), splits);
  std::string changes;
  for (int k = 2; k <= 40000; k += 2) {
    if (k % 5000 == 0) changes += "U," + SampleRow(k, "NAME");
    if (k % 8500 == 0) changes += "D," + SampleRow(k, "name");
    if (k % 6500 == 0) changes += "I," + SampleRow(k + 1, "new");
  }
  WriteSampleCommit(target, 1, {"binlog.000001", 1500, ""}, 1796432410000000, 1,
                    "db/t/20261205-010010000.csv", changes);
}

// The table's rows, its parts read in the manifest's order, without their headers.
inline std::string ManifestRows(MemoryObjectStore& output, const MaterializedTable& t) {
  std::string all;
  for (const PartInfo& p : t.parts) {
    const std::string data = *output.Get(p.file);
    all += data.substr(data.find('\n') + 1);
  }
  return all;
}

// Every object but the manifest must be a part it names, or that part's marks.
inline void ExpectOnlyTheManifestsParts(MemoryObjectStore& output, const MaterializedTable& t) {
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

}  // namespace binlake::testing
