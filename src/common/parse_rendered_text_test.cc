// ParseRenderedText (parse_rendered_text.h), type by type: the texts render_text writes parse back
// to the Value that produced them, everything else is a one-line kCorruption. The all-types table,
// the fixture vectors and the Parquet bytes are checked in
// format/parquet/rendered_text_parquet_test.cc (they need later stages).
#include "common/parse_rendered_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/render_text.h"

namespace binlake {
namespace {

ColumnType Type(SqlType st, bool is_unsigned = false) {
  ColumnType t;
  t.type = st;
  t.is_unsigned = is_unsigned;
  return t;
}
ColumnType Fsp(SqlType st, uint8_t fsp) {
  ColumnType t = Type(st);
  t.fsp = fsp;
  return t;
}
ColumnType Dec(int precision, int scale) {
  ColumnType t = Type(SqlType::kDecimal);
  t.precision = static_cast<uint8_t>(precision);
  t.scale = static_cast<uint8_t>(scale);
  return t;
}
ColumnType Bit(uint32_t n) {
  ColumnType t = Type(SqlType::kBit);
  t.length = n;
  return t;
}

RenderOptions Base64() {
  RenderOptions o;
  o.binary_encoding = BinaryEncoding::kBase64;
  return o;
}

std::string Render(const Value& v, const ColumnType& t, const RenderOptions& o = {}) {
  std::string s;
  AppendValueText(v, t, o, &s);
  return s;
}

// Field-by-field equality (floats by bits, so -0 and NaN compare as stored).
::testing::AssertionResult SameValue(const Value& a, const Value& b) {
  auto fail = [&](const char* what) {
    return ::testing::AssertionFailure() << what << " differs (kinds " << static_cast<int>(a.kind())
                                         << ", " << static_cast<int>(b.kind()) << ")";
  };
  if (a.kind() != b.kind()) return fail("kind");
  switch (a.kind()) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kInt:
      if (a.int_value() != b.int_value()) return fail("int");
      break;
    case Value::Kind::kUInt:
    case Value::Kind::kBit:
    case Value::Kind::kEnumIndex:
    case Value::Kind::kSetBits:
      if (a.uint_value() != b.uint_value()) return fail("uint");
      break;
    case Value::Kind::kFloat: {
      float x = a.float_value(), y = b.float_value();
      if (std::memcmp(&x, &y, sizeof x) != 0 && !(std::isnan(x) && std::isnan(y))) {
        return fail("float");
      }
      break;
    }
    case Value::Kind::kDouble: {
      double x = a.double_value(), y = b.double_value();
      if (std::memcmp(&x, &y, sizeof x) != 0 && !(std::isnan(x) && std::isnan(y))) {
        return fail("double");
      }
      break;
    }
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kJson:
      if (a.text() != b.text()) return fail("text");
      break;
    case Value::Kind::kDate:
    case Value::Kind::kDateTime:
    case Value::Kind::kTimestamp: {
      const DateTimeParts &x = a.datetime(), &y = b.datetime();
      if (x.year != y.year || x.month != y.month || x.day != y.day || x.hour != y.hour ||
          x.minute != y.minute || x.second != y.second || x.micros != y.micros) {
        return fail("date/time");
      }
      break;
    }
    case Value::Kind::kTime: {
      const TimeParts &x = a.time(), &y = b.time();
      if (x.negative != y.negative || x.hours != y.hours || x.minute != y.minute ||
          x.second != y.second || x.micros != y.micros) {
        return fail("time");
      }
      break;
    }
  }
  return ::testing::AssertionSuccess();
}

// render(v) -> parse -> the same Value, rendering to the same text.
void ExpectRoundTrip(const Value& v, const ColumnType& t, const RenderOptions& o = {}) {
  std::string text = Render(v, t, o);
  SCOPED_TRACE(RenderedTypeLabel(t, o) + " '" + text + "'");
  Value parsed;
  std::string scratch;
  Status st = ParseRenderedText(t, text, o, &parsed, &scratch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(SameValue(parsed, v));
  EXPECT_EQ(Render(parsed, t, o), text);
}

// The text must fail with a one-line kCorruption that names the type and quotes the text.
void ExpectBad(const ColumnType& t, std::string_view text, const RenderOptions& o = {}) {
  SCOPED_TRACE(RenderedTypeLabel(t, o) + " '" + std::string(text) + "'");
  Value out = Value::Int(12345);
  std::string scratch;
  Status st = ParseRenderedText(t, text, o, &out, &scratch);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find(RenderedTypeLabel(t, o)), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\r'), std::string::npos) << st.message();
  EXPECT_LT(st.message().size(), 300u) << st.message();
  // *out is left alone on failure.
  EXPECT_EQ(out.kind(), Value::Kind::kInt);
  EXPECT_EQ(out.int_value(), 12345);
}

TEST(ParseRenderedTextTest, IntegersOfEveryWidthAndSign) {
  struct Case {
    SqlType type;
    int64_t min;
    int64_t max;
    uint64_t umax;
  };
  for (const Case& c :
       {Case{SqlType::kTinyInt, -128, 127, 255}, Case{SqlType::kSmallInt, -32768, 32767, 65535},
        Case{SqlType::kMediumInt, -8388608, 8388607, 16777215},
        Case{SqlType::kInt, std::numeric_limits<int32_t>::min(),
             std::numeric_limits<int32_t>::max(), 4294967295u},
        Case{SqlType::kBigInt, std::numeric_limits<int64_t>::min(),
             std::numeric_limits<int64_t>::max(), std::numeric_limits<uint64_t>::max()}}) {
    ColumnType s = Type(c.type), u = Type(c.type, true);
    for (int64_t v : {c.min, c.min + 1, int64_t{-1}, int64_t{0}, int64_t{1}, c.max - 1, c.max}) {
      ExpectRoundTrip(Value::Int(v), s);
    }
    for (uint64_t v : {uint64_t{0}, uint64_t{1}, c.umax / 2, c.umax - 1, c.umax}) {
      ExpectRoundTrip(Value::UInt(v), u);
    }
    // One past each end; negative unsigned.
    if (c.type != SqlType::kBigInt) {
      ExpectBad(s, std::to_string(c.min - 1));
      ExpectBad(s, std::to_string(c.max + 1));
      ExpectBad(u, std::to_string(c.umax + 1));
    }
    ExpectBad(u, "-1");
  }
  ExpectBad(Type(SqlType::kBigInt), "-9223372036854775809");
  ExpectBad(Type(SqlType::kBigInt), "9223372036854775808");
  ExpectBad(Type(SqlType::kBigInt, true), "18446744073709551616");
  ExpectBad(Type(SqlType::kBigInt, true), "99999999999999999999");
  // BIGINT UNSIGNED's maximum is a UInt, not a wrapped Int.
  Value v;
  std::string scratch;
  ASSERT_TRUE(
      ParseRenderedText(Type(SqlType::kBigInt, true), "18446744073709551615", {}, &v, &scratch)
          .ok());
  EXPECT_EQ(v.kind(), Value::Kind::kUInt);
  EXPECT_EQ(v.uint_value(), std::numeric_limits<uint64_t>::max());
}

TEST(ParseRenderedTextTest, IntegerTextMustBeCanonical) {
  for (ColumnType t : {Type(SqlType::kInt), Type(SqlType::kInt, true), Type(SqlType::kBigInt)}) {
    for (const char* bad :
         {"", "-", "+1", "01", "00", "-0", "-01", " 1", "1 ", "1.0", "1e3", "0x1", "1,000", "١"}) {
      ExpectBad(t, bad);
    }
  }
}

TEST(ParseRenderedTextTest, YearIsFourDigits) {
  ColumnType y = Type(SqlType::kYear);
  for (int64_t v : {0, 1901, 1970, 2024, 2155}) ExpectRoundTrip(Value::Int(v), y);
  EXPECT_EQ(Render(Value::Int(0), y), "0000");
  for (const char* bad : {"0", "00", "000", "20245", "-001", "+999", "199 ", "abcd", ""}) {
    ExpectBad(y, bad);
  }
}

TEST(ParseRenderedTextTest, DecimalOfEveryPrecisionAndScale) {
  // Every (precision, scale) with values at both ends and in between, as the server prints them.
  for (int p = 1; p <= 65; ++p) {
    for (int s = 0; s <= std::min(p, 30); ++s) {
      ColumnType t = Dec(p, s);
      std::string int_nines(p - s, '9');
      std::string frac_nines(s, '9');
      std::string max = (int_nines.empty() ? "0" : int_nines) + (s ? "." + frac_nines : "");
      std::string zero = "0" + (s ? "." + std::string(s, '0') : std::string());
      std::string one_ulp = s ? "0." + std::string(s - 1, '0') + "1" : "1";
      for (const std::string& text : {max, "-" + max, zero, one_ulp, "-" + one_ulp}) {
        std::string scratch;
        Value v;
        ASSERT_TRUE(ParseRenderedText(t, text, {}, &v, &scratch).ok())
            << RenderedTypeLabel(t, {}) << " " << text;
        EXPECT_EQ(v.kind(), Value::Kind::kDecimal);
        EXPECT_EQ(v.text().data(), text.data());  // a view of the text, no copy
        EXPECT_EQ(Render(v, t), text);
      }
      // One digit too many before the point (except DECIMAL(p,p), whose integer part is "0").
      if (p > s) ExpectBad(t, "1" + int_nines + (s ? "." + frac_nines : ""));
      if (s > 0) {
        ExpectBad(t, "0." + std::string(s + 1, '0'));                // too many fraction digits
        ExpectBad(t, s > 1 ? "0." + std::string(s - 1, '0') : "0");  // too few
      } else {
        ExpectBad(t, "0.0");
      }
    }
  }
  ColumnType d52 = Dec(5, 2);
  for (const char* bad : {"", "-", ".50", "0.", "-.5", "00.50", "01.00", "+1.00", "1,00", "1.00 ",
                          " 1.00", "1e2", "1.0a", "--1.00", "1..00", "NaN"}) {
    ExpectBad(d52, bad);
  }
  // Precision unknown (0): any plain decimal, not checked against digit counts.
  ExpectRoundTrip(Value::Decimal("-123.456789"), Dec(0, 0));
  ExpectRoundTrip(Value::Decimal(std::string(80, '9')), Dec(0, 0));
  ExpectBad(Dec(0, 0), "12a");
}

TEST(ParseRenderedTextTest, FloatAndDoubleShortestText) {
  using F = std::numeric_limits<float>;
  using D = std::numeric_limits<double>;
  ColumnType f = Type(SqlType::kFloat), d = Type(SqlType::kDouble);
  for (float v : {0.0f, -0.0f, 0.1f, 1.5f, 3.14f, -1.17549435e-38f, F::max(), F::lowest(), F::min(),
                  F::denorm_min(), -F::denorm_min(), 16777216.0f, 1e-10f, F::infinity(),
                  -F::infinity(), F::quiet_NaN()}) {
    ExpectRoundTrip(Value::Float(v), f);
  }
  for (double v :
       {0.0, -0.0, 0.1, 0.1 + 0.2, 123456789.0, -1e-300, 1e300, D::max(), D::lowest(), D::min(),
        D::denorm_min(), -2.2250738585072014e-308, D::infinity(), -D::infinity(), D::quiet_NaN()}) {
    ExpectRoundTrip(Value::Double(v), d);
  }
  // A FLOAT text is the float's shortest text, not the double's text of the same number.
  ExpectBad(f, "0.10000000149011612");
  for (const char* bad : {"", "-", "+1", "1E5", "1e5", "1.0", "01", "0.10", ".1", "1e39", "1e-50",
                          "infinity", "NaN", "nan(1)", " 1", "1 ", "0x1p3", "1,5"}) {
    ExpectBad(f, bad);
  }
  for (const char* bad : {"", "1e400", "1.0", "0.1000", "1E+300", "1e300", "inf ", "-"}) {
    ExpectBad(d, bad);
  }
  // Negative zero stays negative.
  Value v;
  std::string scratch;
  ASSERT_TRUE(ParseRenderedText(d, "-0", {}, &v, &scratch).ok());
  EXPECT_TRUE(std::signbit(v.double_value()));
}

TEST(ParseRenderedTextTest, BitWithinItsWidth) {
  ExpectRoundTrip(Value::Bit(0), Bit(1));
  ExpectRoundTrip(Value::Bit(1), Bit(1));
  ExpectBad(Bit(1), "2");
  ExpectRoundTrip(Value::Bit(4), Bit(3));  // rust_mysql_common mysql_type_bit: BIT(3) b'100'
  ExpectBad(Bit(3), "8");
  ExpectRoundTrip(Value::Bit(0x20), Bit(8));
  ExpectRoundTrip(Value::Bit(std::numeric_limits<uint64_t>::max()), Bit(64));
  ExpectRoundTrip(Value::Bit(0x8000000000000001ull), Bit(0));  // width unknown
  ExpectBad(Bit(64), "18446744073709551616");
  for (const char* bad : {"", "-1", "01", "b'1'", "0x1", "1 "}) ExpectBad(Bit(8), bad);
}

TEST(ParseRenderedTextTest, DatesAsRenderedIncludingZeroDates) {
  ColumnType t = Type(SqlType::kDate);
  for (auto [y, m, d] : {std::tuple{1000, 1, 1},
                         {9999, 12, 31},
                         {1970, 1, 1},
                         {0, 0, 0},
                         {2020, 2, 0},
                         {2020, 0, 10},
                         {2024, 2, 29},
                         {2021, 2, 30}}) {
    ExpectRoundTrip(Value::Date(y, m, d), t);
  }
  for (const char* bad :
       {"", "2020-13-01", "2020-01-32", "2020-1-01", "20200101", "2020/01/01",
        "2020-01-01 00:00:00", "2020-01-01 ", "-2020-01-01", "02020-01-01", "2020-01-0a"}) {
    ExpectBad(t, bad);
  }
}

TEST(ParseRenderedTextTest, DateTimeAndTimestampWithEveryPrecision) {
  for (SqlType st : {SqlType::kDateTime, SqlType::kTimestamp}) {
    for (uint8_t fsp = 0; fsp <= 6; ++fsp) {
      ColumnType t = Fsp(st, fsp);
      uint32_t unit = 1;
      for (int k = fsp; k < 6; ++k) unit *= 10;
      for (DateTimeParts p :
           {DateTimeParts{1000, 1, 1, 0, 0, 0, 0},
            DateTimeParts{9999, 12, 31, 23, 59, 59, 999999 / unit * unit},
            DateTimeParts{0, 0, 0, 0, 0, 0, 0}, DateTimeParts{2020, 0, 0, 1, 2, 3, 0},
            DateTimeParts{1970, 1, 1, 0, 0, 0, fsp ? unit : 0}}) {
        ExpectRoundTrip(st == SqlType::kTimestamp ? Value::Timestamp(p) : Value::DateTime(p), t);
      }
      std::string frac = fsp ? "." + std::string(fsp, '0') : "";
      ExpectBad(t, "2024-01-01 24:00:00" + frac);
      ExpectBad(t, "2024-01-01 23:60:00" + frac);
      ExpectBad(t, "2024-01-01 23:00:60" + frac);
      ExpectBad(t, "2024-13-01 00:00:00" + frac);
      ExpectBad(t, "2024-01-01T00:00:00" + frac);
      ExpectBad(t, "2024-01-01 00:00:00" + frac + "0");  // one fraction digit too many
      ExpectBad(t, "2024-01-01");
      if (fsp > 0) {
        ExpectBad(t, "2024-01-01 00:00:00");  // the fraction is always written
        ExpectBad(t, "2024-01-01 00:00:00." + std::string(fsp - 1, '0'));
        ExpectBad(t, "2024-01-01 00:00:00." + std::string(fsp - 1, '0') + "x");
      } else {
        ExpectBad(t, "2024-01-01 00:00:00.");
      }
    }
  }
  // fsp above 6 is written as 6 (render_text clamps).
  ExpectRoundTrip(Value::DateTime(DateTimeParts{2024, 2, 29, 12, 0, 0, 123456}),
                  Fsp(SqlType::kDateTime, 9));
}

TEST(ParseRenderedTextTest, TimeWithSignHundredsOfHoursAndPrecision) {
  for (uint8_t fsp = 0; fsp <= 6; ++fsp) {
    ColumnType t = Fsp(SqlType::kTime, fsp);
    uint32_t unit = 1;
    for (int k = fsp; k < 6; ++k) unit *= 10;
    for (TimeParts p :
         {TimeParts{true, 838, 59, 59, 0}, TimeParts{false, 838, 59, 59, 0},
          TimeParts{false, 0, 0, 0, 0}, TimeParts{true, 0, 0, 0, fsp ? unit : 0},
          TimeParts{false, 99, 0, 0, 0}, TimeParts{false, 100, 0, 0, 0},
          TimeParts{true, 507, 48, 27, 0}, TimeParts{false, 1, 2, 3, 999999 / unit * unit}}) {
      ExpectRoundTrip(Value::Time(p), t);
    }
    std::string frac = fsp ? "." + std::string(fsp, '0') : "";
    for (std::string bad :
         {"839:00:00", "-839:00:00", "099:00:00", "1:00:00", "0100:00:00", "12:60:00", "12:00:60",
          "12:00", "--12:00:00", "+12:00:00", "12:0:00", "12:00:00:00", "12-00-00", "1000:00:00"}) {
      ExpectBad(t, bad + frac);
    }
    ExpectBad(t, "12:00:00" + frac + "0");
    ExpectBad(t, "");
    ExpectBad(t, "-");
  }
}

TEST(ParseRenderedTextTest, StringsAreTheTextItself) {
  for (SqlType st :
       {SqlType::kChar, SqlType::kVarChar, SqlType::kText, SqlType::kEnum, SqlType::kSet}) {
    ColumnType t = Type(st);
    for (std::string text : {std::string(), std::string("abc"), std::string("a'b\"c,d\ne\r\\"),
                             std::string("\xf0\x9f\x98\x80"), std::string("\xff\xfe not utf-8", 13),
                             std::string("\0nul", 4), std::string(5000, 'L')}) {
      Value v;
      std::string scratch = "untouched";
      ASSERT_TRUE(ParseRenderedText(t, text, {}, &v, &scratch).ok());
      EXPECT_EQ(v.kind(), Value::Kind::kString);
      EXPECT_EQ(v.text().data(), text.data());
      EXPECT_EQ(v.text().size(), text.size());
      EXPECT_EQ(scratch, "untouched");
      EXPECT_EQ(Render(v, t), text);
    }
  }
  // ENUM/SET: the labels come back as the full load reads them (String), which renders like the
  // binlog's index/bitmask.
  ColumnType e = Type(SqlType::kEnum);
  e.elements = {"var1", "variant2", "foo"};  // rust_mysql_common mysql-enum-string-set
  ColumnType s = Type(SqlType::kSet);
  s.elements = {"one", "two", "three", "four"};
  for (auto [value, type] : {std::pair{Value::EnumIndex(2), &e}, std::pair{Value::EnumIndex(0), &e},
                             std::pair{Value::SetBits(5), &s}, std::pair{Value::SetBits(10), &s},
                             std::pair{Value::SetBits(0), &s}}) {
    std::string text = Render(value, *type);
    Value v;
    std::string scratch;
    ASSERT_TRUE(ParseRenderedText(*type, text, {}, &v, &scratch).ok());
    EXPECT_EQ(v.kind(), Value::Kind::kString);
    EXPECT_EQ(Render(v, *type), text);
  }
}

TEST(ParseRenderedTextTest, JsonIsTheCompactText) {
  ColumnType t = Type(SqlType::kJson);
  for (const char* doc : {"{\"b\": 1, \"a\": [1, 2.5, \"\xc3\xa9\"]}", "null", "\"str\"", "[]",
                          "18446744073709551615", "{\"a\":{\"b\":{\"c\":\"d\"}}}"}) {
    std::string text = Render(Value::Json(doc), t);
    Value v;
    std::string scratch;
    ASSERT_TRUE(ParseRenderedText(t, text, {}, &v, &scratch).ok());
    EXPECT_EQ(v.kind(), Value::Kind::kJson);
    EXPECT_EQ(v.text().data(), text.data());
    EXPECT_EQ(Render(v, t), text);
  }
}

TEST(ParseRenderedTextTest, BinaryHexAndBase64) {
  std::vector<std::string> values = {std::string(),
                                     std::string("\0", 1),
                                     std::string("\xff"),
                                     std::string("\x00\xff\x10\x80", 4),
                                     "ab",
                                     "abc",
                                     "abcd",
                                     "abcde"};
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  values.push_back(all);
  ColumnType binary_varchar = Type(SqlType::kVarChar);
  binary_varchar.collation_id = kBinaryCollationId;
  for (SqlType st : {SqlType::kBinary, SqlType::kVarBinary, SqlType::kBlob, SqlType::kGeometry}) {
    for (const ColumnType& t : {Type(st), binary_varchar}) {
      for (const RenderOptions& o : {RenderOptions{}, Base64()}) {
        for (const std::string& b : values) ExpectRoundTrip(Value::Bytes(b), t, o);
      }
    }
  }
  ColumnType blob = Type(SqlType::kBlob);
  for (const char* bad : {"0", "abc", "0G", "AB", "Ab", "0x00", "00 ", " 00", "0-"}) {
    ExpectBad(blob, bad);
  }
  for (const char* bad : {"Q", "QQ", "QQ=", "QR==", "QUJ=", "Q===", "====", "QQ==QQ==", "QUJD\n",
                          "QU JD", "QUJD=", "QUJ-", "QUJ_", "=QUJ"}) {
    ExpectBad(blob, bad, Base64());
  }
  // Each text in its own encoding only.
  ExpectBad(blob, "QUJD");  // base64 of "ABC" is not hex
  ExpectBad(blob, "0", Base64());
}

TEST(ParseRenderedTextTest, VectorIsAFloatList) {
  ColumnType t = Type(SqlType::kVector);
  // rust_mysql_common vector.binlog, dtb.foo rows 1 and 2 (float32 little-endian).
  for (std::vector<float> v :
       {std::vector<float>{1.1f, 2.2f, 3.3f}, std::vector<float>{1, -1, 0}, std::vector<float>{},
        std::vector<float>{-0.0f}, std::vector<float>{std::numeric_limits<float>::max()}}) {
    std::string bytes(reinterpret_cast<const char*>(v.data()), v.size() * 4);
    ExpectRoundTrip(Value::Bytes(bytes), t);
    ExpectRoundTrip(Value::Bytes(bytes), t, Base64());  // VECTOR text ignores the encoding
  }
  EXPECT_EQ(
      Render(Value::Bytes(std::string("\xcd\xcc\x8c\x3f\xcd\xcc\x0c\x40\x33\x33\x53\x40", 12)), t),
      "[1.1,2.2,3.3]");
  for (const char* bad :
       {"", "[", "]", "[1,]", "[,1]", "[1,,2]", "1,2", "[1 ,2]", "[ 1]", "[0.1000]", "[1e39]",
        "[1][2]", "(1,2)", "[1,2", "[0.10000000149011612]"}) {
    ExpectBad(t, bad);
  }
}

TEST(ParseRenderedTextTest, BytesViewTheScratchWhichIsReused) {
  ColumnType t = Type(SqlType::kVarBinary);
  std::string scratch;
  Value a;
  ASSERT_TRUE(ParseRenderedText(t, "616263", {}, &a, &scratch).ok());
  EXPECT_EQ(a.text(), "abc");
  EXPECT_EQ(a.text().data(), scratch.data());
  // A second scratch keeps the first value alive; the same scratch overwrites it.
  std::string scratch2;
  Value b;
  ASSERT_TRUE(ParseRenderedText(t, "7879", {}, &b, &scratch2).ok());
  EXPECT_EQ(a.text(), "abc");
  EXPECT_EQ(b.text(), "xy");
  OwnedValue kept(a);
  ASSERT_TRUE(ParseRenderedText(t, "7a7a7a", {}, &a, &scratch).ok());
  EXPECT_EQ(a.text(), "zzz");
  EXPECT_EQ(kept.value().text(), "abc");
}

TEST(ParseRenderedTextTest, ErrorsAreOneLineWithTypeAndExcerpt) {
  Value v;
  std::string scratch;
  Status st =
      ParseRenderedText(Fsp(SqlType::kDateTime, 6), "2024-13-01 00:00:00.000000", {}, &v, &scratch);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("DATETIME(6)"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'2024-13-01 00:00:00.000000'"), std::string::npos) << st.message();

  std::string long_text = "line1\nline2\r\x01\xff" + std::string(1000, 'x');
  st = ParseRenderedText(Type(SqlType::kInt, true), long_text, {}, &v, &scratch);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("INT UNSIGNED"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("line1\\x0aline2\\x0d\\x01\\xff"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("..."), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
  EXPECT_LT(st.message().size(), 200u) << st.message();

  st = ParseRenderedText(Dec(10, 2), "1.5", {}, &v, &scratch);
  EXPECT_NE(st.message().find("DECIMAL(10,2)"), std::string::npos) << st.message();
  st = ParseRenderedText(Type(SqlType::kBlob), "zz", Base64(), &v, &scratch);
  EXPECT_NE(st.message().find("BLOB (base64)"), std::string::npos) << st.message();
  ColumnType unknown = Type(static_cast<SqlType>(200));
  st = ParseRenderedText(unknown, "1", {}, &v, &scratch);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
}

// Many random values of every fixed-format type: render -> parse gives the value back.
TEST(ParseRenderedTextTest, RandomValuesRoundTrip) {
  std::mt19937_64 rng(20240229);
  auto u = [&](uint64_t n) { return n ? rng() % n : rng(); };
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    ExpectRoundTrip(Value::Int(static_cast<int64_t>(bits)), Type(SqlType::kBigInt));
    ExpectRoundTrip(Value::UInt(bits), Type(SqlType::kBigInt, true));
    ExpectRoundTrip(Value::Bit(bits), Bit(64));
    double d;
    std::memcpy(&d, &bits, 8);
    ExpectRoundTrip(Value::Double(d), Type(SqlType::kDouble));
    float f;
    uint32_t b32 = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b32, 4);
    if (!std::isnan(f)) ExpectRoundTrip(Value::Float(f), Type(SqlType::kFloat));
    uint8_t fsp = static_cast<uint8_t>(u(7));
    uint32_t unit = 1;
    for (int k = fsp; k < 6; ++k) unit *= 10;
    DateTimeParts p{static_cast<uint16_t>(u(10000)),
                    static_cast<uint8_t>(u(13)),
                    static_cast<uint8_t>(u(32)),
                    static_cast<uint8_t>(u(24)),
                    static_cast<uint8_t>(u(60)),
                    static_cast<uint8_t>(u(60)),
                    static_cast<uint32_t>(u(1000000)) / unit * unit};
    ExpectRoundTrip(Value::DateTime(p), Fsp(SqlType::kDateTime, fsp));
    ExpectRoundTrip(Value::Timestamp(p), Fsp(SqlType::kTimestamp, fsp));
    ExpectRoundTrip(Value::Date(p.year, p.month, p.day), Type(SqlType::kDate));
    TimeParts t{u(2) == 1, static_cast<uint32_t>(u(839)), p.minute, p.second, p.micros};
    ExpectRoundTrip(Value::Time(t), Fsp(SqlType::kTime, fsp));
    std::string bytes(u(40), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ExpectRoundTrip(Value::Bytes(bytes), Type(SqlType::kBlob));
    ExpectRoundTrip(Value::Bytes(bytes), Type(SqlType::kBlob), Base64());
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace binlake
