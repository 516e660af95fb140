#include "fullload/table_output.h"

#include <gtest/gtest.h>

#include "format/csv/csv_writer.h"
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

RowFileWriterFactory CsvFactory(bool gzip) {
  return [gzip](const TableSchema& s, const OutputColumns& columns,
                std::unique_ptr<ObjectWriter> sink) {
    CsvOptions csv;
    csv.header = true;
    csv.gzip = gzip;
    csv.buffer_bytes = 16;  // flushed often: offsets count buffered and flushed bytes alike
    return NewCsvFileWriter(s, columns, csv, std::move(sink));
  };
}

// Split points (validate's key ranges): about every split_bytes, each where a row begins in the
// stored object, after the header; per file; none in a gzip file (offsets of the CSV text are
// not the object's).
TEST(TableOutputTest, RecordsSplitPointsWhereRowsBegin) {
  MemoryObjectStore store;
  TableSchema schema = OneIntColumn();
  TableOutput out(&store, "s/t/", &schema, OutputColumns{}, CsvFactory(false), ".csv", 400);
  out.set_split_bytes(50);
  for (int i = 0; i < 200; ++i) {
    Value v = Value::Int(1000 + i);  // "1000\n": 5 bytes a row
    ASSERT_TRUE(out.Append(RowMeta{}, std::span<const Value>(&v, 1)).ok());
  }
  ASSERT_TRUE(out.Finish().ok());
  auto objects = store.objects();
  ASSERT_EQ(out.files().size(), 3u);
  for (const OutputFile& f : out.files()) {
    const std::string& body = objects[f.key];
    ASSERT_EQ(body.substr(0, 3), "id\n");
    // 400-byte files (the last shorter): a split point about every 50 bytes.
    ASSERT_GE(f.splits.size(), f.bytes / 50 - 2) << f.key;
    ASSERT_LE(f.splits.size(), f.bytes / 50) << f.key;
    uint64_t previous = 0;
    for (uint64_t s : f.splits) {
      EXPECT_GE(s, previous + 50) << f.key;
      ASSERT_LT(s, body.size());
      EXPECT_EQ(body[s - 1], '\n') << f.key << " at " << s;
      EXPECT_EQ(body.substr(s, 5).size(), 5u);
      EXPECT_EQ(body[s + 4], '\n') << f.key << " at " << s;  // a whole row "1xxx\n" begins there
      previous = s;
    }
  }

  MemoryObjectStore gzip_store;
  TableOutput gz(&gzip_store, "s/t/", &schema, OutputColumns{}, CsvFactory(true), ".csv.gz",
                 1 << 20);
  gz.set_split_bytes(50);
  for (int i = 0; i < 200; ++i) {
    Value v = Value::Int(1000 + i);
    ASSERT_TRUE(gz.Append(RowMeta{}, std::span<const Value>(&v, 1)).ok());
  }
  ASSERT_TRUE(gz.Finish().ok());
  ASSERT_EQ(gz.files().size(), 1u);
  EXPECT_TRUE(gz.files()[0].splits.empty());
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
