#include "source/text_value.h"

#include <gtest/gtest.h>

#include "common/render_text.h"

namespace binlake {
namespace {

std::string RoundTrip(std::string_view text, ColumnType t) {
  Value v;
  Status s = ParseTextValue(text, t, &v);
  if (!s.ok()) return "ERROR: " + s.message();
  std::string out;
  AppendValueText(v, t, RenderOptions{}, &out);
  return out;
}

ColumnType T(SqlType type, uint8_t fsp = 0, bool is_unsigned = false) {
  ColumnType t;
  t.type = type;
  t.fsp = fsp;
  t.is_unsigned = is_unsigned;
  return t;
}

TEST(TextValueTest, ServerTextRendersIdentically) {
  EXPECT_EQ(RoundTrip("-9223372036854775808", T(SqlType::kBigInt)), "-9223372036854775808");
  EXPECT_EQ(RoundTrip("18446744073709551615", T(SqlType::kBigInt, 0, true)),
            "18446744073709551615");
  EXPECT_EQ(RoundTrip("-0.500000000000000000000000000000", T(SqlType::kDecimal)),
            "-0.500000000000000000000000000000");
  EXPECT_EQ(RoundTrip("2020-01-01 00:00:00.12", T(SqlType::kTimestamp, 2)),
            "2020-01-01 00:00:00.12");
  EXPECT_EQ(RoundTrip("0000-00-00 00:00:00", T(SqlType::kDateTime)), "0000-00-00 00:00:00");
  EXPECT_EQ(RoundTrip("0000-00-00", T(SqlType::kDate)), "0000-00-00");
  EXPECT_EQ(RoundTrip("-838:59:59.500", T(SqlType::kTime, 3)), "-838:59:59.500");
  EXPECT_EQ(RoundTrip("12:00:00", T(SqlType::kTime)), "12:00:00");
  EXPECT_EQ(RoundTrip("0000", T(SqlType::kYear, 0, true)), "0000");
  EXPECT_EQ(RoundTrip(std::string_view("\x00\x0a", 2), T(SqlType::kBit)), "10");
}

TEST(TextValueTest, FloatComesBackExactly) {
  // 16777217 stored in a FLOAT is 16777216; the server prints `col + 0e0` as 16777216.
  EXPECT_EQ(RoundTrip("16777216", T(SqlType::kFloat)), "16777216");
  // 3.14f widened to double prints as 3.140000104904175; narrowing gives back 3.14f.
  EXPECT_EQ(RoundTrip("3.140000104904175", T(SqlType::kFloat)), "3.14");
  EXPECT_EQ(RoundTrip("0.30000000000000004", T(SqlType::kDouble)), "0.30000000000000004");
  EXPECT_EQ(RoundTrip("-0", T(SqlType::kDouble)), "-0");
  EXPECT_EQ(RoundTrip("1e300", T(SqlType::kDouble)), "1e+300");
}

TEST(TextValueTest, RejectsGarbage) {
  Value v;
  EXPECT_FALSE(ParseTextValue("12x", T(SqlType::kInt), &v).ok());
  EXPECT_FALSE(ParseTextValue("2020-1-01", T(SqlType::kDate), &v).ok());
  EXPECT_FALSE(ParseTextValue("12:00", T(SqlType::kTime), &v).ok());
  EXPECT_FALSE(ParseTextValue("2020-01-01 00:00:00.1234567", T(SqlType::kDateTime), &v).ok());
}

TEST(TextValueTest, FloatSelectedAsDouble) {
  Column c;
  c.name = "f`x";
  c.type = T(SqlType::kFloat);
  EXPECT_EQ(SnapshotSelectExpression(c), "(`f``x` + 0e0)");
  c.type = T(SqlType::kInt);
  EXPECT_EQ(SnapshotSelectExpression(c), "`f``x`");
}

}  // namespace
}  // namespace binlake
