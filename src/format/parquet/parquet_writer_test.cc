// End-to-end tests of the Parquet writer: files are read back by two independent readers
// (DuckDB and hyparquet, through node) for every EncodingType x codec x ParquetVersion, and each
// value is compared with binlake's CSV rendering of the same Value (render_text). The files of
// all combinations are written first and read by one process per reader (node start-up is most
// of a reader's time); each combination is still its own test.
#include "format/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <future>
#include <map>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "common/render_text.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/parquet_reader_test_util.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/type_mapping.h"

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

// `rows`: DuckDB's rows of one file in file order, with the columns of DuckColumns().
void CheckDuckDb(const AllTypesTable& t, const std::vector<nlohmann::json>& rows, bool millis) {
  ASSERT_EQ(rows.size(), t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = rows[r];
    ASSERT_EQ(row.at("Op"), std::string(1, "IUD"[r % 3]));
    ASSERT_EQ(row.at(kTimestampColumn), kRowTimestamp);
    for (size_t c = 0; c < t.schema.columns.size(); ++c) {
      const Column& col = t.schema.columns[c];
      const Value& v = t.rows[r][c];
      const auto& actual = row.at("c" + std::to_string(c));
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

// `out`: what hyparquet_read.mjs printed for one file.
void CheckHyparquet(const AllTypesTable& t, const nlohmann::json& out, bool millis,
                    const std::string& codec) {
  ASSERT_FALSE(out.contains("error")) << out.at("error");
  const auto& rows = out.at("rows");
  ASSERT_EQ(rows.size(), t.rows.size());
  ASSERT_EQ(out.at("columns").at(0).at("codec"), codec);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = rows.at(r);
    ASSERT_EQ(row.at(0), std::string(1, "IUD"[r % 3]));
    ASSERT_EQ(row.at(1), kRowTimestamp);
    for (size_t c = 0; c < t.schema.columns.size(); ++c) {
      const Column& col = t.schema.columns[c];
      const auto& actual = row.at(c + 2);
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

using Combo = testing::Combo;
using testing::ComboName;

constexpr ParquetEncoding kEncodings[] = {
    ParquetEncoding::kRleDictionary, ParquetEncoding::kPlainDictionary, ParquetEncoding::kPlain};
constexpr Codec kCodecs[] = {Codec::kUncompressed, Codec::kGzip, Codec::kSnappy, Codec::kZstd};
constexpr ParquetVersion kVersions[] = {ParquetVersion::k1_0, ParquetVersion::k2_0};

ParquetWriterOptions OptionsFor(const Combo& combo) {
  // Row groups of 100, small pages and a small dictionary limit, so each file has several row
  // groups, pages per chunk and a dictionary fallback.
  ParquetWriterOptions o;
  std::tie(o.encoding, o.codec, o.version) = combo;
  o.row_group_length = 100;
  o.data_page_size = 1024;
  o.dict_page_size_limit = 512;
  o.timestamp_in_millis = o.codec == Codec::kSnappy;  // both units across the matrix
  return o;
}

// What the readers returned for one file.
struct ReadBack {
  std::vector<nlohmann::json> duck_rows;  // DuckDB's rows in file order (CheckDuckDb)
  std::vector<nlohmann::json> meta_rows;  // parquet_metadata of column uniq, by row group
  nlohmann::json hyparquet;               // hyparquet_read.mjs's object (or {"error"})
};

// Reads the files {name, path} with one DuckDB process: every value (rendered by DuckExpr, one
// SELECT per file under a UNION ALL) and the metadata of column uniq. Fills duck_rows and
// meta_rows of (*out)[name].
Status ReadWithDuckDb(const AllTypesTable& t,
                      const std::vector<std::pair<std::string, std::string>>& files,
                      std::map<std::string, ReadBack>* out) {
  std::string macro = "CREATE MACRO binlake_values(p) AS TABLE SELECT \"Op\", \"" +
                      std::string(kTimestampColumn) + "\"";
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    macro += ", " + DuckExpr(t.schema.columns[c]) + " AS c" + std::to_string(c);
  }
  macro += ", file_row_number FROM read_parquet(p, file_row_number=true)";
  std::string values;
  std::string paths;
  for (const auto& [name, path] : files) {
    if (!values.empty()) values += " UNION ALL ";
    values += "SELECT " + testing::SqlQuote(name) + " AS binlake_file, * FROM binlake_values(" +
              testing::SqlQuote(path) + ")";
    paths += (paths.empty() ? "" : ", ") + testing::SqlQuote(path);
  }
  values += " ORDER BY binlake_file, file_row_number";
  std::string meta =
      "SELECT DISTINCT file_name, compression, encodings, row_group_id FROM parquet_metadata([" +
      paths + "]) WHERE path_in_schema = 'uniq' ORDER BY file_name, row_group_id";
  ASSIGN_OR_RETURN(nlohmann::json each,
                   testing::DuckDbQueryEach({"SET TimeZone='UTC'", macro, values, meta}));
  std::map<std::string, std::string> name_of_path;
  for (const auto& [name, path] : files) name_of_path[path] = name;
  for (auto& row : each[2]) {
    std::string name = row.at("binlake_file");
    (*out)[name].duck_rows.push_back(std::move(row));
  }
  for (auto& row : each[3]) {
    auto it = name_of_path.find(row.at("file_name").get<std::string>());
    if (it == name_of_path.end()) return Internal("parquet_metadata: unknown file " + row.dump());
    (*out)[it->second].meta_rows.push_back(std::move(row));
  }
  return Status::Ok();
}

// Writes the file of every combination, then reads them all back with one DuckDB process and
// one hyparquet process (running side by side); each test checks its combination's results.
class ParquetMatrixTest : public ::testing::TestWithParam<Combo> {
 protected:
  struct Suite {
    AllTypesTable table = MakeAllTypesTable(40);  // 280 rows
    testing::TempDir dir;
    std::map<std::string, Status> written;  // by ComboName
    std::map<std::string, std::string> paths;
    Status duck_status;       // of the DuckDB process over every file
    Status hyparquet_status;  // of the hyparquet process over every file
    std::map<std::string, ReadBack> read;
  };

  static void SetUpTestSuite() {
    suite_ = std::make_unique<Suite>();
    Suite& s = *suite_;
    std::vector<std::pair<std::string, std::string>> files;
    std::vector<std::string> paths;
    for (ParquetEncoding e : kEncodings) {
      for (Codec c : kCodecs) {
        for (ParquetVersion v : kVersions) {
          Combo combo{e, c, v};
          std::string name = ComboName(combo);
          std::string path = s.dir.path() + "/" + name + ".parquet";
          s.written[name] = WriteTable(s.table, OptionsFor(combo), path);
          s.paths[name] = path;
          if (!s.written[name].ok()) continue;
          files.emplace_back(name, path);
          paths.push_back(path);
        }
      }
    }
    auto hyparquet =
        std::async(std::launch::async, [&paths] { return testing::HyparquetReadMany(paths); });
    s.duck_status = ReadWithDuckDb(s.table, files, &s.read);
    auto results = hyparquet.get();
    s.hyparquet_status = results.status();
    if (!results.ok()) return;
    for (size_t i = 0; i < files.size(); ++i) {
      s.read[files[i].first].hyparquet = std::move((*results)[i]);
    }
  }

  static void TearDownTestSuite() { suite_.reset(); }

  static inline std::unique_ptr<Suite> suite_;
};

TEST_P(ParquetMatrixTest, DuckDbAndHyparquetReadEveryValue) {
  const Suite& s = *suite_;
  const std::string name = ComboName(GetParam());
  SCOPED_TRACE(name);
  ParquetWriterOptions o = OptionsFor(GetParam());
  const Status& written = s.written.at(name);
  ASSERT_TRUE(written.ok()) << written.ToString();
  ReadBack read = s.read.count(name) != 0 ? s.read.at(name) : ReadBack{};
  if (!s.duck_status.ok()) {
    // One unreadable file fails the shared query: read this one alone to tell which.
    std::map<std::string, ReadBack> alone;
    Status st = ReadWithDuckDb(s.table, {{name, s.paths.at(name)}}, &alone);
    ASSERT_TRUE(st.ok()) << st.ToString();
    read.duck_rows = alone[name].duck_rows;
    read.meta_rows = alone[name].meta_rows;
  }
  std::string codec(CodecName(o.codec));
  CheckDuckDb(s.table, read.duck_rows, o.timestamp_in_millis);
  if (s.hyparquet_status.ok()) {
    CheckHyparquet(s.table, read.hyparquet, o.timestamp_in_millis, codec);
  } else {
    ADD_FAILURE() << s.hyparquet_status.ToString();
  }

  // The file says what was asked: codec, encodings, page version, row groups.
  const auto& meta = read.meta_rows;
  ASSERT_EQ(meta.size(), 3u);  // 280 rows in groups of 100
  std::string encodings = meta[0].at("encodings");
  EXPECT_EQ(meta[0].at("compression"), codec);
  if (o.encoding == ParquetEncoding::kPlain) {
    EXPECT_EQ(encodings.find("DICTIONARY"), std::string::npos) << encodings;
  } else {
    // uniq's dictionary passes 512 bytes within each group: dictionary pages, then PLAIN.
    EXPECT_NE(encodings.find(o.encoding == ParquetEncoding::kRleDictionary ? "RLE_DICTIONARY"
                                                                           : "PLAIN_DICTIONARY"),
              std::string::npos)
        << encodings;
    EXPECT_NE(encodings.find("PLAIN"), std::string::npos) << encodings;
  }
}

INSTANTIATE_TEST_SUITE_P(AllCombinations, ParquetMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(kEncodings),
                                            ::testing::ValuesIn(kCodecs),
                                            ::testing::ValuesIn(kVersions)),
                         [](const ::testing::TestParamInfo<Combo>& info) {
                           return ComboName(info.param);
                         });

}  // namespace
}  // namespace binlake::parquet
