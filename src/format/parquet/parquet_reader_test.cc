// Tests of the Parquet reader (parquet_reader.h):
//   - round trip: the all-types table and sysbench rows written by binlake's writer for every
//     EncodingType x codec x ParquetVersion (several row groups and pages, NULLs, a dictionary
//     fallback) read back with several batch sizes; every value equals the physical value the
//     writer converted (type_mapping.h ConvertValue), and the schema equals the writer's;
//   - the API: row cursor, column subsets, row-group ranges, FindColumn;
//   - untrusted bytes: files cut short, cut in the middle, with flipped bytes, and hand-built
//     files with one defect each give a one-line "parquet: " error, never a crash;
//   - a file DuckDB writes (when node and DuckDB are installed: scripts/setup.sh);
//   - the committed fuzz seeds (fuzz/corpus/parquet_reader_fuzz) read cleanly.
// With BINLAKE_WRITE_PARQUET_SEEDS=DIR, the SeedFiles test (re)writes those seeds into DIR.
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
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/rle_decoder.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/sysbench_rows.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {
namespace {

using testing::AllTypesTable;
using testing::MakeAllTypesTable;

constexpr const char* kTimestampColumn = "ts_col";
constexpr const char* kRowTimestamp = "2024-05-06 07:08:09.123456";

Result<std::string> WriteRows(const TableSchema& schema,
                              const std::vector<std::vector<Value>>& rows,
                              const ParquetWriterOptions& o, bool extra_columns) {
  std::string bytes;
  OutputColumns extra;
  if (extra_columns) {
    extra.include_op = true;
    extra.timestamp_column_name = kTimestampColumn;
  }
  ASSIGN_OR_RETURN(
      auto w, NewParquetFileWriter(schema, extra, o, std::make_unique<StringObjectWriter>(&bytes)));
  for (size_t r = 0; r < rows.size(); ++r) {
    RowMeta meta;
    meta.op = "IUD"[r % 3];
    meta.timestamp = kRowTimestamp;
    RETURN_IF_ERROR(w->Append(meta, rows[r]));
  }
  RETURN_IF_ERROR(w->Finish());
  return bytes;
}

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

using Combo = std::tuple<ParquetEncoding, Codec, ParquetVersion>;

std::string ComboName(const Combo& combo) {
  auto [encoding, codec, version] = combo;
  const char* e = encoding == ParquetEncoding::kRleDictionary     ? "RleDictionary"
                  : encoding == ParquetEncoding::kPlainDictionary ? "PlainDictionary"
                                                                  : "Plain";
  return std::string(e) + "_" + std::string(CodecName(codec)) + "_" +
         (version == ParquetVersion::k1_0 ? "V1" : "V2");
}

ParquetWriterOptions OptionsFor(const Combo& combo) {
  // Small row groups, pages and dictionary limit: several row groups, pages per chunk and a
  // dictionary fallback in every file.
  ParquetWriterOptions o;
  std::tie(o.encoding, o.codec, o.version) = combo;
  o.row_group_length = 128;
  o.data_page_size = 300;
  o.dict_page_size_limit = 150;
  o.timestamp_in_millis = o.codec == Codec::kSnappy;
  return o;
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

// sysbench rows with k NULL in every 17th row.
std::vector<std::vector<Value>> SysbenchValues(const testing::SysbenchRows& s) {
  std::vector<std::vector<Value>> rows;
  for (size_t i = 0; i < s.id.size(); ++i) {
    rows.push_back(s.Row(i));
    if (i % 17 == 5) rows.back()[1] = Value::Null();
  }
  return rows;
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

// ---------------------------------------------------------------------------------------------
// Untrusted bytes.

// Opens and reads everything; the error if any. Checks the error's form.
Status ReadEverything(std::string_view bytes, size_t batch_rows = 100) {
  auto file = ParquetFile::Open(bytes);
  Status s = file.status();
  if (s.ok()) {
    RowReaderOptions ro;
    ro.batch_rows = batch_rows;
    auto reader = ParquetRowReader::Make(&*file, ro);
    s = reader.status();
    while (s.ok()) {
      auto n = (*reader)->NextBatch();
      s = n.status();
      if (!s.ok() || *n == 0) break;
      // Touch every value (a bad view would show under ASan).
      size_t sum = 0;
      for (size_t c = 0; c < (*reader)->num_columns(); ++c) {
        const ColumnBatch& b = (*reader)->column(c);
        for (size_t r = 0; r < *n; ++r) {
          Field f = b.Get(r);
          for (char ch : f.bytes) sum += static_cast<unsigned char>(ch);
        }
      }
      (void)sum;
    }
  }
  if (!s.ok()) {
    EXPECT_TRUE(s.code() == StatusCode::kCorruption || s.code() == StatusCode::kUnsupported)
        << s.ToString();
    EXPECT_EQ(s.message().rfind("parquet: ", 0), 0u) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> SmallFiles() {
  AllTypesTable t = MakeAllTypesTable(3);
  // Shorter large values keep the files small, so every byte can be flipped.
  for (auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].kind() == Value::Kind::kString && row[c].text().size() > 40) {
        row[c] = Value::String(row[c].text().substr(0, 40));
      }
      if (row[c].kind() == Value::Kind::kBytes && row[c].text().size() > 40) {
        row[c] = Value::Bytes(row[c].text().substr(0, 40));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> files;
  const Combo combos[] = {
      {ParquetEncoding::kRleDictionary, Codec::kUncompressed, ParquetVersion::k1_0},
      {ParquetEncoding::kPlain, Codec::kUncompressed, ParquetVersion::k2_0},
      {ParquetEncoding::kRleDictionary, Codec::kGzip, ParquetVersion::k1_0},
      {ParquetEncoding::kPlainDictionary, Codec::kSnappy, ParquetVersion::k2_0},
      {ParquetEncoding::kRleDictionary, Codec::kZstd, ParquetVersion::k2_0},
  };
  for (const Combo& combo : combos) {
    ParquetWriterOptions o = OptionsFor(combo);
    o.row_group_length = 10;
    o.data_page_size = 64;
    auto bytes = WriteRows(t.schema, t.rows, o, true);
    EXPECT_TRUE(bytes.ok());
    files.emplace_back(ComboName(combo), *bytes);
  }
  return files;
}

TEST(ParquetReaderCorrupt, CutShortAtEveryLength) {
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(ReadEverything(bytes).ok());
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(ReadEverything(std::string_view(bytes).substr(0, n)).ok()) << n;
    }
  }
}

// Under AddressSanitizer every read costs ~10x, so the corruption tests there try every 7th
// position (7 and the 4 masks of FlippedBytes are coprime: each mask still meets every position
// class), every position otherwise.
constexpr size_t kStride = BINLAKE_ASAN ? 7 : 1;

TEST(ParquetReaderCorrupt, DataCutWithFooterKept) {
  // The first n bytes and the original footer: chunks now lie past the data or start inside
  // another chunk's pages.
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    uint32_t footer_length;
    std::memcpy(&footer_length, bytes.data() + bytes.size() - 8, 4);
    size_t footer_start = bytes.size() - 8 - footer_length;
    for (size_t n = 0; n < footer_start; n += kStride) {
      std::string cut = bytes.substr(0, n) + bytes.substr(footer_start);
      EXPECT_FALSE(ReadEverything(cut).ok()) << n;
    }
  }
}

TEST(ParquetReaderCorrupt, FlippedBytes) {
  size_t errors = 0, reads = 0;
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    // Every byte, with one of four masks in turn (a low bit, a high bit, all bits).
    std::string b = bytes;
    for (size_t i = 0; i < bytes.size(); i += kStride) {
      const uint8_t mask = "\x01\x10\x80\xff"[i % 4];
      b[i] = static_cast<char>(bytes[i] ^ mask);
      ++reads;
      errors += ReadEverything(b, 1 + i % 13).ok() ? 0 : 1;
      b[i] = bytes[i];
      if (HasFailure()) FAIL() << "byte " << i << " ^ " << int{mask};
    }
  }
  std::printf("%zu of %zu mutated files refused\n", errors, reads);
  EXPECT_GT(errors, reads / 10);
}

// Hand-built files: one INT32 OPTIONAL column "x", one row group, with one defect each.

struct TestPage {
  PageHeader header;
  std::string body;  // as stored (compressed if the codec says so)
};

std::string Le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

// A v1 data page body: 4-byte length + def levels, then `values`.
std::string V1Body(const std::string& levels, const std::string& values) {
  return Le32(static_cast<uint32_t>(levels.size())) + levels + values;
}

TestPage DataPageV1(int32_t num_values, Encoding encoding, const std::string& body) {
  TestPage p;
  p.header.type = PageType::kDataPage;
  p.header.num_values = num_values;
  p.header.encoding = encoding;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.body = body;
  return p;
}

TestPage DictionaryPage(int32_t num_values, const std::string& body) {
  TestPage p;
  p.header.type = PageType::kDictionaryPage;
  p.header.num_values = num_values;
  p.header.encoding = Encoding::kPlain;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.body = body;
  return p;
}

std::string Int32s(std::initializer_list<int32_t> v) {
  std::string out;
  for (int32_t x : v) out.append(reinterpret_cast<const char*>(&x), 4);
  return out;
}

std::string AllDefined(size_t n) {
  std::string levels;
  EncodeRleRepeated(1, n, 1, &levels);
  return levels;
}

struct FileSpec {
  std::vector<TestPage> pages;
  int64_t rows = 3;
  Codec codec = Codec::kUncompressed;
  std::function<void(FileMetaData*)> tweak;
};

std::string BuildFile(const FileSpec& spec) {
  std::string out(kMagic);
  ColumnChunk chunk;
  chunk.file_offset = 4;
  chunk.meta.type = PhysicalType::kInt32;
  chunk.meta.path_in_schema = {"x"};
  chunk.meta.codec = spec.codec;
  chunk.meta.num_values = spec.rows;
  chunk.meta.data_page_offset = 4;
  for (const TestPage& p : spec.pages) {
    SerializePageHeader(p.header, &out);
    out += p.body;
  }
  chunk.meta.total_compressed_size = static_cast<int64_t>(out.size()) - 4;
  chunk.meta.total_uncompressed_size = chunk.meta.total_compressed_size;
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement x;
  x.name = "x";
  x.type = PhysicalType::kInt32;
  x.repetition = Repetition::kOptional;
  m.schema = {root, x};
  m.num_rows = spec.rows;
  RowGroup rg;
  rg.num_rows = spec.rows;
  rg.columns = {chunk};
  m.row_groups = {rg};
  if (spec.tweak) spec.tweak(&m);
  std::string footer;
  SerializeFileMetaData(m, &footer);
  out += footer + Le32(static_cast<uint32_t>(footer.size())) + std::string(kMagic);
  return out;
}

FileSpec GoodSpec() {
  FileSpec s;
  s.pages = {DataPageV1(3, Encoding::kPlain, V1Body(AllDefined(3), Int32s({7, -8, 9})))};
  return s;
}

// The error of reading `bytes` (which must fail), checked for form.
std::string ErrorOf(const std::string& bytes) {
  Status s = ReadEverything(bytes);
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(ParquetReaderCorrupt, HandBuiltFilesWithOneDefect) {
  // The good file reads.
  {
    std::string good = BuildFile(GoodSpec());
    auto file = ParquetFile::Open(good);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_TRUE(reader.ok());
    ASSERT_EQ(*(*reader)->NextBatch(), 3u);
    EXPECT_EQ((*reader)->column(0).ints, (std::vector<int64_t>{7, -8, 9}));
  }
  auto with = [](std::function<void(FileSpec*)> change) {
    FileSpec s = GoodSpec();
    change(&s);
    return BuildFile(s);
  };
  auto meta = [&](std::function<void(FileMetaData*)> tweak) {
    return with([&](FileSpec* s) { s->tweak = tweak; });
  };
  using ::testing::HasSubstr;

  // Framing.
  std::string good = BuildFile(GoodSpec());
  EXPECT_THAT(ErrorOf("PAR1PAR1"), HasSubstr("too short"));
  EXPECT_THAT(ErrorOf("PARX" + good.substr(4)), HasSubstr("no magic"));
  EXPECT_THAT(ErrorOf(good.substr(0, good.size() - 8) + Le32(1u << 31) + "PAR1"),
              HasSubstr("footer length"));
  EXPECT_EQ(ReadEverything("PARE" + good.substr(4)).code(), StatusCode::kUnsupported);
  // Footer Thrift: a list claiming more elements than there are bytes, a varint of 11 bytes.
  {
    std::string footer = "\x29\xfc\xff\xff\xff\x0f";  // field 2 (schema): 2^32-1 structs
    std::string f = "PAR1" + footer + Le32(static_cast<uint32_t>(footer.size())) + "PAR1";
    EXPECT_THAT(ErrorOf(f), HasSubstr("truncated"));
    footer = "\x15" + std::string(10, '\xff') + "\x01";  // field 1 (i32): 11-byte varint
    f = "PAR1" + footer + Le32(static_cast<uint32_t>(footer.size())) + "PAR1";
    EXPECT_THAT(ErrorOf(f), HasSubstr("varint"));
  }
  // Schema and row groups.
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) { m->schema[0].num_children = 2; })),
              HasSubstr("children"));
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->schema[1].num_children = 1;
              SchemaElement leaf = m->schema[1];
              leaf.num_children = -1;
              m->schema.push_back(leaf);
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->schema[1].repetition = Repetition::kRepeated;
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) { m->num_rows = 4; })), HasSubstr("rows"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.type = PhysicalType::kInt64;
              })),
              HasSubstr("chunk of type INT64"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.data_page_offset = 1 << 20;
              })),
              HasSubstr("not within the data"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.total_compressed_size += 1000;
              })),
              HasSubstr("not within the data"));
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->row_groups[0].columns[0].meta.codec = Codec::kLz4Raw;
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.codec = static_cast<Codec>(99);
              })),
              HasSubstr("unknown codec 99"));
  // Rows the pages do not hold.
  EXPECT_THAT(
      ErrorOf(with([](FileSpec* s) {
        s->rows = 4;
        s->pages[0] = DataPageV1(4, Encoding::kPlain, V1Body(AllDefined(4), Int32s({1, 2, 3})));
      })),
      HasSubstr("PLAIN values run past"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.num_values = 2; })),
              HasSubstr("ends before its rows"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.num_values = 5; })),
              HasSubstr("5 values where the chunk has 3"));
  // Page header sizes.
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.compressed_page_size = 100; })),
              HasSubstr("runs past its column chunk"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.compressed_page_size = -1; })),
              HasSubstr("negative compressed_page_size"));
  // A compressed page claiming 2 GB: refused before any allocation.
  {
    std::string body = V1Body(AllDefined(3), Int32s({1, 2, 3}));
    auto c = Compressor::Make(Codec::kSnappy, 0);
    std::string compressed;
    ASSERT_TRUE((*c)->Compress(body, &compressed).ok());
    FileSpec s = GoodSpec();
    s.codec = Codec::kSnappy;
    s.pages[0].body = compressed;
    s.pages[0].header.compressed_page_size = static_cast<int32_t>(compressed.size());
    ASSERT_TRUE(ReadEverything(BuildFile(s)).ok());
    s.pages[0].header.uncompressed_page_size = INT32_MAX;
    EXPECT_THAT(ErrorOf(BuildFile(s)), HasSubstr("cannot hold"));
    s.pages[0].header.uncompressed_page_size = static_cast<int32_t>(body.size()) + 1;
    EXPECT_THAT(ErrorOf(BuildFile(s)), HasSubstr("SNAPPY page holds"));
    s.pages[0].body[compressed.size() / 2] ^= 0x55;
    s.pages[0].header.uncompressed_page_size = static_cast<int32_t>(body.size());
    (void)ReadEverything(BuildFile(s));  // an error or other values, never a crash
  }
  // Definition levels.
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                s->pages[0] = DataPageV1(3, Encoding::kPlain, Le32(100) + AllDefined(3));
              })),
              HasSubstr("definition levels run past"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = "\x06\x02";  // RLE run of 3 copies of 2 (bit width 1)
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("RLE value wider"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = std::string("\x00\x01", 2);  // a run of 0 values
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("empty run"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = "\xff\xff\xff\xff\xff\x01";  // header over 5 bytes
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("run header"));
  // Dictionary pages and indices.
  std::string dict = Int32s({10, 20});
  auto dict_page = [&](const std::string& indices) {
    return with([&](FileSpec* s) {
      s->pages = {DictionaryPage(2, dict),
                  DataPageV1(3, Encoding::kRleDictionary, V1Body(AllDefined(3), indices))};
    });
  };
  {
    std::string indices = "\x01";
    EncodeRleHybrid(std::vector<uint32_t>{1, 0, 1}.data(), 3, 1, &indices);
    std::string f = dict_page(indices);
    auto file = ParquetFile::Open(f);
    ASSERT_TRUE(file.ok());
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_EQ(*(*reader)->NextBatch(), 3u);
    EXPECT_EQ((*reader)->column(0).ints, (std::vector<int64_t>{20, 10, 20}));
    std::string wide = "\x02";
    EncodeRleHybrid(std::vector<uint32_t>{1, 3, 1}.data(), 3, 2, &wide);
    EXPECT_THAT(ErrorOf(dict_page(wide)), HasSubstr("dictionary index 3 of a dictionary of 2"));
    EXPECT_THAT(ErrorOf(dict_page("\x21")), HasSubstr("bit width 33"));
    EXPECT_THAT(ErrorOf(dict_page("\x01")), HasSubstr("dictionary indices"));
    EXPECT_THAT(ErrorOf(dict_page("")), HasSubstr("without indices"));
  }
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                s->pages[0] =
                    DataPageV1(3, Encoding::kRleDictionary, V1Body(AllDefined(3), "\x01\x06\x00"));
              })),
              HasSubstr("without a dictionary page"));
  EXPECT_THAT(ErrorOf(with([&](FileSpec* s) {
                s->pages.insert(s->pages.begin(), DictionaryPage(3, dict));
              })),
              HasSubstr("dictionary page of 8 bytes for 3 values"));
  EXPECT_THAT(ErrorOf(with([&](FileSpec* s) {
                s->pages = {DataPageV1(2, Encoding::kPlain, V1Body(AllDefined(2), Int32s({1, 2}))),
                            DictionaryPage(2, dict),
                            DataPageV1(1, Encoding::kPlain, V1Body(AllDefined(1), Int32s({3})))};
              })),
              HasSubstr("dictionary page after data pages"));
  EXPECT_EQ(ReadEverything(with([](FileSpec* s) {
              s->pages[0].header.encoding = Encoding::kDeltaBinaryPacked;
            })).code(),
            StatusCode::kUnsupported);
}

TEST(ParquetReaderCorrupt, RleDecoderLimits) {
  // A bit-packed run cut short yields what its bytes hold, then fails.
  std::string data = "\x05\xff";  // 2 groups of 8 (bit width 1), 1 byte present
  RleDecoder d(data, 1);
  uint8_t out[16];
  EXPECT_TRUE(d.Get(out, 8));
  EXPECT_EQ(std::string(out, out + 8), std::string(8, '\x01'));
  EXPECT_FALSE(d.Get(out, 1));
  EXPECT_STREQ(d.error(), "fewer values than expected");
  // Bit width 0 (a dictionary of one value): runs of zeros without value bytes.
  RleDecoder z(std::string_view("\x08\x03", 2), 0);  // RLE run of 4, bit-packed group of 8
  uint32_t v[12];
  ASSERT_TRUE(z.Get(v, 12));
  for (uint32_t x : v) EXPECT_EQ(x, 0u);
  // A random round trip with every bit width and odd batch splits.
  std::mt19937 rng(7);
  for (int bw = 1; bw <= 32; ++bw) {
    std::vector<uint32_t> values(1000);
    for (size_t i = 0; i < values.size(); ++i) {
      uint64_t max = bw == 32 ? UINT32_MAX : (uint64_t{1} << bw) - 1;
      values[i] = static_cast<uint32_t>(i % 50 < 20 ? max / 3 : rng() % (max + 1));
    }
    std::string enc;
    EncodeRleHybrid(values.data(), values.size(), bw, &enc);
    RleDecoder dec(enc, bw);
    std::vector<uint32_t> got(values.size());
    size_t at = 0;
    while (at < got.size()) {
      size_t n = std::min<size_t>(got.size() - at, 1 + rng() % 37);
      ASSERT_TRUE(dec.Get(got.data() + at, n)) << bw;
      at += n;
    }
    EXPECT_EQ(got, values) << "bit width " << bw;
  }
}

// ---------------------------------------------------------------------------------------------
// Another writer: DuckDB (its defaults: PARQUET_VERSION V1, dictionaries, PLAIN).

TEST(ParquetReader, ReadsDuckDbFiles) {
  testing::TempDir dir;
  const char* codecs[] = {"uncompressed", "snappy", "gzip", "zstd"};
  for (const char* codec : codecs) {
    SCOPED_TRACE(codec);
    std::string path = dir.path() + "/duck_" + codec + ".parquet";
    auto done = testing::DuckDbQuery(
        {"SET threads=1",
         "COPY (SELECT i::INTEGER AS i, i::BIGINT * 1000000007 AS b, "
         "CASE WHEN i % 7 = 0 THEN NULL ELSE 's' || (i % 100)::VARCHAR END AS s, "
         "i / 4 AS d, (i::FLOAT / 8)::FLOAT AS f, i % 3 = 0 AS flag, "
         "CAST(i * 1.001 AS DECIMAL(18,3)) AS dec, DATE '2020-01-01' + (i % 1000)::INTEGER AS dt, "
         "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 11 END::SMALLINT AS small "
         "FROM range(0, 10000) t(i)) TO " +
             testing::SqlQuote(path) + " (FORMAT parquet, COMPRESSION " + codec +
             ", ROW_GROUP_SIZE 3000)",
         "SELECT 1 AS one"});
    if (!done.ok()) GTEST_SKIP() << "DuckDB not available: " << done.status().ToString();
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto file = ParquetFile::Open(bytes);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_EQ(file->num_rows(), 10000);
    const auto& cols = file->columns();
    ASSERT_EQ(cols.size(), 9u);
    EXPECT_EQ(cols[0].type, PhysicalType::kInt32);
    EXPECT_EQ(cols[1].type, PhysicalType::kInt64);
    EXPECT_EQ(cols[2].type, PhysicalType::kByteArray);
    EXPECT_EQ(cols[3].type, PhysicalType::kDouble);
    EXPECT_EQ(cols[4].type, PhysicalType::kFloat);
    EXPECT_EQ(cols[5].type, PhysicalType::kBoolean);
    EXPECT_EQ(cols[6].precision, 18);
    EXPECT_EQ(cols[6].scale, 3);
    EXPECT_EQ(cols[7].converted_type, ConvertedType::kDate);
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_TRUE(reader.ok());
    int64_t i = 0;
    while (true) {
      auto more = (*reader)->Next();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      auto& rd = **reader;
      std::string where = "row " + std::to_string(i);
      ASSERT_EQ(rd.field(0).i, i) << where;
      ASSERT_EQ(rd.field(1).i, i * 1000000007) << where;
      if (i % 7 == 0) {
        ASSERT_TRUE(rd.field(2).null) << where;
      } else {
        ASSERT_EQ(rd.field(2).bytes, "s" + std::to_string(i % 100)) << where;
      }
      ASSERT_EQ(rd.field(3).d, static_cast<double>(i) / 4) << where;
      ASSERT_EQ(static_cast<float>(rd.field(4).d), static_cast<float>(i) / 8) << where;
      ASSERT_EQ(rd.field(5).i, i % 3 == 0 ? 1 : 0) << where;
      ASSERT_EQ(rd.field(6).i, i * 1001) << where;
      ASSERT_EQ(rd.field(7).i, 18262 + i % 1000) << where;  // 2020-01-01 is day 18262
      if (i % 5 == 0) {
        ASSERT_TRUE(rd.field(8).null) << where;
      } else {
        ASSERT_EQ(rd.field(8).i, i % 11) << where;
      }
      ++i;
    }
    EXPECT_EQ(i, 10000);
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz seeds (fuzz/corpus/parquet_reader_fuzz): written by this test on request, read by it
// always.

std::vector<std::pair<std::string, std::string>> SeedFiles() {
  std::vector<std::pair<std::string, std::string>> seeds;
  for (auto& [name, bytes] : SmallFiles()) seeds.emplace_back("alltypes_" + name, bytes);
  testing::SysbenchRows s = testing::MakeSysbenchRows(40);
  ParquetWriterOptions o;
  o.row_group_length = 16;
  o.data_page_size = 256;
  auto bytes = WriteRows(s.schema, SysbenchValues(s), o, false);
  EXPECT_TRUE(bytes.ok());
  seeds.emplace_back("sysbench_v1", *bytes);
  o.version = ParquetVersion::k2_0;
  o.codec = Codec::kGzip;
  o.encoding = ParquetEncoding::kPlain;
  bytes = WriteRows(s.schema, SysbenchValues(s), o, false);
  EXPECT_TRUE(bytes.ok());
  seeds.emplace_back("sysbench_v2_gzip_plain", *bytes);
  return seeds;
}

TEST(ParquetReader, FuzzSeeds) {
  const char* out = std::getenv("BINLAKE_WRITE_PARQUET_SEEDS");
  if (out != nullptr && *out != '\0') {
    std::filesystem::create_directories(out);
    for (const auto& [name, bytes] : SeedFiles()) {
      std::ofstream(std::string(out) + "/" + name + ".parquet", std::ios::binary) << bytes;
    }
  }
  const char* src = std::getenv("BINLAKE_SOURCE_DIR");
  std::filesystem::path dir =
      std::filesystem::path(src != nullptr ? src : ".") / "fuzz/corpus/parquet_reader_fuzz";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not found";
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status s = ReadEverything(bytes);
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << s.ToString();
    ++n;
  }
  EXPECT_GE(n, 5u);
}

}  // namespace
}  // namespace binlake::parquet
