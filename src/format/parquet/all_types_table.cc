#include "format/parquet/all_types_table.h"

#include <cstring>
#include <limits>

namespace binlake::parquet::testing {
namespace {

constexpr int kBaseRows = 7;

class Builder {
 public:
  explicit Builder(AllTypesTable* t) : t_(t) {}

  ColumnType& Add(std::string name, SqlType type, std::vector<Value> values) {
    Column c;
    c.name = std::move(name);
    c.type.type = type;
    t_->schema.columns.push_back(c);
    while (values.size() < kBaseRows) values.push_back(Value::Null());
    columns_.push_back(std::move(values));
    return t_->schema.columns.back().type;
  }
  std::string_view Keep(std::string s) { return t_->storage.emplace_back(std::move(s)); }
  Value Str(std::string s) { return Value::String(Keep(std::move(s))); }
  Value Dec(std::string s) { return Value::Decimal(Keep(std::move(s))); }
  Value Bytes(std::string s) { return Value::Bytes(Keep(std::move(s))); }
  const std::vector<std::vector<Value>>& columns() const { return columns_; }

 private:
  AllTypesTable* t_;
  std::vector<std::vector<Value>> columns_;
};

Value DT(uint16_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s, uint32_t us) {
  return Value::DateTime(DateTimeParts{y, mo, d, h, mi, s, us});
}
Value TS(uint16_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s, uint32_t us) {
  return Value::Timestamp(DateTimeParts{y, mo, d, h, mi, s, us});
}
Value Tm(bool neg, uint32_t h, uint8_t m, uint8_t s, uint32_t us) {
  return Value::Time(TimeParts{neg, h, m, s, us});
}

}  // namespace

AllTypesTable MakeAllTypesTable(int repeat) {
  AllTypesTable t;
  t.schema.schema = "db";
  t.schema.table = "all_types";
  Builder b(&t);
  using L64 = std::numeric_limits<int64_t>;
  using L32 = std::numeric_limits<int32_t>;
  auto I = [](int64_t v) { return Value::Int(v); };
  auto U = [](uint64_t v) { return Value::UInt(v); };
  const Value N = Value::Null();

  b.Add("ti", SqlType::kTinyInt, {I(-128), I(127), I(0), N, I(-1), I(5), I(100)});
  b.Add("tiu", SqlType::kTinyInt, {U(0), U(255), N, U(1)}).is_unsigned = true;
  b.Add("si", SqlType::kSmallInt, {I(-32768), I(32767), N, I(0)});
  b.Add("siu", SqlType::kSmallInt, {U(0), U(65535), N}).is_unsigned = true;
  b.Add("mi", SqlType::kMediumInt, {I(-8388608), I(8388607), N});
  b.Add("miu", SqlType::kMediumInt, {U(0), U(16777215), N}).is_unsigned = true;
  b.Add("i", SqlType::kInt, {I(L32::min()), I(L32::max()), N, I(0)});
  b.Add("iu", SqlType::kInt, {U(0), U(4294967295u), N, U(2147483648u)}).is_unsigned = true;
  b.Add("bi", SqlType::kBigInt, {I(L64::min()), I(L64::max()), N, I(-1)});
  b.Add("biu", SqlType::kBigInt,
        {U(0), U(std::numeric_limits<uint64_t>::max()), N, U(uint64_t{1} << 63)})
      .is_unsigned = true;
  auto dec = [&](const char* name, int p, int s, std::vector<Value> v) {
    ColumnType& ct = b.Add(name, SqlType::kDecimal, std::move(v));
    ct.precision = static_cast<uint8_t>(p);
    ct.scale = static_cast<uint8_t>(s);
  };
  dec("d5", 5, 2,
      {b.Dec("-999.99"), b.Dec("999.99"), b.Dec("0.00"), N, b.Dec("-0.50"), b.Dec("12.30")});
  dec("d10", 10, 0, {b.Dec("-9999999999"), b.Dec("9999999999"), N, b.Dec("0")});
  dec("d18", 18, 6,
      {b.Dec("-999999999999.999999"), b.Dec("999999999999.999999"), N, b.Dec("0.000001")});
  dec("d30", 30, 10,
      {b.Dec("-99999999999999999999.9999999999"), b.Dec("99999999999999999999.9999999999"), N,
       b.Dec("-0.0000000001")});
  dec("d38", 38, 0,
      {b.Dec(std::string(38, '9')), b.Dec("-" + std::string(38, '9')), N, b.Dec("1")});
  dec("d65", 65, 30,
      {b.Dec(std::string(35, '9') + "." + std::string(30, '9')), N,
       b.Dec("-1.000000000000000000000000000000")});
  b.Add("f", SqlType::kFloat,
        {Value::Float(std::numeric_limits<float>::max()), Value::Float(-1.17549435e-38f),
         Value::Float(0.0f), N, Value::Float(-0.0f), Value::Float(0.1f), Value::Float(1.5f)});
  b.Add("dbl", SqlType::kDouble,
        {Value::Double(std::numeric_limits<double>::max()), Value::Double(-2.2250738585072014e-308),
         N, Value::Double(-0.0), Value::Double(0.1), Value::Double(123456789.0),
         Value::Double(-1e-300)});
  b.Add("b1", SqlType::kBit, {Value::Bit(0), Value::Bit(1), N}).length = 1;
  b.Add("b64", SqlType::kBit,
        {Value::Bit(std::numeric_limits<uint64_t>::max()), Value::Bit(0), N,
         Value::Bit(0x8000000000000001ull)})
      .length = 64;
  b.Add("y", SqlType::kYear, {I(0), I(1901), I(2155), N, I(2024)});
  b.Add("dt", SqlType::kDate,
        {Value::Date(1000, 1, 1), Value::Date(9999, 12, 31), Value::Date(1970, 1, 1),
         Value::Date(0, 0, 0), Value::Date(2020, 2, 0), Value::Date(2024, 2, 29), N});
  b.Add("tm", SqlType::kTime,
        {Tm(true, 838, 59, 59, 0), Tm(false, 838, 59, 59, 0), Tm(false, 0, 0, 0, 0), N,
         Tm(false, 12, 34, 56, 789012), Tm(true, 0, 0, 0, 1)})
      .fsp = 6;
  b.Add("tm0", SqlType::kTime, {Tm(false, 1, 2, 3, 0), N, Tm(true, 100, 0, 0, 0)});
  b.Add("dtm6", SqlType::kDateTime,
        {DT(1000, 1, 1, 0, 0, 0, 0), DT(9999, 12, 31, 23, 59, 59, 999999),
         DT(1970, 1, 1, 0, 0, 0, 1), DT(0, 0, 0, 0, 0, 0, 0), N,
         DT(1969, 12, 31, 23, 59, 59, 999999), DT(2024, 2, 29, 12, 0, 0, 123456)})
      .fsp = 6;
  b.Add("dtm0", SqlType::kDateTime, {DT(2024, 2, 29, 12, 0, 0, 0), N, DT(2021, 2, 30, 0, 0, 0, 0)});
  b.Add("ts3", SqlType::kTimestamp,
        {TS(1970, 1, 1, 0, 0, 1, 0), TS(2038, 1, 19, 3, 14, 7, 999000), N, TS(0, 0, 0, 0, 0, 0, 0)})
      .fsp = 3;
  b.Add("ts6", SqlType::kTimestamp,
        {TS(2000, 6, 15, 8, 30, 0, 654321), N, TS(1970, 1, 1, 0, 0, 0, 999999)})
      .fsp = 6;
  b.Add("ch", SqlType::kChar,
        {b.Str(""), b.Str("abc"),
         b.Str("\xc3\xbcn\xc3\xaf"
               "c\xc3\xb6"
               "d\xc3\xa9"),
         N, b.Str("a'b\"c,d\ne\r\\")});
  b.Add("vc", SqlType::kVarChar, {b.Str("\xf0\x9f\x98\x80"), b.Str(std::string(300, 'x')), N});
  b.Add("tx", SqlType::kText, {b.Str(std::string(5000, 'L')), b.Str("short"), N});
  ColumnType& en =
      b.Add("en", SqlType::kEnum,
            {Value::EnumIndex(1), Value::EnumIndex(3), Value::EnumIndex(0), N, b.Str("b")});
  en.elements = {"a", "b", "c d"};
  ColumnType& st = b.Add("st", SqlType::kSet,
                         {Value::SetBits(0), Value::SetBits(5), Value::SetBits(7), N, b.Str("y")});
  st.elements = {"x", "y", "z"};
  b.Add(
      "js", SqlType::kJson,
      {Value::Json(b.Keep("{\"b\": 1, \"a\": [1, 2.5, \"\xc3\xa9\"]}")),
       Value::Json(b.Keep("null")), Value::Json(b.Keep("\"str\"")), N, Value::Json(b.Keep("[]"))});
  b.Add("bin", SqlType::kBinary,
        {b.Bytes(std::string("\x00\xff\x10\x80", 4)), N, b.Bytes(std::string(4, '\0'))})
      .length = 4;
  b.Add("vb", SqlType::kVarBinary, {b.Bytes(""), b.Bytes(std::string("\x00\x01", 2)), N});
  std::string blob(3000, '\0');
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7);
  b.Add("bl", SqlType::kBlob, {b.Bytes(blob), N, b.Bytes("\xfe")});
  b.Add("geo", SqlType::kGeometry,
        {b.Bytes(std::string("\x00\x00\x00\x00\x01\x01\x00\x00\x00", 9) + std::string(16, '\x01')),
         N});
  float vec[2] = {1.0f, -2.5f};
  b.Add("vec", SqlType::kVector, {b.Bytes(std::string(reinterpret_cast<char*>(vec), 8)), N})
      .length = 2;
  b.Add("seq", SqlType::kBigInt, {});
  b.Add("uniq", SqlType::kVarChar, {});

  const auto& cols = b.columns();
  size_t seq = t.schema.FindColumn("seq");
  size_t uniq = t.schema.FindColumn("uniq");
  for (int r = 0; r < repeat * kBaseRows; ++r) {
    std::vector<Value> row;
    for (size_t c = 0; c < cols.size(); ++c) row.push_back(cols[c][r % kBaseRows]);
    row[seq] = Value::Int(r);
    row[uniq] = r % 50 == 3 ? Value::Null() : b.Str("u" + std::to_string(r / 4));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace binlake::parquet::testing
