// ParquetToValue (parquet_value.h), the inverse of the writer's mapping (type_mapping.h): every
// column of the all-types table (every type, NULLs, extremes) written by binlake's Parquet writer
// and read back gives a Value whose render_text text equals the original's, for both
// ParquetVersions, both binary encodings and millisecond timestamps. Values the writer turns into
// NULL (zero dates) read back as NULL. Plus the errors: a column of another type, values out of
// the SQL type's range.
#include "format/parquet/parquet_value.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/string_object_writer.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {
namespace {

using testing::AllTypesTable;
using testing::MakeAllTypesTable;

Field Int(int64_t i) {
  Field f;
  f.null = false;
  f.i = i;
  return f;
}

Field Text(std::string_view bytes) {
  Field f;
  f.null = false;
  f.bytes = bytes;
  return f;
}

std::string Rendered(const Value& v, const ColumnType& type, const RenderOptions& render) {
  if (v.is_null()) return "<NULL>";
  std::string s;
  AppendValueText(v, type, render, &s);
  return s;
}

// What a CSV target holds for `v`, as far as Parquet can hold it: NULL where the writer writes
// NULL (zero and invalid dates), milliseconds when timestamps are in milliseconds.
std::string Expected(const Value& v, const Column& column, const ParquetWriterOptions& o) {
  MappingOptions mo;
  mo.version_2 = o.version == ParquetVersion::k2_0;
  mo.timestamp_millis = o.timestamp_in_millis;
  const ColumnSpec spec = MapColumn(column, mo);
  std::string scratch;
  Cell cell;
  EXPECT_TRUE(ConvertValue(v, spec, column.type, o.render, &scratch, &cell).ok());
  if (cell.kind == Cell::Kind::kNull) return "<NULL>";
  if (o.timestamp_in_millis &&
      (v.kind() == Value::Kind::kDateTime || v.kind() == Value::Kind::kTimestamp)) {
    DateTimeParts p = v.datetime();
    p.micros -= p.micros % 1000;
    const Value t = v.kind() == Value::Kind::kDateTime ? Value::DateTime(p) : Value::Timestamp(p);
    return Rendered(t, column.type, o.render);
  }
  return Rendered(v, column.type, o.render);
}

// Writes the table, reads it back through ParquetToValue, and compares every rendered value.
void RoundTrip(const ParquetWriterOptions& o) {
  AllTypesTable t = MakeAllTypesTable(3);
  std::string bytes;
  auto w = NewParquetFileWriter(t.schema, {}, o, std::make_unique<StringObjectWriter>(&bytes));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const auto& row : t.rows) ASSERT_TRUE((*w)->Append({}, row).ok());
  ASSERT_TRUE((*w)->Finish().ok());

  auto file = ParquetFile::Open(bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const size_t n = t.schema.columns.size();
  ASSERT_EQ(file->columns().size(), n);
  for (size_t c = 0; c < n; ++c) {
    Status s = CheckParquetColumn(file->columns()[c], t.schema.columns[c].type);
    ASSERT_TRUE(s.ok()) << t.schema.columns[c].name << ": " << s.ToString();
  }
  auto reader = ParquetRowReader::Make(&*file, {.columns = {}, .batch_rows = 5});
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> scratch(n);
  size_t r = 0;
  size_t nulls = 0, values = 0;
  while (true) {
    auto more = (*reader)->Next();
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_LT(r, t.rows.size());
    for (size_t c = 0; c < n; ++c) {
      const Column& column = t.schema.columns[c];
      Value v;
      Status s = ParquetToValue((*reader)->field(c), file->columns()[c], column.type, o.render, &v,
                                &scratch[c]);
      ASSERT_TRUE(s.ok()) << column.name << " row " << r << ": " << s.ToString();
      const std::string want = Expected(t.rows[r][c], column, o);
      EXPECT_EQ(Rendered(v, column.type, o.render), want) << column.name << " row " << r;
      (v.is_null() ? nulls : values)++;
    }
    ++r;
  }
  EXPECT_EQ(r, t.rows.size());
  EXPECT_GT(nulls, n);      // every column has NULLs
  EXPECT_GT(values, 300u);  // 21 rows x 40 columns, about half NULL
}

TEST(ParquetValueTest, AllTypesRoundTripVersion1) { RoundTrip({}); }

TEST(ParquetValueTest, AllTypesRoundTripVersion2Base64) {
  ParquetWriterOptions o;
  o.version = ParquetVersion::k2_0;
  o.render.binary_encoding = BinaryEncoding::kBase64;
  o.codec = Codec::kZstd;
  RoundTrip(o);
}

TEST(ParquetValueTest, AllTypesRoundTripMillisPlain) {
  ParquetWriterOptions o;
  o.timestamp_in_millis = true;
  o.encoding = ParquetEncoding::kPlain;
  RoundTrip(o);
}

// A binary-collation string is stored as its rendered text (hex or base64) and comes back as
// the same bytes.
TEST(ParquetValueTest, BinaryCollationString) {
  ColumnType type;
  type.type = SqlType::kVarChar;
  type.collation_id = 63;
  ParquetColumn c;
  c.name = "b";
  ASSERT_TRUE(CheckParquetColumn(c, type).ok());
  for (BinaryEncoding e : {BinaryEncoding::kHex, BinaryEncoding::kBase64}) {
    RenderOptions render{e};
    std::string text;
    AppendValueText(Value::Bytes(std::string_view("\x00\xff", 2)), type, render, &text);
    Field f = Text(text);
    Value v;
    std::string scratch;
    ASSERT_TRUE(ParquetToValue(f, c, type, render, &v, &scratch).ok());
    EXPECT_EQ(v.kind(), Value::Kind::kBytes);
    EXPECT_EQ(v.text(), std::string_view("\x00\xff", 2));
  }
}

TEST(ParquetValueTest, CivilFromDays) {
  for (int64_t d : {-719162, -1, 0, 1, 59, 365, 10957, 2932896}) {
    DateTimeParts p;
    ASSERT_TRUE(CivilFromDays(d, &p)) << d;
    int32_t back;
    ASSERT_TRUE(DaysFromCivil(p.year, p.month, p.day, &back)) << d;
    EXPECT_EQ(back, d);
  }
  DateTimeParts p;
  EXPECT_TRUE(CivilFromDays(-719162, &p));  // 0001-01-01
  EXPECT_EQ(p.year, 1);
  EXPECT_FALSE(CivilFromDays(-719163, &p));  // year 0
  EXPECT_FALSE(CivilFromDays(2932897, &p));  // 10000-01-01
  EXPECT_FALSE(CivilFromDays(std::numeric_limits<int64_t>::min(), &p));
}

TEST(ParquetValueTest, ColumnOfAnotherTypeIsUnsupported) {
  ColumnType dt;
  dt.type = SqlType::kDateTime;
  ParquetColumn text;
  text.name = "x";
  text.type = PhysicalType::kByteArray;
  Status s = CheckParquetColumn(text, dt);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("column x is BYTE_ARRAY"), std::string::npos) << s.message();

  ColumnType dec;
  dec.type = SqlType::kDecimal;
  dec.precision = 10;
  dec.scale = 2;
  ParquetColumn d;
  d.name = "d";
  d.type = PhysicalType::kInt64;
  d.precision = 10;
  d.scale = 3;
  EXPECT_EQ(CheckParquetColumn(d, dec).code(), StatusCode::kUnsupported);
  d.scale = 2;
  EXPECT_TRUE(CheckParquetColumn(d, dec).ok());
}

TEST(ParquetValueTest, ValuesOutOfRangeAreCorruption) {
  Value v;
  std::string scratch;
  ColumnType tiny;
  tiny.type = SqlType::kTinyInt;
  ParquetColumn i32;
  i32.name = "t";
  i32.type = PhysicalType::kInt32;
  Status s = ParquetToValue(Int(200), i32, tiny, {}, &v, &scratch);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  tiny.is_unsigned = true;
  EXPECT_TRUE(ParquetToValue(Int(200), i32, tiny, {}, &v, &scratch).ok());
  EXPECT_EQ(v.uint_value(), 200u);

  ColumnType dec;
  dec.type = SqlType::kDecimal;
  dec.precision = 5;
  dec.scale = 2;
  i32.precision = 5;
  i32.scale = 2;
  EXPECT_EQ(ParquetToValue(Int(100000), i32, dec, {}, &v, &scratch).code(),
            StatusCode::kCorruption);
  ASSERT_TRUE(ParquetToValue(Int(-5), i32, dec, {}, &v, &scratch).ok());
  EXPECT_EQ(v.text(), "-0.05");

  ColumnType date;
  date.type = SqlType::kDate;
  EXPECT_EQ(ParquetToValue(Int(-800000), i32, date, {}, &v, &scratch).code(),
            StatusCode::kCorruption);

  ColumnType dt;
  dt.type = SqlType::kDateTime;
  ParquetColumn i64;
  i64.type = PhysicalType::kInt64;
  i64.logical.kind = LogicalKind::kTimestamp;
  i64.logical.unit = TimeUnit::kMillis;
  EXPECT_EQ(
      ParquetToValue(Int(std::numeric_limits<int64_t>::min()), i64, dt, {}, &v, &scratch).code(),
      StatusCode::kCorruption);
  ColumnType time;
  time.type = SqlType::kTime;
  ParquetColumn str;
  str.type = PhysicalType::kByteArray;
  EXPECT_EQ(ParquetToValue(Text("25:99"), str, time, {}, &v, &scratch).code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake::parquet
