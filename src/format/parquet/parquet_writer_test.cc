// End-to-end tests of the Parquet writer: files are read back by two independent readers
// (DuckDB and hyparquet, through node) for every EncodingType x codec x ParquetVersion, and each
// value is compared with binlake's CSV rendering of the same Value (render_text).
#include "format/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "format/parquet/all_types_table.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/type_mapping.h"
#include "transform/render_text.h"

namespace binlake::parquet {
namespace {

using testing::AllTypesTable;
using testing::MakeAllTypesTable;

constexpr const char* kTimestampColumn = "ts_col";
constexpr const char* kRowTimestamp = "2024-05-06 07:08:09.123456";

Status WriteTable(const AllTypesTable& t, const ParquetWriterOptions& o, const std::string& path) {
  OutputColumns extra;
  extra.include_op = true;
  extra.timestamp_column_name = kTimestampColumn;
  ASSIGN_OR_RETURN(auto w, NewParquetFileWriter(t.schema, extra, o, testing::NewFileSink(path)));
  for (size_t r = 0; r < t.rows.size(); ++r) {
    RowMeta meta;
    meta.op = "IUD"[r % 3];
    meta.timestamp = kRowTimestamp;
    RETURN_IF_ERROR(w->Append(meta, t.rows[r]));
  }
  return w->Finish();
}

bool IsDateTime(SqlType t) { return t == SqlType::kDateTime || t == SqlType::kTimestamp; }

// The CSV text of `v` (render_text), adjusted where the Parquet mapping documents a difference:
// NULL for dates Parquet cannot hold, hex of the stored bytes for VECTOR, milliseconds.
std::optional<std::string> ExpectedText(const Value& v, const ColumnType& type, bool millis) {
  if (v.is_null()) return std::nullopt;
  if (type.type == SqlType::kDate || IsDateTime(type.type)) {
    const DateTimeParts& p = v.datetime();
    int32_t days;
    if (!DaysFromCivil(p.year, p.month, p.day, &days)) return std::nullopt;
  }
  std::string text;
  if (type.type == SqlType::kVector) {
    AppendHex(v.text(), &text);
    return text;
  }
  AppendValueText(v, type, RenderOptions{}, &text);
  if (millis && IsDateTime(type.type) && text.size() > 23) {
    for (size_t i = 23; i < text.size(); ++i) text[i] = '0';
  }
  return text;
}

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

// DuckDB SQL that renders a column like the CSV does.
std::string DuckExpr(const Column& c) {
  std::string q = Quote(c.name);
  if (c.type.IsBinary() || c.type.type == SqlType::kVector) return "lower(hex(" + q + "))";
  if (IsDateTime(c.type.type)) return "strftime(" + q + ", '%Y-%m-%d %H:%M:%S.%f')";
  if (c.type.type == SqlType::kYear) return "lpad(CAST(" + q + " AS VARCHAR), 4, '0')";
  return "CAST(" + q + " AS VARCHAR)";
}

bool SameFloat(const std::string& actual, const Value& v) {
  if (v.kind() == Value::Kind::kFloat) {
    float a = std::strtof(actual.c_str(), nullptr);
    return a == v.float_value() && std::signbit(a) == std::signbit(v.float_value());
  }
  double a = std::strtod(actual.c_str(), nullptr);
  return a == v.double_value() && std::signbit(a) == std::signbit(v.double_value());
}

void CheckDuckDb(const AllTypesTable& t, const std::string& path, bool millis) {
  std::string sql = "SELECT \"Op\", \"" + std::string(kTimestampColumn) + "\"";
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    sql += ", " + DuckExpr(t.schema.columns[c]) + " AS c" + std::to_string(c);
  }
  sql += " FROM read_parquet(" + testing::SqlQuote(path) +
         ", file_row_number=true) ORDER BY file_row_number";
  auto rows = testing::DuckDbQuery({"SET TimeZone='UTC'", sql});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = (*rows)[r];
    ASSERT_EQ(row["Op"], std::string(1, "IUD"[r % 3]));
    ASSERT_EQ(row[kTimestampColumn], kRowTimestamp);
    for (size_t c = 0; c < t.schema.columns.size(); ++c) {
      const Column& col = t.schema.columns[c];
      const Value& v = t.rows[r][c];
      const auto& actual = row["c" + std::to_string(c)];
      std::optional<std::string> expected = ExpectedText(v, col.type, millis);
      std::string where = "row " + std::to_string(r) + " column " + col.name;
      if (!expected) {
        EXPECT_TRUE(actual.is_null()) << where << ": " << actual;
        continue;
      }
      ASSERT_TRUE(actual.is_string()) << where << ": expected " << *expected;
      std::string a = actual.get<std::string>();
      if (col.type.type == SqlType::kFloat || col.type.type == SqlType::kDouble) {
        EXPECT_TRUE(SameFloat(a, v)) << where << ": " << a << " vs " << *expected;
      } else if (IsDateTime(col.type.type)) {
        EXPECT_EQ(a.substr(0, expected->size()), *expected) << where;
      } else {
        EXPECT_EQ(a, *expected) << where;
      }
    }
  }
}

// What hyparquet reports for `v` (see hyparquet_read.mjs), or nullopt for NULL. Decimals are
// compared as doubles (hyparquet converts them to Number) by the caller.
std::optional<std::string> ExpectedHyparquet(const Value& v, const Column& col, bool millis) {
  const ColumnType& t = col.type;
  if (v.is_null()) return std::nullopt;
  if (t.type == SqlType::kDate || IsDateTime(t.type)) {
    const DateTimeParts& p = v.datetime();
    int32_t days;
    if (!DaysFromCivil(p.year, p.month, p.day, &days)) return std::nullopt;
    if (t.type == SqlType::kDate) return std::to_string(days);
    int64_t s = int64_t{days} * 86400 + p.hour * 3600 + p.minute * 60 + p.second;
    return std::to_string(millis ? s * 1000 + p.micros / 1000 : s * 1000000 + p.micros);
  }
  std::string text;
  if (t.IsBinary() || t.type == SqlType::kVector) {
    AppendHex(v.text(), &text);
    return text;
  }
  if (v.kind() == Value::Kind::kInt) return std::to_string(v.int_value());
  if (v.kind() == Value::Kind::kUInt || v.kind() == Value::Kind::kBit) {
    return std::to_string(v.uint_value());
  }
  AppendValueText(v, t, RenderOptions{}, &text);
  return text;
}

void CheckHyparquet(const AllTypesTable& t, const std::string& path, bool millis,
                    const char* codec) {
  auto out = testing::HyparquetRead(path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto& rows = (*out)["rows"];
  ASSERT_EQ(rows.size(), t.rows.size());
  ASSERT_EQ((*out)["columns"][0]["codec"], codec);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    ASSERT_EQ(rows[r][0], std::string(1, "IUD"[r % 3]));
    ASSERT_EQ(rows[r][1], kRowTimestamp);
    for (size_t c = 0; c < t.schema.columns.size(); ++c) {
      const Column& col = t.schema.columns[c];
      const auto& actual = rows[r][c + 2];
      auto expected = ExpectedHyparquet(t.rows[r][c], col, millis);
      std::string where = "row " + std::to_string(r) + " column " + col.name;
      if (!expected) {
        EXPECT_TRUE(actual.is_null()) << where << ": " << actual;
        continue;
      }
      ASSERT_TRUE(actual.is_string()) << where;
      std::string a = actual.get<std::string>();
      const Value& v = t.rows[r][c];
      if (col.type.type == SqlType::kFloat || col.type.type == SqlType::kDouble) {
        EXPECT_TRUE(SameFloat(a, v)) << where << ": " << a;
      } else if (col.type.type == SqlType::kDecimal && col.type.precision <= 38) {
        double e = std::strtod(expected->c_str(), nullptr);
        double got = std::strtod(a.c_str(), nullptr);
        EXPECT_LE(std::fabs(got - e), 1e-12 * std::max(1.0, std::fabs(e))) << where << ": " << a;
      } else {
        EXPECT_EQ(a, *expected) << where;
      }
    }
  }
}

using Combo = std::tuple<ParquetEncoding, Codec, ParquetVersion>;

class ParquetMatrixTest : public ::testing::TestWithParam<Combo> {};

TEST_P(ParquetMatrixTest, DuckDbAndHyparquetReadEveryValue) {
  auto [encoding, codec, version] = GetParam();
  // 40 copies of the base rows in row groups of 100, small pages and a small dictionary limit,
  // so the file has several row groups, pages per chunk and a dictionary fallback.
  AllTypesTable t = MakeAllTypesTable(40);
  ParquetWriterOptions o;
  o.encoding = encoding;
  o.codec = codec;
  o.version = version;
  o.row_group_length = 100;
  // hyparquet inflates ZSTD pages with one zstd process per page: fewer, larger pages there.
  o.data_page_size = codec == Codec::kZstd ? 16384 : 1024;
  o.dict_page_size_limit = 512;
  o.timestamp_in_millis = codec == Codec::kSnappy;  // both units across the matrix
  testing::TempDir dir;
  std::string path = dir.path() + "/LOAD00000001.parquet";
  Status s = WriteTable(t, o, path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  CheckDuckDb(t, path, o.timestamp_in_millis);
  CheckHyparquet(t, path, o.timestamp_in_millis, std::string(CodecName(codec)).c_str());

  // The file says what was asked: codec, encodings, page version, row groups.
  auto meta = testing::DuckDbQuery(
      {"SELECT DISTINCT compression, encodings, row_group_id FROM parquet_metadata(" +
       testing::SqlQuote(path) + ") WHERE path_in_schema = 'uniq' ORDER BY row_group_id"});
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  ASSERT_EQ(meta->size(), 3u);  // 280 rows in groups of 100
  std::string encodings = (*meta)[0]["encodings"];
  EXPECT_EQ((*meta)[0]["compression"], std::string(CodecName(codec)));
  if (encoding == ParquetEncoding::kPlain) {
    EXPECT_EQ(encodings.find("DICTIONARY"), std::string::npos) << encodings;
  } else {
    // uniq's dictionary passes 512 bytes within each group: dictionary pages, then PLAIN.
    EXPECT_NE(encodings.find(encoding == ParquetEncoding::kRleDictionary ? "RLE_DICTIONARY"
                                                                         : "PLAIN_DICTIONARY"),
              std::string::npos)
        << encodings;
    EXPECT_NE(encodings.find("PLAIN"), std::string::npos) << encodings;
  }
}

std::string ComboName(const ::testing::TestParamInfo<Combo>& info) {
  auto [encoding, codec, version] = info.param;
  const char* e = encoding == ParquetEncoding::kRleDictionary     ? "RleDictionary"
                  : encoding == ParquetEncoding::kPlainDictionary ? "PlainDictionary"
                                                                  : "Plain";
  return std::string(e) + "_" + std::string(CodecName(codec)) + "_" +
         (std::get<2>(info.param) == ParquetVersion::k1_0 ? "V1" : "V2");
}

INSTANTIATE_TEST_SUITE_P(AllCombinations, ParquetMatrixTest,
                         ::testing::Combine(::testing::Values(ParquetEncoding::kRleDictionary,
                                                              ParquetEncoding::kPlainDictionary,
                                                              ParquetEncoding::kPlain),
                                            ::testing::Values(Codec::kUncompressed, Codec::kGzip,
                                                              Codec::kSnappy, Codec::kZstd),
                                            ::testing::Values(ParquetVersion::k1_0,
                                                              ParquetVersion::k2_0)),
                         ComboName);

}  // namespace
}  // namespace binlake::parquet
