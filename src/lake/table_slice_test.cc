// Slices of a table (lake/table_rows.h TableSlice): a CSV LOAD file read between split points
// (lake/file_rows.h FileRowLayout::begin/end), and the merge of LOAD + CDC one key range at a
// time, which validate runs in parallel (validate/table_chunks.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lake/file_rows.h"
#include "lake/table_rows.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

// id BIGINT PRIMARY KEY, name VARCHAR.
TablePlan Plan(const std::vector<std::string>& cdc_files) {
  TablePlan plan;
  plan.schema.schema = "db";
  plan.schema.table = "t";
  Column id, name;
  id.name = "id";
  id.type.type = SqlType::kBigInt;
  name.name = "name";
  name.type.type = SqlType::kVarChar;
  plan.schema.columns = {id, name};
  plan.schema.primary_key = {0};
  auto step = [](const std::string& key, bool cdc) {
    PlanStep s;
    s.file.key = key;
    s.file.cdc = cdc;
    s.file.data_columns = 2;
    s.file.columns = {0, 1};
    return s;
  };
  plan.steps.push_back(step("db/t/LOAD00000001.csv", false));
  for (const std::string& f : cdc_files) plan.steps.push_back(step(f, true));
  return plan;
}

Lake CsvLake(bool header) {
  Lake lake;
  lake.csv.header = header;
  return lake;
}

class Collect : public RestartableSink {
 public:
  Status Row(std::string_view key, std::string_view row) override {
    rows.emplace_back(row);
    return Status::Ok();
  }
  Status Restart() override {
    rows.clear();
    return Status::Ok();
  }
  std::vector<std::string> rows;
};

// Reads `key` from `begin` to `end` with the plan's layout: the rows, or the error.
Result<std::vector<std::string>> ReadSlice(ObjectStore& store, const Lake& lake,
                                           const std::string& key, uint64_t begin, uint64_t end,
                                           bool* broken, bool gzip = false) {
  const TablePlan plan = Plan({});
  const TableKey k = KeyOfTable(plan.schema);
  FileRowLayout layout = TargetFileLayout(lake, plan, plan.steps[0].file, k);
  layout.csv.gzip = gzip;
  layout.begin = begin;
  layout.end = end;
  layout.slice_broken = broken;
  auto reader = NewFileRowReader(store, key, layout, *k.encoder, 4096);
  std::vector<std::string> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more) return rows;
    rows.emplace_back(reader->row());
  }
}

TEST(TableSliceTest, ACsvFileReadsBetweenSplitPointsAsItsRowsInOrder) {
  MemoryObjectStore store;
  const std::string body = "id,name\n1,a\n2,\"two\nlines\"\n33,c\n4,d\n";
  ASSERT_TRUE(store.Put("f.csv", body, {}).ok());
  const Lake lake = CsvLake(/*header=*/true);
  const uint64_t at2 = body.find("2,"), at4 = body.find("4,");
  bool broken = false;
  auto first = ReadSlice(store, lake, "f.csv", 0, at2, &broken);
  auto middle = ReadSlice(store, lake, "f.csv", at2, at4, &broken);
  auto last = ReadSlice(store, lake, "f.csv", at4, UINT64_MAX, &broken);
  ASSERT_TRUE(first.ok() && middle.ok() && last.ok()) << middle.status().ToString();
  EXPECT_EQ(*first, (std::vector<std::string>{"1,a"}));  // the header only at offset 0
  EXPECT_EQ(*middle, (std::vector<std::string>{"2,\"two\nlines\"", "33,c"}));
  EXPECT_EQ(*last, (std::vector<std::string>{"4,d"}));
  EXPECT_FALSE(broken);

  // No row begins there (inside a field, where the rest reads as a row "3,c"; inside a field;
  // after a newline inside a quoted value), a row crosses the end: the slice is broken (the file
  // changed since its split points were recorded).
  for (auto [begin, end] : {std::pair<uint64_t, uint64_t>{body.find("3,c"), UINT64_MAX},
                            {at2 + 1, UINT64_MAX},
                            {body.find("lines"), UINT64_MAX},
                            {at2, at4 - 2}}) {
    broken = false;
    auto r = ReadSlice(store, lake, "f.csv", begin, end, &broken);
    EXPECT_FALSE(r.ok()) << begin << "-" << end;
    EXPECT_TRUE(broken) << begin << "-" << end;
  }
  broken = false;
  auto past = ReadSlice(store, lake, "f.csv", body.size() + 10, UINT64_MAX, &broken);
  EXPECT_FALSE(past.ok());
  EXPECT_TRUE(broken);
  // A gzip file has no split points to start from.
  auto gz = ReadSlice(store, lake, "f.csv", at2, UINT64_MAX, &broken, /*gzip=*/true);
  EXPECT_EQ(gz.status().code(), StatusCode::kInvalidArgument);
}

// Each key range merges its LOAD slice with the CDC changes of its keys; the ranges' rows in
// order are the whole table's.
TEST(TableSliceTest, RangesMergeToTheWholeTable) {
  MemoryObjectStore store;
  std::string load;
  for (int i = 1; i <= 9; ++i) load += std::to_string(i * 10) + ",n" + std::to_string(i) + "\n";
  ASSERT_TRUE(store.Put("db/t/LOAD00000001.csv", load, {}).ok());
  // Before the first LOAD key, inside each range, at a range's first key, past the last one.
  ASSERT_TRUE(store
                  .Put("db/t/c1.csv",
                       "I,5,five\nU,30,N3\nD,40,n4\nI,45,x\nD,70,n7\nI,70,seventy\nI,99,z\n", {})
                  .ok());
  const TablePlan plan = Plan({"db/t/c1.csv"});
  const Lake lake = CsvLake(false);
  const TableKey key = KeyOfTable(plan.schema);
  auto encode = [&](const std::string& id) {
    std::string k;
    EXPECT_TRUE(key.encoder->Append(0, id, &k).ok());
    return k;
  };
  TableMergeOptions options;
  options.spill_dir = ::testing::TempDir();
  Collect whole;
  MergeStats stats;
  ASSERT_TRUE(MergeTableRows(store, lake, plan, options, &whole, &stats).ok());
  ASSERT_EQ(whole.rows.size(), 11u);

  const uint64_t at40 = load.find("40,"), at70 = load.find("70,");
  std::vector<TableSlice> slices(3);
  slices[0].load = {{"db/t/LOAD00000001.csv", 0, at40}};
  slices[0].upper = encode("40");
  slices[1].load = {{"db/t/LOAD00000001.csv", at40, at70}};
  slices[1].lower = encode("40");
  slices[1].upper = encode("70");
  slices[2].load = {{"db/t/LOAD00000001.csv", at70, UINT64_MAX}};
  slices[2].lower = encode("70");
  std::vector<std::string> joined;
  for (const TableSlice& slice : slices) {
    Collect part;
    bool broken = false;
    TableMergeOptions o = options;
    o.slice = &slice;
    o.slice_broken = &broken;
    Status s = MergeTableRows(store, lake, plan, o, &part, &stats);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(broken);
    joined.insert(joined.end(), part.rows.begin(), part.rows.end());
  }
  EXPECT_EQ(joined, whole.rows);

  // A LOAD row outside its slice's range, though in order inside it (the file's rows no longer
  // in key order): broken.
  std::string swapped = load;
  swapped.replace(swapped.find("60,n6"), 5, "75,n6");
  ASSERT_TRUE(store.Put("db/t/LOAD00000001.csv", swapped, {}).ok());
  Collect part;
  bool broken = false;
  TableMergeOptions o = options;
  o.slice = &slices[1];
  o.slice_broken = &broken;
  EXPECT_FALSE(MergeTableRows(store, lake, plan, o, &part, &stats).ok());
  EXPECT_TRUE(broken);
}

}  // namespace
}  // namespace binlake
