// ParquetFileWriter::AppendRowGroups (file_writer.h): row groups of one file copied as encoded
// bytes between rows appended to another give the file that appending all those rows gives, as
// binlake's reader and DuckDB (an independent reader, which follows the moved offsets) read it;
// row groups whose chunks lie outside the bytes copied, or of other columns, are refused with
// nothing written.
#include <gtest/gtest.h>

#include <fstream>

#include "common/string_object_writer.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/file_writer.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_reader_test_util.h"
#include "format/parquet/parquet_test_util.h"

namespace binlake::parquet {
namespace {

constexpr size_t kGroupRows = 50;

ParquetWriterOptions Options() {
  ParquetWriterOptions o;
  o.row_group_length = kGroupRows;
  o.codec = Codec::kZstd;
  return o;
}

std::unique_ptr<ParquetFileWriter> Writer(const TableSchema& schema, std::string* bytes) {
  auto w =
      ParquetFileWriter::Make(schema, {}, Options(), std::make_unique<StringObjectWriter>(bytes));
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return std::move(w).value();
}

// Every field of every row, as text.
std::vector<std::string> Rows(std::string_view bytes) {
  auto file = ParquetFile::Open(bytes);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return {};
  return testing::RowTexts(*file);
}

TEST(RowGroupCopyTest, CopiedRowGroupsReadAsTheRowsAppended) {
  testing::AllTypesTable t = testing::MakeAllTypesTable(40);  // 280 rows
  ASSERT_EQ(t.rows.size(), 280u);
  // The source: 6 row groups (5 of 50 rows, one of 30).
  std::string source;
  auto a = Writer(t.schema, &source);
  for (const auto& row : t.rows) ASSERT_TRUE(a->Append({}, row).ok());
  ASSERT_TRUE(a->Finish().ok());
  auto file = ParquetFile::Open(source);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->num_row_groups(), 6u);
  EXPECT_TRUE(a->SameSchema(file->metadata()));

  // Rows 0..9 appended, row groups 1 and 2 (rows 50..149) copied, rows 17..19 appended, row
  // group 5 (rows 250..279) copied: what appending those rows gives.
  std::string copied, direct;
  auto b = Writer(t.schema, &copied);
  auto c = Writer(t.schema, &direct);
  auto append = [&](size_t from, size_t to) {
    for (size_t r = from; r < to; ++r) {
      ASSERT_TRUE(b->Append({}, t.rows[r]).ok());
      ASSERT_TRUE(c->Append({}, t.rows[r]).ok());
    }
  };
  auto copy = [&](size_t first, size_t end) {
    const auto& groups = file->metadata().row_groups;
    const uint64_t begin = file->RowGroupRange(first).first;
    const auto [last, length] = file->RowGroupRange(end - 1);
    const uint64_t size = last + length - begin;  // (a lambda may not capture a binding: clang 14)
    Status s = b->AppendRowGroups(
        std::span<const RowGroup>(groups).subspan(first, end - first), begin, size,
        [&](ObjectWriter* sink) { return sink->Write(source.substr(begin, size)); });
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (size_t g = first; g < end; ++g) {
      for (int64_t r = 0; r < groups[g].num_rows; ++r) {
        ASSERT_TRUE(c->Append({}, t.rows[g * kGroupRows + static_cast<size_t>(r)]).ok());
      }
    }
  };
  append(0, 10);
  copy(1, 3);
  append(17, 20);
  copy(5, 6);
  EXPECT_EQ(b->rows(), 10u + 100 + 3 + 30);
  ASSERT_TRUE(b->Finish().ok());
  ASSERT_TRUE(c->Finish().ok());
  const std::vector<std::string> want = Rows(direct);
  ASSERT_EQ(want.size(), 143u);
  EXPECT_TRUE(Rows(copied) == want) << "binlake's reader reads other rows";

  // DuckDB reads the same rows from both files.
  testing::TempDir dir;
  std::ofstream(dir.path() + "/copied.parquet", std::ios::binary) << copied;
  std::ofstream(dir.path() + "/direct.parquet", std::ios::binary) << direct;
  auto rows =
      testing::DuckDbQueryEach({"SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" +
                                    testing::SqlQuote(dir.path() + "/copied.parquet") + ")",
                                "SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" +
                                    testing::SqlQuote(dir.path() + "/direct.parquet") + ")"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].size(), 143u);
  EXPECT_EQ((*rows)[0], (*rows)[1]);
}

TEST(RowGroupCopyTest, RowGroupsThatDoNotFitTheBytesOrTheColumnsAreRefused) {
  testing::AllTypesTable t = testing::MakeAllTypesTable(40);
  std::string source;
  auto a = Writer(t.schema, &source);
  for (const auto& row : t.rows) ASSERT_TRUE(a->Append({}, row).ok());
  ASSERT_TRUE(a->Finish().ok());
  auto file = ParquetFile::Open(source);
  ASSERT_TRUE(file.ok());
  const auto groups = std::span<const RowGroup>(file->metadata().row_groups).subspan(1, 1);
  const auto [begin, length] = file->RowGroupRange(1);
  std::string target;
  auto b = Writer(t.schema, &target);
  bool called = false;
  auto copy = [&](ObjectWriter*) {
    called = true;
    return Status::Ok();
  };
  // One byte short of the row group's bytes.
  EXPECT_EQ(b->AppendRowGroups(groups, begin, length - 1, copy).code(),
            StatusCode::kInvalidArgument);
  // Another table's columns.
  TableSchema other = t.schema;
  other.columns.pop_back();
  std::string elsewhere;
  auto d = Writer(other, &elsewhere);
  EXPECT_FALSE(d->SameSchema(file->metadata()));
  EXPECT_EQ(d->AppendRowGroups(groups, begin, length, copy).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(called);
  EXPECT_EQ(b->offset(), 4u);  // the magic only
  EXPECT_EQ(b->rows(), 0u);
}

}  // namespace
}  // namespace binlake::parquet
