#include "fullload/table_output.h"

#include <gtest/gtest.h>

#include "format/testing/line_row_file_writer.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

TableSchema OneIntColumn() {
  TableSchema t;
  t.schema = "s";
  t.table = "t";
  Column c;
  c.name = "id";
  c.type.type = SqlType::kInt;
  t.columns.push_back(c);
  return t;
}

RowFileWriterFactory LineFactory() {
  return [](const TableSchema& s, const OutputColumns&,
            std::unique_ptr<ObjectWriter> sink) -> Result<std::unique_ptr<RowFileWriter>> {
    return std::unique_ptr<RowFileWriter>(new LineRowFileWriter(s, std::move(sink)));
  };
}

TEST(TableOutputTest, LoadFileNamesAreEightUppercaseHexDigits) {
  EXPECT_EQ(LoadFileName(1), "LOAD00000001");
  EXPECT_EQ(LoadFileName(10), "LOAD0000000A");
  EXPECT_EQ(LoadFileName(16), "LOAD00000010");
  EXPECT_EQ(LoadFileName(0xABCDEF12), "LOADABCDEF12");
}

TEST(TableOutputTest, SplitsAtMaxFileSizeOnRowBoundaries) {
  MemoryObjectStore store;
  TableSchema schema = OneIntColumn();
  // Each row "I|n\n" is 4-6 bytes; a 20-byte limit gives several files.
  TableOutput out(&store, "s/t/", &schema, OutputColumns{}, LineFactory(), ".csv", 20);
  for (int i = 0; i < 30; ++i) {
    Value v = Value::Int(i);
    ASSERT_TRUE(out.Append(RowMeta{}, std::span<const Value>(&v, 1)).ok());
  }
  ASSERT_TRUE(out.Finish().ok());
  EXPECT_EQ(out.rows(), 30u);
  auto objects = store.objects();
  ASSERT_GT(out.files().size(), 3u);
  EXPECT_EQ(objects.size(), out.files().size());
  std::string all;
  uint64_t rows = 0;
  for (size_t i = 0; i < out.files().size(); ++i) {
    const OutputFile& f = out.files()[i];
    EXPECT_EQ(f.key, "s/t/" + LoadFileName(static_cast<uint32_t>(i + 1)) + ".csv");
    ASSERT_TRUE(objects.count(f.key));
    EXPECT_EQ(objects[f.key].size(), f.bytes);
    EXPECT_LE(f.bytes, 20u + 6u);  // never more than one row past the limit
    all += objects[f.key];
    rows += f.rows;
  }
  EXPECT_EQ(rows, 30u);
  std::string expected;
  for (int i = 0; i < 30; ++i) expected += "I|" + std::to_string(i) + "\n";
  EXPECT_EQ(all, expected);  // concatenation in file order = rows in order
}

// A LOAD file is created, never overwritten: one that appears meanwhile (a late write of an
// earlier run) stays as it is and the table's output fails with an error saying so.
TEST(TableOutputTest, AFileThatAppearedMeanwhileIsNotOverwritten) {
  MemoryObjectStore store;
  TableSchema schema = OneIntColumn();
  TableOutput out(&store, "s/t/", &schema, OutputColumns{}, LineFactory(), ".csv", 1 << 20);
  Value v = Value::Int(1);
  ASSERT_TRUE(out.Append(RowMeta{}, std::span<const Value>(&v, 1)).ok());
  ASSERT_TRUE(store.Put("s/t/LOAD00000001.csv", "late\n", PutOptions{}).ok());
  Status s = out.Finish();
  EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(s.message().find("s/t/LOAD00000001.csv was created by another writer"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(store.objects()["s/t/LOAD00000001.csv"], "late\n");
}

TEST(TableOutputTest, EmptyTableWritesNoFileAndAbortHidesPartialFile) {
  MemoryObjectStore store;
  TableSchema schema = OneIntColumn();
  {
    TableOutput empty(&store, "s/t/", &schema, OutputColumns{}, LineFactory(), ".csv", 100);
    ASSERT_TRUE(empty.Finish().ok());
    EXPECT_TRUE(empty.files().empty());
  }
  {
    TableOutput aborted(&store, "s/u/", &schema, OutputColumns{}, LineFactory(), ".csv", 100);
    Value v = Value::Int(1);
    ASSERT_TRUE(aborted.Append(RowMeta{}, std::span<const Value>(&v, 1)).ok());
    aborted.Abort();
    EXPECT_TRUE(aborted.files().empty());
  }
  EXPECT_TRUE(store.objects().empty());
}

}  // namespace
}  // namespace binlake
