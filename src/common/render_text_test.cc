#include "common/render_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace binlake {
namespace {

std::string Render(const Value& v, const ColumnType& t, RenderOptions o = {}) {
  std::string s;
  AppendValueText(v, t, o, &s);
  return s;
}

ColumnType Type(SqlType st, uint8_t fsp = 0) {
  ColumnType t;
  t.type = st;
  t.fsp = fsp;
  return t;
}

TEST(RenderTextTest, Integers) {
  EXPECT_EQ(Render(Value::Int(std::numeric_limits<int64_t>::min()), Type(SqlType::kBigInt)),
            "-9223372036854775808");
  EXPECT_EQ(Render(Value::UInt(std::numeric_limits<uint64_t>::max()), Type(SqlType::kBigInt)),
            "18446744073709551615");
  EXPECT_EQ(Render(Value::Int(0), Type(SqlType::kYear)), "0000");
  EXPECT_EQ(Render(Value::Int(2155), Type(SqlType::kYear)), "2155");
  EXPECT_EQ(Render(Value::Bit(0x1ff), Type(SqlType::kBit)), "511");
}

TEST(RenderTextTest, FloatingPointIsShortestRoundTrip) {
  EXPECT_EQ(Render(Value::Double(0.1 + 0.2), Type(SqlType::kDouble)), "0.30000000000000004");
  EXPECT_EQ(Render(Value::Float(3.14f), Type(SqlType::kFloat)), "3.14");
  EXPECT_EQ(Render(Value::Double(-0.0), Type(SqlType::kDouble)), "-0");
  EXPECT_EQ(Render(Value::Double(1e300), Type(SqlType::kDouble)), "1e+300");
  EXPECT_EQ(Render(Value::Float(std::numeric_limits<float>::max()), Type(SqlType::kFloat)),
            "3.4028235e+38");
}

TEST(RenderTextTest, Temporal) {
  DateTimeParts p{2024, 2, 29, 23, 59, 58, 123456};
  EXPECT_EQ(Render(Value::DateTime(p), Type(SqlType::kDateTime, 0)), "2024-02-29 23:59:58");
  EXPECT_EQ(Render(Value::DateTime(p), Type(SqlType::kDateTime, 3)), "2024-02-29 23:59:58.123");
  EXPECT_EQ(Render(Value::Timestamp(p), Type(SqlType::kTimestamp, 6)),
            "2024-02-29 23:59:58.123456");
  DateTimeParts zero{};
  EXPECT_EQ(Render(Value::DateTime(zero), Type(SqlType::kDateTime, 1)), "0000-00-00 00:00:00.0");
  EXPECT_EQ(Render(Value::Date(0, 0, 0), Type(SqlType::kDate)), "0000-00-00");
  EXPECT_EQ(Render(Value::Date(9999, 12, 31), Type(SqlType::kDate)), "9999-12-31");
  EXPECT_EQ(Render(Value::Time(TimeParts{true, 838, 59, 59, 0}), Type(SqlType::kTime)),
            "-838:59:59");
  EXPECT_EQ(Render(Value::Time(TimeParts{false, 1, 2, 3, 500000}), Type(SqlType::kTime, 2)),
            "01:02:03.50");
}

TEST(RenderTextTest, EnumAndSetLabels) {
  ColumnType e = Type(SqlType::kEnum);
  e.elements = {"small", "medium", "large"};
  EXPECT_EQ(Render(Value::EnumIndex(2), e), "medium");
  EXPECT_EQ(Render(Value::EnumIndex(0), e), "");
  EXPECT_EQ(Render(Value::EnumIndex(9), e), "9");
  ColumnType s = Type(SqlType::kSet);
  s.elements = {"a", "b", "c"};
  EXPECT_EQ(Render(Value::SetBits(0b101), s), "a,c");
  EXPECT_EQ(Render(Value::SetBits(0), s), "");
}

TEST(RenderTextTest, BinaryHexAndBase64) {
  std::string bytes("\x00\xff,\"\n", 5);
  EXPECT_EQ(Render(Value::Bytes(bytes), Type(SqlType::kBlob)), "00ff2c220a");
  RenderOptions b64;
  b64.binary_encoding = BinaryEncoding::kBase64;
  EXPECT_EQ(Render(Value::Bytes("foobar"), Type(SqlType::kBlob), b64), "Zm9vYmFy");
  EXPECT_EQ(Render(Value::Bytes("fooba"), Type(SqlType::kBlob), b64), "Zm9vYmE=");
  EXPECT_EQ(Render(Value::Bytes("f"), Type(SqlType::kBlob), b64), "Zg==");
}

TEST(RenderTextTest, JsonIsCompact) {
  EXPECT_EQ(Render(Value::Json(R"( {"b": [1, 2.50, "x"], "a" : null} )"), Type(SqlType::kJson)),
            R"({"b":[1,2.5,"x"],"a":null})");
  EXPECT_EQ(Render(Value::Json("not json"), Type(SqlType::kJson)), "not json");
}

TEST(RenderTextTest, Vector) {
  float f[2] = {1.0f, -2.5f};
  EXPECT_EQ(
      Render(Value::Bytes(std::string_view(reinterpret_cast<char*>(f), 8)), Type(SqlType::kVector)),
      "[1,-2.5]");
}

}  // namespace
}  // namespace binlake
