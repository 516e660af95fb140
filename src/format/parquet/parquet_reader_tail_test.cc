// ParquetFile::OpenTail / AttachRowGroup (parquet_reader.h): a file read from its footer and one
// row group at a time gives the same rows as the file read whole; the errors of a tail that is
// too short, a file cut short, bytes that do not hold a row group and a row group never attached.
#include <gtest/gtest.h>

#include "common/string_object_writer.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_reader_test_util.h"
#include "format/parquet/parquet_writer.h"

namespace binlake::parquet {
namespace {

std::string AllTypesFile() {
  testing::AllTypesTable t = testing::MakeAllTypesTable(40);
  ParquetWriterOptions o;
  o.row_group_length = 50;  // 280 rows: 6 row groups
  std::string bytes;
  auto w = NewParquetFileWriter(t.schema, {}, o, std::make_unique<StringObjectWriter>(&bytes));
  EXPECT_TRUE(w.ok());
  for (const auto& row : t.rows) EXPECT_TRUE((*w)->Append({}, row).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return bytes;
}

TEST(ParquetReaderTailTest, RowGroupsOneAtATimeGiveTheSameRows) {
  const std::string bytes = AllTypesFile();
  auto whole = ParquetFile::Open(bytes);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  ASSERT_EQ(whole->num_row_groups(), 6u);
  const std::vector<std::string> want = testing::RowTexts(*whole, 0, SIZE_MAX);
  ASSERT_EQ(want.size(), 280u);

  auto need =
      ParquetFile::TailBytesNeeded(std::string_view(bytes).substr(bytes.size() - 8), bytes.size());
  ASSERT_TRUE(need.ok()) << need.status().ToString();
  ASSERT_LT(*need, bytes.size());
  const std::string tail = bytes.substr(bytes.size() - *need);
  auto file = ParquetFile::OpenTail(tail, bytes.size());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->bytes().empty());
  ASSERT_EQ(file->columns().size(), whole->columns().size());
  std::vector<std::string> got;
  uint64_t previous_end = 4;
  for (size_t g = 0; g < file->num_row_groups(); ++g) {
    auto [offset, length] = file->RowGroupRange(g);
    EXPECT_EQ(offset, previous_end) << g;  // the writer's row groups follow each other
    previous_end = offset + length;
    const std::string group = bytes.substr(offset, length);  // a copy: only this row group
    ASSERT_TRUE(file->AttachRowGroup(g, group, offset).ok());
    for (std::string& r : testing::RowTexts(*file, g, g + 1)) got.push_back(std::move(r));
  }
  EXPECT_EQ(previous_end, bytes.size() - *need);
  EXPECT_EQ(got, want);
}

TEST(ParquetReaderTailTest, Errors) {
  const std::string bytes = AllTypesFile();
  auto need =
      ParquetFile::TailBytesNeeded(std::string_view(bytes).substr(bytes.size() - 8), bytes.size());
  ASSERT_TRUE(need.ok());
  // A tail without the whole footer.
  EXPECT_EQ(
      ParquetFile::OpenTail(std::string_view(bytes).substr(bytes.size() - *need + 1), bytes.size())
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  // A file cut short: no magic at its end.
  const std::string cut = bytes.substr(0, bytes.size() - 3);
  Status s = ParquetFile::TailBytesNeeded(std::string_view(cut).substr(cut.size() - 8), cut.size())
                 .status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message().rfind("parquet: ", 0), 0u) << s.message();
  EXPECT_EQ(ParquetFile::TailBytesNeeded(std::string_view(bytes).substr(bytes.size() - 8), 11)
                .status()
                .code(),
            StatusCode::kCorruption);
  // A footer length past the file.
  std::string lying = bytes.substr(bytes.size() - 8);
  lying[3] = '\x7f';
  EXPECT_EQ(ParquetFile::TailBytesNeeded(lying, bytes.size()).status().code(),
            StatusCode::kCorruption);

  auto file =
      ParquetFile::OpenTail(std::string_view(bytes).substr(bytes.size() - *need), bytes.size());
  ASSERT_TRUE(file.ok());
  // Bytes that do not hold the row group.
  auto [offset, length] = file->RowGroupRange(1);
  EXPECT_EQ(
      file->AttachRowGroup(1, std::string_view(bytes).substr(offset + 1, length - 1), offset + 1)
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      file->AttachRowGroup(1, std::string_view(bytes).substr(offset, length - 1), offset).code(),
      StatusCode::kInvalidArgument);
  // A row group never attached.
  auto reader = ParquetRowReader::Make(&*file);
  ASSERT_TRUE(reader.ok());
  Result<size_t> n = (*reader)->NextBatch();
  EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(n.status().message().find("row group 0 is not in memory"), std::string::npos)
      << n.status().message();
}

}  // namespace
}  // namespace binlake::parquet
