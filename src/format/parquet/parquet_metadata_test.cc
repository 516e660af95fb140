// Tests of what the Parquet footer says, read back by DuckDB (parquet_metadata, DESCRIBE): the
// column types the annotations give, statistics, row groups; and the writer's contracts: bounded
// memory, errors that leave no partial row, empty files, settings parsing.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "format/parquet/all_types_table.h"
#include "format/parquet/file_writer.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"

namespace binlake::parquet {
namespace {

using testing::SqlQuote;

Column Col(std::string name, SqlType type) {
  Column c;
  c.name = std::move(name);
  c.type.type = type;
  return c;
}

Status WriteAllTypes(const ParquetWriterOptions& o, const std::string& path, int repeat) {
  testing::AllTypesTable t = testing::MakeAllTypesTable(repeat);
  ASSIGN_OR_RETURN(auto w,
                   NewParquetFileWriter(t.schema, OutputColumns{}, o, testing::NewFileSink(path)));
  for (const auto& row : t.rows) RETURN_IF_ERROR(w->Append(RowMeta{}, row));
  return w->Finish();
}

std::map<std::string, std::string> DuckTypes(const std::string& path) {
  auto rows = testing::DuckDbQuery({"DESCRIBE SELECT * FROM read_parquet(" + SqlQuote(path) + ")"});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::map<std::string, std::string> types;
  if (rows.ok()) {
    for (const auto& r : *rows) types[r["column_name"]] = r["column_type"];
  }
  return types;
}

TEST(ParquetSchema, DuckDbSeesTheMappedTypes) {
  testing::TempDir dir;
  for (ParquetVersion version : {ParquetVersion::k1_0, ParquetVersion::k2_0}) {
    ParquetWriterOptions o;
    o.version = version;
    std::string path = dir.path() + "/v.parquet";
    ASSERT_TRUE(WriteAllTypes(o, path, 1).ok());
    auto types = DuckTypes(path);
    EXPECT_EQ(types["ti"], "TINYINT");
    EXPECT_EQ(types["tiu"], "UTINYINT");
    EXPECT_EQ(types["siu"], "USMALLINT");
    EXPECT_EQ(types["mi"], "INTEGER");
    EXPECT_EQ(types["iu"], version == ParquetVersion::k1_0 ? "BIGINT" : "UINTEGER");
    EXPECT_EQ(types["biu"], "UBIGINT");
    EXPECT_EQ(types["b64"], "UBIGINT");
    EXPECT_EQ(types["y"], "SMALLINT");
    EXPECT_EQ(types["d5"], "DECIMAL(5,2)");
    EXPECT_EQ(types["d18"], "DECIMAL(18,6)");
    EXPECT_EQ(types["d30"], "DECIMAL(30,10)");
    EXPECT_EQ(types["d38"], "DECIMAL(38,0)");
    EXPECT_EQ(types["d65"], "VARCHAR");
    EXPECT_EQ(types["f"], "FLOAT");
    EXPECT_EQ(types["dbl"], "DOUBLE");
    EXPECT_EQ(types["dt"], "DATE");
    EXPECT_EQ(types["tm"], "VARCHAR");
    EXPECT_EQ(types["dtm6"], "TIMESTAMP");
    EXPECT_EQ(types["ts6"], "TIMESTAMP WITH TIME ZONE");
    EXPECT_EQ(types["js"], "VARCHAR");
    EXPECT_EQ(types["en"], "VARCHAR");
    EXPECT_EQ(types["bin"], "BLOB");
    EXPECT_EQ(types["vec"], "BLOB");
  }
}

TEST(ParquetEncodings, DictionaryOnlyWhereItPays) {
  testing::TempDir dir;
  std::string path = dir.path() + "/d.parquet";
  TableSchema schema;
  schema.columns = {Col("id", SqlType::kBigInt), Col("k", SqlType::kVarChar)};
  ParquetWriterOptions o;
  auto w = NewParquetFileWriter(schema, OutputColumns{}, o, testing::NewFileSink(path));
  ASSERT_TRUE(w.ok());
  const char* labels[] = {"red", "green", "blue"};
  for (int i = 0; i < 5000; ++i) {
    Value row[] = {Value::Int(i), Value::String(labels[i % 3])};
    ASSERT_TRUE((*w)->Append(RowMeta{}, row).ok());
  }
  ASSERT_TRUE((*w)->Finish().ok());
  auto rows =
      testing::DuckDbQuery({"SELECT path_in_schema AS c, encodings AS e FROM "
                            "parquet_metadata(" +
                            SqlQuote(path) + ") ORDER BY 1"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0]["e"], "PLAIN, RLE") << "unique keys: no dictionary";
  EXPECT_EQ((*rows)[1]["e"], "PLAIN, RLE, RLE_DICTIONARY") << "three labels: dictionary";
}

TEST(ParquetStatistics, MinMaxAndNullCountsReadBackByDuckDb) {
  testing::TempDir dir;
  std::string path = dir.path() + "/s.parquet";
  ParquetWriterOptions o;
  o.version = ParquetVersion::k2_0;
  ASSERT_TRUE(WriteAllTypes(o, path, 2).ok());  // one row group, 14 rows
  auto rows = testing::DuckDbQuery(
      {"SET TimeZone='UTC'",
       "SELECT path_in_schema AS c, CAST(stats_min_value AS VARCHAR) AS lo, "
       "CAST(stats_max_value AS VARCHAR) AS hi, CAST(stats_null_count AS VARCHAR) AS nulls "
       "FROM parquet_metadata(" +
           SqlQuote(path) + ")"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::map<std::string, nlohmann::json> by_column;
  for (const auto& r : *rows) by_column[r["c"]] = r;
  auto check = [&](const std::string& c, const char* lo, const char* hi, const char* nulls) {
    const auto& r = by_column[c];
    if (lo == nullptr) {
      EXPECT_TRUE(r["lo"].is_null()) << c << " " << r;
      EXPECT_TRUE(r["hi"].is_null()) << c << " " << r;
    } else {
      EXPECT_EQ(r["lo"], lo) << c;
      EXPECT_EQ(r["hi"], hi) << c;
    }
    EXPECT_EQ(r["nulls"], nulls) << c;
  };
  // 2 copies of 7 base rows: a column with k NULLs in the base rows has 2k.
  check("ti", "-128", "127", "2");
  check("tiu", "0", "255", "8");
  check("iu", "0", "4294967295", "8");  // unsigned order: 4294967295 > 2147483648
  check("bi", "-9223372036854775808", "9223372036854775807", "8");
  check("biu", "0", "18446744073709551615", "8");
  check("b64", "0", "18446744073709551615", "8");
  check("d5", "-999.99", "999.99", "4");
  check("d30", "-99999999999999999999.9999999999", "99999999999999999999.9999999999", "8");
  check("dbl", "-1e-300", "1.7976931348623157e+308", "2");
  check("dt", "1000-01-01", "9999-12-31", "6");  // 2 NULL + 2 zero dates + 2 day-0 dates
  check("ch", "",
        "\xc3\xbcn\xc3\xaf"
        "c\xc3\xb6"
        "d\xc3\xa9",
        "6");                           // bytes order: ü > a
  check("tx", nullptr, nullptr, "10");  // a 5000-byte value: min/max dropped
  check("uniq", "u0", "u3", "1");       // u0..u3; row 3 is NULL
}

TEST(ParquetStatistics, DisabledWritesNone) {
  testing::TempDir dir;
  std::string path = dir.path() + "/n.parquet";
  ParquetWriterOptions o;
  o.enable_statistics = false;
  ASSERT_TRUE(WriteAllTypes(o, path, 1).ok());
  auto rows = testing::DuckDbQuery({"SELECT count(*) AS n FROM parquet_metadata(" + SqlQuote(path) +
                                    ") WHERE stats_null_count IS NOT NULL "
                                    "OR stats_min_value IS NOT NULL"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0]["n"], "0");
}

// sysbench-like rows: the memory the writer holds depends on the row group, not the table.
TEST(ParquetMemory, BoundedByTheRowGroup) {
  TableSchema schema;
  schema.columns = {Col("id", SqlType::kInt), Col("k", SqlType::kInt), Col("c", SqlType::kChar),
                    Col("pad", SqlType::kChar)};
  ParquetWriterOptions o;
  o.row_group_length = 10000;
  o.codec = Codec::kZstd;
  auto counting = std::make_unique<testing::CountingSink>();
  testing::CountingSink* sink = counting.get();
  auto made = ParquetFileWriter::Make(schema, OutputColumns{}, o, std::move(counting));
  ASSERT_TRUE(made.ok());
  ParquetFileWriter& w = **made;
  std::string c(119, '0'), pad(59, '0');
  uint64_t peak = 0;
  const uint64_t kRows = 1000000;
  for (uint64_t i = 0; i < kRows; ++i) {
    for (size_t k = 0; k < c.size(); k += 12) c[k] = static_cast<char>('0' + (i * 7 + k) % 10);
    for (size_t k = 0; k < pad.size(); k += 12) pad[k] = static_cast<char>('0' + (i + k) % 10);
    Value row[] = {Value::Int(static_cast<int64_t>(i)), Value::Int(static_cast<int64_t>(i % 5000)),
                   Value::String(c), Value::String(pad)};
    ASSERT_TRUE(w.Append(RowMeta{}, row).ok());
    peak = std::max(peak, w.BufferedBytes());
  }
  EXPECT_EQ(w.row_groups_written(), 100u);
  uint64_t before_finish = sink->bytes_written();
  ASSERT_TRUE(w.Finish().ok());
  EXPECT_TRUE(sink->closed());
  // One row group of raw values is 10000 * (4 + 4 + 119 + 59) = 1.86 MB; the writer may hold
  // that plus encoding overhead (length prefixes, levels, a dictionary) but never the table
  // (186 MB raw): row groups reached the sink while rows arrived.
  EXPECT_LT(peak, 4u * 1000 * 1000) << "peak buffered bytes";
  EXPECT_GT(before_finish, 99 * sink->bytes_written() / 100 - 100000);
}

TEST(ParquetMemory, LargeValuesCloseRowGroupsByBytes) {
  TableSchema schema;
  schema.columns = {Col("b", SqlType::kBlob)};
  ParquetWriterOptions o;
  o.row_group_length = 1000000;
  o.row_group_max_bytes = 4 << 20;
  o.encoding = ParquetEncoding::kPlain;
  auto made = ParquetFileWriter::Make(schema, OutputColumns{}, o,
                                      std::make_unique<testing::CountingSink>());
  ASSERT_TRUE(made.ok());
  std::string blob(1 << 20, 'x');
  uint64_t peak = 0;
  for (int i = 0; i < 40; ++i) {
    Value row[] = {Value::Bytes(blob)};
    ASSERT_TRUE((*made)->Append(RowMeta{}, row).ok());
    peak = std::max(peak, (*made)->BufferedBytes());
  }
  EXPECT_GE((*made)->row_groups_written(), 9u);
  EXPECT_LT(peak, 6u << 20);
  ASSERT_TRUE((*made)->Finish().ok());
}

TEST(ParquetWriter, BadValueFailsThatRowOnly) {
  testing::TempDir dir;
  std::string path = dir.path() + "/e.parquet";
  TableSchema schema;
  schema.columns = {Col("a", SqlType::kTinyInt), Col("d", SqlType::kDecimal)};
  schema.columns[1].type.precision = 5;
  schema.columns[1].type.scale = 2;
  auto w = NewParquetFileWriter(schema, OutputColumns{}, ParquetWriterOptions{},
                                testing::NewFileSink(path));
  ASSERT_TRUE(w.ok());
  Value good[] = {Value::Int(1), Value::Decimal("1.50")};
  Value too_big[] = {Value::Int(2), Value::Int(1000)};          // DECIMAL(5,2) holds < 1000
  Value bad_int[] = {Value::Int(200), Value::Decimal("1.00")};  // TINYINT
  Value bad_text[] = {Value::Int(3), Value::Decimal("1.2.3")};
  Value wrong_count[] = {Value::Int(4)};
  ASSERT_TRUE((*w)->Append(RowMeta{}, good).ok());
  EXPECT_EQ((*w)->Append(RowMeta{}, too_big).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->Append(RowMeta{}, bad_int).code(), StatusCode::kInvalidArgument);
  Status s = (*w)->Append(RowMeta{}, bad_text);
  EXPECT_EQ(s.message(), "column d: \"1.2.3\" is not a DECIMAL(5,2) value");
  EXPECT_EQ((*w)->Append(RowMeta{}, wrong_count).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->Append(RowMeta{}, good).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ((*w)->rows(), 2u);
  auto rows = testing::DuckDbQuery(
      {"SELECT CAST(a AS VARCHAR) AS a, CAST(d AS VARCHAR) AS d FROM read_parquet(" +
       SqlQuote(path) + ")"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->dump(), R"([{"a":"1","d":"1.50"},{"a":"1","d":"1.50"}])");
}

TEST(ParquetWriter, EmptyFileAndAbort) {
  testing::TempDir dir;
  TableSchema schema;
  schema.columns = {Col("a", SqlType::kInt)};
  auto w = NewParquetFileWriter(schema, OutputColumns{true, "ts", ""}, ParquetWriterOptions{},
                                testing::NewFileSink(dir.path() + "/empty.parquet"));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Finish().ok());
  auto rows = testing::DuckDbQuery(
      {"SELECT count(*) AS n FROM read_parquet(" + SqlQuote(dir.path() + "/empty.parquet") + ")"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0]["n"], "0");

  auto a = NewParquetFileWriter(schema, OutputColumns{}, ParquetWriterOptions{},
                                testing::NewFileSink(dir.path() + "/aborted.parquet"));
  ASSERT_TRUE(a.ok());
  Value row[] = {Value::Int(1)};
  ASSERT_TRUE((*a)->Append(RowMeta{}, row).ok());
  (*a)->Abort();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/aborted.parquet"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/aborted.parquet.tmp"));
}

TEST(ParquetWriter, DuplicateColumnNamesAreRejected) {
  TableSchema schema;
  schema.schema = "db";
  schema.table = "t";
  schema.columns = {Col("Op", SqlType::kInt)};
  auto w = NewParquetFileWriter(schema, OutputColumns{true, "", ""}, ParquetWriterOptions{},
                                std::make_unique<testing::CountingSink>());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(), "table db.t: two Parquet columns would be named \"Op\"");
}

TEST(ParquetWriter, ExtraColumnsOpTimestampAndSequenceAreStrings) {
  testing::TempDir dir;
  TableSchema schema;
  schema.schema = "db";
  schema.table = "t";
  schema.columns = {Col("id", SqlType::kInt)};
  OutputColumns extra{
      .include_op = true, .timestamp_column_name = "ts", .sequence_column_name = "seq"};
  std::string path = dir.path() + "/extra.parquet";
  auto w = NewParquetFileWriter(schema, extra, ParquetWriterOptions{}, testing::NewFileSink(path));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  Value v1[] = {Value::Int(7)};
  Value v2[] = {Value::Int(8)};
  ASSERT_TRUE(
      (*w)->Append(RowMeta{'U', "2024-05-01 10:00:00.000001", "0000010000000004"}, v1).ok());
  ASSERT_TRUE(
      (*w)->Append(RowMeta{'D', "2024-05-01 10:00:02.000000", "0000010000000005"}, v2).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  auto types = DuckTypes(path);
  EXPECT_EQ(types["Op"], "VARCHAR");
  EXPECT_EQ(types["ts"], "VARCHAR");
  EXPECT_EQ(types["seq"], "VARCHAR");
  auto rows =
      testing::DuckDbQuery({"SELECT * FROM read_parquet(" + SqlQuote(path) + ") ORDER BY id"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0]["Op"], "U");
  EXPECT_EQ((*rows)[0]["ts"], "2024-05-01 10:00:00.000001");
  EXPECT_EQ((*rows)[0]["seq"], "0000010000000004");
  EXPECT_EQ((*rows)[0]["id"], "7");
  EXPECT_EQ((*rows)[1]["Op"], "D");
  EXPECT_EQ((*rows)[1]["seq"], "0000010000000005");
  // A sequence column named like a table column is rejected like any duplicate.
  auto dup = NewParquetFileWriter(schema, OutputColumns{false, "", "id"}, ParquetWriterOptions{},
                                  std::make_unique<testing::CountingSink>());
  EXPECT_FALSE(dup.ok());
}

}  // namespace
}  // namespace binlake::parquet
