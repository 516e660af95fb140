// ParseRenderedText (common/parse_rendered_text.h) against real values: the Parquet writer's
// all-types table and the fixture values of testdata/fixtures (type vectors decoded by the binlog
// decoder, rust_mysql_common's expected row values). Each value is rendered as the CSV writes it,
// parsed back, and must be the same Value (the full load's, where the binlog decoder has another
// kind) rendering to the same text; a Parquet file written from the parsed values must be
// byte-identical to one written from the originals. Lives here, not in common/, because it needs
// the Parquet writer, the binlog decoders and the full load's text reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/decimal.h"
#include "binlog/json_binary.h"
#include "binlog/temporal.h"
#include "common/parse_rendered_text.h"
#include "common/render_text.h"
#include "common/testing/same_value.h"
#include "format/csv/testing_memory_writer.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/parquet_writer.h"
#include "source/text_value.h"

namespace binlake::parquet {
namespace {

using ::binlake::testing::SameValue;

using Json = nlohmann::json;
using testing::AllTypesTable;
using testing::MakeAllTypesTable;

std::string FixturePath(const std::string& relative) {
  const char* dir = std::getenv("BINLAKE_FIXTURES");
  return std::string(dir && *dir ? dir : "testdata/fixtures") + "/" + relative;
}

Json ReadJson(const std::string& relative) {
  std::ifstream in(FixturePath(relative), std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << FixturePath(relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string Render(const Value& v, const ColumnType& t, const RenderOptions& o) {
  std::string s;
  AppendValueText(v, t, o, &s);
  return s;
}

// The Value the full load would hold for `original` (which may come from the binlog decoder):
// ENUM/SET labels are read as String, JSON as its text, rendered canonically by render_text.
bool SameAsFullLoad(const Value& original, const Value& parsed, const std::string& text) {
  switch (original.kind()) {
    case Value::Kind::kEnumIndex:
    case Value::Kind::kSetBits:
      return parsed.kind() == Value::Kind::kString && parsed.text() == text;
    case Value::Kind::kJson: {
      std::string canonical;
      if (!AppendCanonicalJson(original.text(), &canonical)) canonical = original.text();
      return parsed.kind() == Value::Kind::kJson && parsed.text() == canonical;
    }
    default:
      return SameValue(original, parsed);
  }
}

// A table and the bytes its values view.
struct Table {
  TableSchema schema;
  std::vector<std::vector<Value>> rows;
  std::deque<std::string> storage;
};

// Checks render -> parse -> render and the parsed Value for every non-NULL cell; returns the
// number of cells checked.
size_t CheckRoundTrip(const TableSchema& schema, const std::vector<std::vector<Value>>& rows,
                      const RenderOptions& o) {
  size_t checked = 0;
  std::string scratch;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const Value& v = rows[r][c];
      if (v.is_null()) continue;
      const ColumnType& t = schema.columns[c].type;
      std::string text = Render(v, t, o);
      SCOPED_TRACE("row " + std::to_string(r) + " column " + schema.columns[c].name + " (" +
                   RenderedTypeLabel(t, o) + ") '" + text.substr(0, 80) + "'");
      Value parsed;
      Status st = ParseRenderedText(t, text, o, &parsed, &scratch);
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (!st.ok()) continue;
      EXPECT_EQ(Render(parsed, t, o), text);
      EXPECT_TRUE(SameAsFullLoad(v, parsed, text))
          << "kinds " << static_cast<int>(v.kind()) << " vs " << static_cast<int>(parsed.kind());
      ++checked;
    }
  }
  return checked;
}

// The Parquet file of `rows`, written with `options`. With `through_text`, each value is first
// rendered as the CSV writer renders it (options.render) and parsed back, one scratch per column.
Result<std::string> WriteParquet(const TableSchema& schema,
                                 const std::vector<std::vector<Value>>& rows,
                                 const ParquetWriterOptions& options, bool through_text) {
  auto object = std::make_shared<binlake::testing::MemoryObject>();
  OutputColumns extra;
  extra.include_op = true;
  extra.timestamp_column_name = "ts";
  ASSIGN_OR_RETURN(
      auto w, NewParquetFileWriter(schema, extra, options,
                                   std::make_unique<binlake::testing::MemoryObjectWriter>(object)));
  std::vector<std::string> texts(schema.columns.size());
  std::vector<std::string> scratch(schema.columns.size());
  std::vector<Value> parsed(schema.columns.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    RowMeta meta;
    meta.op = "IUD"[r % 3];
    meta.timestamp = "2024-05-06 07:08:09.123456";
    if (!through_text) {
      RETURN_IF_ERROR(w->Append(meta, rows[r]));
      continue;
    }
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const Value& v = rows[r][c];
      if (v.is_null()) {
        parsed[c] = Value::Null();
        continue;
      }
      texts[c].clear();
      AppendValueText(v, schema.columns[c].type, options.render, &texts[c]);
      RETURN_IF_ERROR(ParseRenderedText(schema.columns[c].type, texts[c], options.render,
                                        &parsed[c], &scratch[c]));
    }
    RETURN_IF_ERROR(w->Append(meta, parsed));
  }
  RETURN_IF_ERROR(w->Finish());
  return object->data;
}

RenderOptions Encoding(BinaryEncoding e) {
  RenderOptions o;
  o.binary_encoding = e;
  return o;
}

// Every SqlType a table column can have (kNull is never a user column).
const std::set<SqlType>& ColumnTypes() {
  static const std::set<SqlType> kAll = {
      SqlType::kTinyInt,  SqlType::kSmallInt,  SqlType::kMediumInt, SqlType::kInt,
      SqlType::kBigInt,   SqlType::kDecimal,   SqlType::kFloat,     SqlType::kDouble,
      SqlType::kBit,      SqlType::kYear,      SqlType::kDate,      SqlType::kTime,
      SqlType::kDateTime, SqlType::kTimestamp, SqlType::kChar,      SqlType::kVarChar,
      SqlType::kText,     SqlType::kBinary,    SqlType::kVarBinary, SqlType::kBlob,
      SqlType::kEnum,     SqlType::kSet,       SqlType::kJson,      SqlType::kGeometry,
      SqlType::kVector};
  return kAll;
}

TEST(RenderedTextParquetTest, AllTypesTableRoundTripsThroughText) {
  AllTypesTable t = MakeAllTypesTable(1);
  std::set<SqlType> covered;
  for (const Column& c : t.schema.columns) covered.insert(c.type.type);
  EXPECT_EQ(covered, ColumnTypes()) << "the all-types table lacks a column type";
  for (BinaryEncoding e : {BinaryEncoding::kHex, BinaryEncoding::kBase64}) {
    size_t checked = CheckRoundTrip(t.schema, t.rows, Encoding(e));
    size_t non_null = 0;
    for (const auto& row : t.rows) {
      for (const Value& v : row) non_null += !v.is_null();
    }
    EXPECT_EQ(checked, non_null);
    EXPECT_GE(checked, 130u);
  }
}

// A column of the fixture table and its values.
struct FixtureColumn {
  Column column;
  std::vector<Value> values;
};

class FixtureTableBuilder {
 public:
  std::string_view Keep(std::string s) { return table_.storage.emplace_back(std::move(s)); }
  // The column named `name` (created with `type` on first use).
  std::vector<Value>& Column(const std::string& name, const ColumnType& type) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      it = index_.emplace(name, columns_.size()).first;
      FixtureColumn c;
      c.column.name = name;
      c.column.type = type;
      columns_.push_back(std::move(c));
    }
    return columns_[it->second].values;
  }
  Table Build() {
    size_t n = 0;
    for (const auto& c : columns_) n = std::max(n, c.values.size());
    for (const auto& c : columns_) table_.schema.columns.push_back(c.column);
    table_.schema.schema = "fixtures";
    table_.schema.table = "values";
    for (size_t r = 0; r < n; ++r) {
      std::vector<Value> row;
      for (const auto& c : columns_) row.push_back(r < c.values.size() ? c.values[r] : Value());
      table_.rows.push_back(std::move(row));
    }
    return std::move(table_);
  }

 private:
  Table table_;
  std::vector<FixtureColumn> columns_;
  std::map<std::string, size_t> index_;
};

ColumnType MakeType(SqlType st, uint8_t fsp = 0) {
  ColumnType t;
  t.type = st;
  t.fsp = fsp;
  return t;
}

// The values of testdata/fixtures decoded by binlake's binlog decoders (Values as CDC holds
// them), each checked against the text the fixture expects and, where the server prints the same
// text, against the full load's reader (source/text_value.h) of that text.
Table FixtureTable() {
  FixtureTableBuilder b;
  auto full_load_agrees = [](const ColumnType& t, const std::string& server_text, const Value& v) {
    Value full_load;
    Status st = ParseTextValue(server_text, t, &full_load);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE(SameValue(full_load, v)) << server_text;
  };

  // DECIMAL: go-mysql (187 + 12) and MySqlCdc (6) vectors, one column per (precision, scale).
  Json go = ReadJson("type-vectors/go-mysql-type-vectors.json");
  Json cdc = ReadJson("type-vectors/mysqlcdc-type-vectors.json");
  std::vector<Json> decimals;
  for (const char* set : {"decimal_TestDecodeDecimal", "decimal_decimalData"}) {
    for (const auto& c : go[set]) decimals.push_back(c);
  }
  for (const auto& c : cdc["decimal"]) decimals.push_back(c);
  EXPECT_EQ(decimals.size(), 187u + 12u + 6u);
  for (const auto& c : decimals) {
    int p = c["precision"], s = c["scale"];
    ColumnType t = MakeType(SqlType::kDecimal);
    t.precision = static_cast<uint8_t>(p);
    t.scale = static_cast<uint8_t>(s);
    std::string bytes = FromHex(c["hex"].get<std::string>());
    bytes.resize(std::max(bytes.size(), binlog::DecimalBinarySize(p, s)));
    char buf[binlog::kMaxDecimalText];
    auto n = binlog::DecodeDecimal(Bytes(bytes), p, s, buf);
    EXPECT_TRUE(n.ok());
    if (!n.ok()) continue;
    Value v = Value::Decimal(b.Keep(std::string(buf, *n)));
    EXPECT_EQ(v.text(), c["expected"].get<std::string>());
    full_load_agrees(t, c["expected"], v);
    b.Column("dec_" + std::to_string(p) + "_" + std::to_string(s), t).push_back(v);
  }

  // DATETIME2 (as DATETIME and TIMESTAMP) and TIME2, one column per precision.
  for (const auto& c : go["datetime2"]) {
    int fsp = c["fsp"];
    std::string bytes = FromHex(c["hex"].get<std::string>());
    DateTimeParts p = binlog::DecodeDateTime2(Bytes(bytes), fsp);
    ColumnType dt = MakeType(SqlType::kDateTime, static_cast<uint8_t>(fsp));
    ColumnType ts = MakeType(SqlType::kTimestamp, static_cast<uint8_t>(fsp));
    EXPECT_EQ(Render(Value::DateTime(p), dt, {}), c["expected"].get<std::string>());
    full_load_agrees(dt, c["expected"], Value::DateTime(p));
    full_load_agrees(ts, c["expected"], Value::Timestamp(p));
    b.Column("datetime" + std::to_string(fsp), dt).push_back(Value::DateTime(p));
    b.Column("timestamp" + std::to_string(fsp), ts).push_back(Value::Timestamp(p));
    // DATE: the date part of the same values (zero and partial-zero dates included).
    b.Column("date", MakeType(SqlType::kDate)).push_back(Value::Date(p.year, p.month, p.day));
  }
  for (const auto& c : go["time2"]) {
    int fsp = c["fsp"];
    std::string bytes = FromHex(c["hex"].get<std::string>());
    TimeParts p = binlog::DecodeTime2(Bytes(bytes), fsp);
    ColumnType t = MakeType(SqlType::kTime, static_cast<uint8_t>(fsp));
    EXPECT_EQ(Render(Value::Time(p), t, {}), c["expected"].get<std::string>());
    full_load_agrees(t, c["expected"], Value::Time(p));
    b.Column("time" + std::to_string(fsp), t).push_back(Value::Time(p));
  }

  // JSON: MySqlCdc's binary JSON documents, decoded (binlog_values_test compares the text with
  // the library's; a few differ there by design: DECIMAL and DATETIME opaque values).
  for (const auto& c : cdc["jsonb"]) {
    std::string bytes = FromHex(c["hex"].get<std::string>());
    std::string text;
    Status st = binlog::AppendJsonFromBinary(binlog::AsBytes(bytes), &text);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) continue;
    b.Column("json", MakeType(SqlType::kJson)).push_back(Value::Json(b.Keep(text)));
  }

  // rust_mysql_common's expected row values.
  Json facts = ReadJson("expected/rust_mysql_common.binlog-mod-tests.json");
  std::map<std::string, Json> by_id;
  for (const auto& f : facts["facts"]) by_id[f["id"]] = f;
  ColumnType vec = MakeType(SqlType::kVector);
  vec.length = 3;
  for (const auto& row : by_id.at("vector.rows")["expected"]["rows"]) {
    std::string hex = row["after"]["vector_column_hex"];
    b.Column("vector3", vec).push_back(Value::Bytes(b.Keep(FromHex(hex))));
    b.Column("blob", MakeType(SqlType::kBlob)).push_back(Value::Bytes(b.Keep(FromHex(hex))));
  }
  // BIT(3) b'100' and BIT(8) 0x20, big-endian bytes of the column's width.
  const Json& bits = by_id.at("type_bit.rows")["expected"]["after"];
  ColumnType bit3 = MakeType(SqlType::kBit), bit8 = MakeType(SqlType::kBit);
  bit3.length = 3;
  bit8.length = 8;
  b.Column("bit3", bit3)
      .push_back(Value::Bit(std::stoul(bits[0]["bytes_hex"].get<std::string>(), nullptr, 16)));
  b.Column("bit8", bit8)
      .push_back(Value::Bit(std::stoul(bits[2]["bytes_hex"].get<std::string>(), nullptr, 16)));
  b.Column("text", MakeType(SqlType::kText))
      .push_back(Value::String(b.Keep(bits[1]["bytes_utf8"].get<std::string>())));
  // CHAR, VARCHAR, ENUM('var1','variant2','foo'), SET('one','two','three','four'), TEXT.
  const Json& ess = by_id.at("enum-string-set.rows")["expected"];
  ColumnType en = MakeType(SqlType::kEnum), st = MakeType(SqlType::kSet);
  en.elements = {"var1", "variant2", "foo"};
  st.elements = {"one", "two", "three", "four"};
  for (const Json* image : {&ess["write"]["after"], &ess["update"]["before"],
                            &ess["update"]["after"], &ess["delete"]["before"]}) {
    const Json& v = *image;
    b.Column("char", MakeType(SqlType::kChar))
        .push_back(Value::String(b.Keep(v[0]["bytes_utf8"].get<std::string>())));
    b.Column("varchar", MakeType(SqlType::kVarChar))
        .push_back(Value::String(b.Keep(v[1]["bytes_utf8"].get<std::string>())));
    b.Column("enum", en).push_back(Value::EnumIndex(v[2]["int"].get<uint64_t>()));
    b.Column("set", st).push_back(
        Value::SetBits(std::stoul(v[3]["bytes_hex"].get<std::string>(), nullptr, 16)));
    b.Column("text", MakeType(SqlType::kText))
        .push_back(Value::String(b.Keep(v[4]["bytes_utf8"].get<std::string>())));
  }
  // TIME2(0) -507:48:27: the raw column bytes 60 43 e5 the fact records, decoded, and the parts
  // it expects.
  const Json& issue = by_id.at("time_issue.first_row")["expected"];
  const Json& tm = issue["time"];
  TimeParts neg = binlog::DecodeTime2(Bytes(FromHex("6043e5")), 0);
  EXPECT_EQ(neg.negative, tm["negative"].get<bool>());
  EXPECT_EQ(neg.hours, tm["days"].get<uint32_t>() * 24 + tm["hours"].get<uint32_t>());
  EXPECT_EQ(neg.minute, tm["minutes"].get<uint32_t>());
  EXPECT_EQ(neg.second, tm["seconds"].get<uint32_t>());
  EXPECT_EQ(neg.micros, tm["microseconds"].get<uint32_t>());
  EXPECT_EQ(Render(Value::Time(neg), MakeType(SqlType::kTime), {}),
            issue["mysql_text_derived_here"].get<std::string>());
  b.Column("time0", MakeType(SqlType::kTime)).push_back(Value::Time(neg));
  ColumnType iu = MakeType(SqlType::kInt);
  iu.is_unsigned = true;
  b.Column("int_unsigned", iu)
      .push_back(Value::UInt(
          by_id.at("minimal_row_metadata.first_row")["expected"]["column_named_@4"]["value"]["int"]
              .get<uint64_t>()));
  return b.Build();
}

TEST(RenderedTextParquetTest, FixtureValuesRoundTripThroughText) {
  Table t = FixtureTable();
  ASSERT_FALSE(HasFailure());
  size_t non_null = 0;
  for (const auto& row : t.rows) {
    for (const Value& v : row) non_null += !v.is_null();
  }
  EXPECT_GT(non_null, 280u);
  for (BinaryEncoding e : {BinaryEncoding::kHex, BinaryEncoding::kBase64}) {
    EXPECT_EQ(CheckRoundTrip(t.schema, t.rows, Encoding(e)), non_null);
  }
}

// The Parquet bytes written from the parsed values equal those written from the original values,
// for both tables and the settings that change how values are mapped or rendered.
TEST(RenderedTextParquetTest, ParquetFromParsedValuesIsByteIdentical) {
  AllTypesTable all = MakeAllTypesTable(3);
  Table fixtures = FixtureTable();
  ASSERT_FALSE(HasFailure());
  struct Setting {
    const char* name;
    ParquetWriterOptions options;
  };
  std::vector<Setting> settings;
  settings.push_back({"1.0, hex", {}});
  ParquetWriterOptions v2;
  v2.version = ParquetVersion::k2_0;
  v2.timestamp_in_millis = true;
  v2.render.binary_encoding = BinaryEncoding::kBase64;
  settings.push_back({"2.0, millis, base64", v2});
  ParquetWriterOptions plain;
  plain.encoding = ParquetEncoding::kPlain;
  plain.codec = Codec::kGzip;
  plain.row_group_length = 5;
  settings.push_back({"plain, gzip, 5-row groups", plain});
  for (const Setting& s : settings) {
    SCOPED_TRACE(s.name);
    for (auto [schema, rows] :
         {std::pair{&all.schema, &all.rows}, std::pair{&fixtures.schema, &fixtures.rows}}) {
      SCOPED_TRACE(schema->table);
      auto original = WriteParquet(*schema, *rows, s.options, /*through_text=*/false);
      auto parsed = WriteParquet(*schema, *rows, s.options, /*through_text=*/true);
      ASSERT_TRUE(original.ok()) << original.status().ToString();
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      EXPECT_GT(original->size(), 1000u);
      EXPECT_EQ(original->substr(0, 4), "PAR1");
      EXPECT_TRUE(*original == *parsed)
          << "sizes " << original->size() << " and " << parsed->size();
    }
  }
}

}  // namespace
}  // namespace binlake::parquet
