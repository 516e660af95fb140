// Tests of the Parquet reader (parquet_reader.h):
//   - round trip: the all-types table and sysbench rows written by binlake's writer for every
//     EncodingType x codec x ParquetVersion (several row groups and pages, NULLs, a dictionary
//     fallback) read back with several batch sizes; every value equals the physical value the
//     writer converted (type_mapping.h ConvertValue), and the schema equals the writer's;
//   - the API: row cursor, column subsets, row-group ranges, FindColumn.
// Untrusted bytes, DuckDB's files and the fuzz seeds: parquet_reader_corrupt_test.cc.
#include "format/parquet/parquet_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <tuple>

#include "common/string_object_writer.h"
#include "common/testing/sanitizers.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "format/parquet/parquet_reader_test_util.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/rle_decoder.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/sysbench_rows.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {
namespace {

using testing::AllTypesTable;
using testing::ComboName;
using testing::kRowTimestamp;
using testing::kTimestampColumn;
using testing::MakeAllTypesTable;
using testing::OptionsFor;
using testing::ReadEverything;
using testing::SysbenchValues;
using testing::WriteRows;
using Combo = testing::Combo;

// Every row of every column (in file order) through the batch API; byte values are copied into
// *owned (views die with their batch).
Status ReadAll(std::string_view bytes, size_t batch_rows, std::vector<std::vector<Field>>* rows,
               std::deque<std::string>* owned) {
  ASSIGN_OR_RETURN(ParquetFile file, ParquetFile::Open(bytes));
  RowReaderOptions ro;
  ro.batch_rows = batch_rows;
  ASSIGN_OR_RETURN(auto reader, ParquetRowReader::Make(&file, ro));
  while (true) {
    ASSIGN_OR_RETURN(size_t n, reader->NextBatch());
    if (n == 0) break;
    for (size_t r = 0; r < n; ++r) {
      std::vector<Field>& row = rows->emplace_back();
      for (size_t c = 0; c < reader->num_columns(); ++c) {
        Field f = reader->column(c).Get(r);
        if (!f.null && !f.bytes.empty()) f.bytes = owned->emplace_back(f.bytes);
        row.push_back(f);
      }
    }
  }
  return Status::Ok();
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Checks the schema the reader sees against the writer's column specs.
void CheckSchema(const ParquetFile& file, const std::vector<ColumnSpec>& specs) {
  ASSERT_EQ(file.columns().size(), specs.size());
  for (size_t c = 0; c < specs.size(); ++c) {
    const ParquetColumn& col = file.columns()[c];
    const SchemaElement& e = specs[c].element;
    SCOPED_TRACE(e.name);
    EXPECT_EQ(col.name, e.name);
    EXPECT_EQ(col.type, *e.type);
    if (col.type == PhysicalType::kFixedLenByteArray) {
      EXPECT_EQ(col.type_length, e.type_length);
    }
    EXPECT_TRUE(col.optional);
    EXPECT_EQ(col.converted_type, e.converted_type);
    EXPECT_EQ(col.logical.kind, e.logical.kind);
    switch (e.logical.kind) {
      case LogicalKind::kDecimal:
        EXPECT_EQ(col.precision, e.logical.precision);
        EXPECT_EQ(col.scale, e.logical.scale);
        break;
      case LogicalKind::kTimestamp:
        EXPECT_EQ(col.logical.adjusted_to_utc, e.logical.adjusted_to_utc);
        EXPECT_EQ(col.logical.unit, e.logical.unit);
        break;
      case LogicalKind::kInteger:
        EXPECT_EQ(col.logical.bit_width, e.logical.bit_width);
        EXPECT_EQ(col.logical.is_signed, e.logical.is_signed);
        break;
      default:
        break;
    }
  }
}

// The all-types table (plus the Op and timestamp columns) read back: each field equals the cell
// the writer converted the Value to.
void CheckAllTypes(const AllTypesTable& t, const ParquetWriterOptions& o,
                   const std::vector<std::vector<Field>>& rows) {
  MappingOptions mapping;
  mapping.version_2 = o.version == ParquetVersion::k2_0;
  mapping.timestamp_millis = o.timestamp_in_millis;
  ASSERT_EQ(rows.size(), t.rows.size());
  std::vector<ColumnSpec> specs;
  for (const Column& c : t.schema.columns) specs.push_back(MapColumn(c, mapping));
  std::string scratch;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::vector<Field>& row = rows[r];
    ASSERT_EQ(row.size(), 2 + specs.size());
    ASSERT_FALSE(row[0].null);
    ASSERT_EQ(row[0].bytes, std::string(1, "IUD"[r % 3])) << "row " << r;
    ASSERT_EQ(row[1].bytes, kRowTimestamp) << "row " << r;
    for (size_t c = 0; c < specs.size(); ++c) {
      const Field& f = row[2 + c];
      Cell cell;
      ASSERT_TRUE(
          ConvertValue(t.rows[r][c], specs[c], t.schema.columns[c].type, o.render, &scratch, &cell)
              .ok());
      std::string where = "row " + std::to_string(r) + " column " + t.schema.columns[c].name;
      switch (cell.kind) {
        case Cell::Kind::kNull:
          EXPECT_TRUE(f.null) << where;
          break;
        case Cell::Kind::kInt: {
          ASSERT_FALSE(f.null) << where;
          int64_t expected = *specs[c].element.type == PhysicalType::kInt32
                                 ? static_cast<int32_t>(cell.i)
                                 : cell.i;
          EXPECT_EQ(f.i, expected) << where;
          break;
        }
        case Cell::Kind::kFloat:
          ASSERT_FALSE(f.null) << where;
          EXPECT_TRUE(SameBits(static_cast<float>(f.d), static_cast<float>(cell.d)))
              << where << ": " << f.d << " vs " << cell.d;
          break;
        case Cell::Kind::kDouble:
          ASSERT_FALSE(f.null) << where;
          EXPECT_TRUE(SameBits(f.d, cell.d)) << where << ": " << f.d << " vs " << cell.d;
          break;
        case Cell::Kind::kBytes:
          ASSERT_FALSE(f.null) << where;
          EXPECT_EQ(f.bytes, cell.bytes) << where;
          break;
      }
    }
  }
}

void CheckSysbench(const testing::SysbenchRows& s, const std::vector<std::vector<Field>>& rows) {
  ASSERT_EQ(rows.size(), s.id.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<Field>& row = rows[i];
    ASSERT_EQ(row.size(), 4u);
    ASSERT_FALSE(row[0].null);
    ASSERT_EQ(row[0].i, s.id[i]) << "row " << i;
    if (i % 17 == 5) {
      ASSERT_TRUE(row[1].null) << "row " << i;
    } else {
      ASSERT_FALSE(row[1].null) << "row " << i;
      ASSERT_EQ(row[1].i, s.k[i]) << "row " << i;
    }
    ASSERT_EQ(row[2].bytes, s.c[i]) << "row " << i;
    ASSERT_EQ(row[3].bytes, s.pad[i]) << "row " << i;
  }
}

class ParquetReaderRoundTrip : public ::testing::TestWithParam<Combo> {};

TEST_P(ParquetReaderRoundTrip, AllTypesEveryValue) {
  ParquetWriterOptions o = OptionsFor(GetParam());
  AllTypesTable t = MakeAllTypesTable(40);  // 280 rows: 3 row groups
  auto bytes = WriteRows(t.schema, t.rows, o, /*extra_columns=*/true);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();

  auto file = ParquetFile::Open(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->num_rows(), static_cast<int64_t>(t.rows.size()));
  EXPECT_EQ(file->num_row_groups(), 3u);
  MappingOptions mapping;
  mapping.version_2 = o.version == ParquetVersion::k2_0;
  mapping.timestamp_millis = o.timestamp_in_millis;
  std::vector<ColumnSpec> specs = {StringColumn("Op"), StringColumn(kTimestampColumn)};
  for (const Column& c : t.schema.columns) specs.push_back(MapColumn(c, mapping));
  CheckSchema(*file, specs);

  // Dictionary encodings: column uniq falls back to PLAIN within its first chunk (dictionary,
  // dictionary-encoded and PLAIN pages in one chunk).
  const ColumnMetaData& uniq = file->metadata().row_groups[0].columns.back().meta;
  EXPECT_EQ(file->columns().back().name, "uniq");
  if (o.encoding != ParquetEncoding::kPlain) {
    EXPECT_EQ(uniq.encoding_stats.size(), 3u);
  }

  for (size_t batch : {size_t{1}, size_t{7}, size_t{4096}}) {
    SCOPED_TRACE("batch_rows " + std::to_string(batch));
    std::vector<std::vector<Field>> rows;
    std::deque<std::string> owned;
    Status s = ReadAll(*bytes, batch, &rows, &owned);
    ASSERT_TRUE(s.ok()) << s.ToString();
    CheckAllTypes(t, o, rows);
  }
}

TEST_P(ParquetReaderRoundTrip, SysbenchEveryValue) {
  ParquetWriterOptions o = OptionsFor(GetParam());
  o.row_group_length = 1500;
  o.data_page_size = 4096;
  o.dict_page_size_limit = 8192;
  testing::SysbenchRows s = testing::MakeSysbenchRows(5000);
  auto bytes = WriteRows(s.schema, SysbenchValues(s), o, /*extra_columns=*/false);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  for (size_t batch : {size_t{333}, size_t{4096}}) {
    std::vector<std::vector<Field>> rows;
    std::deque<std::string> owned;
    Status st = ReadAll(*bytes, batch, &rows, &owned);
    ASSERT_TRUE(st.ok()) << st.ToString();
    CheckSysbench(s, rows);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, ParquetReaderRoundTrip,
    ::testing::Combine(
        ::testing::Values(ParquetEncoding::kRleDictionary, ParquetEncoding::kPlainDictionary,
                          ParquetEncoding::kPlain),
        ::testing::Values(Codec::kUncompressed, Codec::kGzip, Codec::kSnappy, Codec::kZstd),
        ::testing::Values(ParquetVersion::k1_0, ParquetVersion::k2_0)),
    [](const ::testing::TestParamInfo<Combo>& info) { return ComboName(info.param); });

// The default settings (one row group, 1 MB pages, dictionaries kept) with large values.
TEST(ParquetReader, DefaultSettingsLargeValues) {
  AllTypesTable t = MakeAllTypesTable(300);
  for (Codec codec : {Codec::kUncompressed, Codec::kZstd}) {
    ParquetWriterOptions o;
    o.codec = codec;
    auto bytes = WriteRows(t.schema, t.rows, o, true);
    ASSERT_TRUE(bytes.ok());
    std::vector<std::vector<Field>> rows;
    std::deque<std::string> owned;
    Status s = ReadAll(*bytes, 4096, &rows, &owned);
    ASSERT_TRUE(s.ok()) << s.ToString();
    CheckAllTypes(t, o, rows);
  }
}

// ---------------------------------------------------------------------------------------------
// The API.

TEST(ParquetReader, RowCursorSubsetsAndRowGroupRanges) {
  testing::SysbenchRows s = testing::MakeSysbenchRows(1000);
  ParquetWriterOptions o;
  o.row_group_length = 300;  // 4 row groups: 300, 300, 300, 100
  o.codec = Codec::kSnappy;
  auto bytes = WriteRows(s.schema, SysbenchValues(s), o, false);
  ASSERT_TRUE(bytes.ok());
  auto file = ParquetFile::Open(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->FindColumn("pad"), 3);
  EXPECT_EQ(file->FindColumn("nope"), -1);
  ASSERT_EQ(file->num_row_groups(), 4u);
  EXPECT_EQ(file->row_group_rows(3), 100);

  // Columns pad and id only, in that order; row groups 1 and 2; row by row.
  RowReaderOptions ro;
  ro.columns = {file->FindColumn("pad"), file->FindColumn("id")};
  ro.batch_rows = 128;
  ro.row_group_begin = 1;
  ro.row_group_end = 3;
  auto reader = ParquetRowReader::Make(&*file, ro);
  ASSERT_TRUE(reader.ok());
  int64_t expected_row = 300;
  while (true) {
    auto more = (*reader)->Next();
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_EQ((*reader)->row_number(), expected_row);
    Field pad = (*reader)->field(0);
    Field id = (*reader)->field(1);
    ASSERT_FALSE(pad.null);
    ASSERT_EQ(pad.bytes, s.pad[static_cast<size_t>(expected_row)]);
    ASSERT_EQ(id.i, s.id[static_cast<size_t>(expected_row)]);
    ASSERT_EQ((*reader)->row_group(), static_cast<size_t>(expected_row / 300));
    ++expected_row;
  }
  EXPECT_EQ(expected_row, 900);

  // Batches: never across a row group, and null counts.
  ro = RowReaderOptions();
  ro.columns = {1};
  ro.batch_rows = 250;
  reader = ParquetRowReader::Make(&*file, ro);
  ASSERT_TRUE(reader.ok());
  std::vector<size_t> sizes;
  size_t nulls = 0;
  while (true) {
    auto n = (*reader)->NextBatch();
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    sizes.push_back(*n);
    nulls += (*reader)->column(0).null_count;
    EXPECT_EQ((*reader)->column(0).type, PhysicalType::kInt32);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{250, 50, 250, 50, 250, 50, 100}));
  size_t expected_nulls = 0;
  for (size_t i = 0; i < 1000; ++i) expected_nulls += i % 17 == 5;
  EXPECT_EQ(nulls, expected_nulls);

  // Bad options.
  ro.columns = {4};
  EXPECT_EQ(ParquetRowReader::Make(&*file, ro).status().code(), StatusCode::kInvalidArgument);
  ro.columns = {0};
  ro.batch_rows = 0;
  EXPECT_EQ(ParquetRowReader::Make(&*file, ro).status().code(), StatusCode::kInvalidArgument);
}

TEST(ParquetReader, EmptyFileHasSchemaAndNoRows) {
  testing::SysbenchRows s = testing::MakeSysbenchRows(0);
  auto bytes = WriteRows(s.schema, {}, ParquetWriterOptions(), false);
  ASSERT_TRUE(bytes.ok());
  auto file = ParquetFile::Open(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->columns().size(), 4u);
  EXPECT_EQ(file->num_rows(), 0);
  auto reader = ParquetRowReader::Make(&*file);
  ASSERT_TRUE(reader.ok());
  auto more = (*reader)->Next();
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

}  // namespace
}  // namespace binlake::parquet
