#include "lake/row_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace binlake {
namespace {

ColumnType KeyColumnType(SqlType t, bool is_unsigned = false) {
  ColumnType c;
  c.type = t;
  c.is_unsigned = is_unsigned;
  return c;
}

std::string Key(const KeyEncoder& enc, std::vector<std::optional<std::string>> fields) {
  std::string key;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::optional<std::string_view> v;
    if (fields[i]) v = *fields[i];
    Status s = enc.Append(i, v, &key);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return key;
}

// Each list is in ascending order; the keys must sort the same way, and equal values (differently
// written decimals) must give equal keys.
void ExpectAscending(const ColumnType& type, const std::vector<std::string>& values) {
  KeyEncoder enc({type}, false);
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(Key(enc, {values[i]}), Key(enc, {values[i + 1]}))
        << values[i] << " < " << values[i + 1];
  }
}

TEST(RowKeyTest, NumbersSortByValue) {
  ExpectAscending(KeyColumnType(SqlType::kBigInt),
                  {"-9223372036854775808", "-10", "-9", "0", "9", "10", "9223372036854775807"});
  ExpectAscending(KeyColumnType(SqlType::kBigInt, true), {"0", "9", "10", "18446744073709551615"});
  ExpectAscending(KeyColumnType(SqlType::kDecimal),
                  {"-100.5", "-10", "-9.99", "-9.5", "-0.25", "0", "0.001", "0.25", "1.5", "9",
                   "10", "99999999999999999999999999999.5"});
  ExpectAscending(KeyColumnType(SqlType::kDouble),
                  {"-1e+20", "-1.5", "0", "1e-05", "9.5", "1e+20"});
  ExpectAscending(KeyColumnType(SqlType::kVarChar), {"", "10", "9", "a", "ab", "b"});  // bytes
  KeyEncoder dec({KeyColumnType(SqlType::kDecimal)}, false);
  EXPECT_EQ(Key(dec, {"1.50"}), Key(dec, {"1.5"}));
  EXPECT_EQ(Key(dec, {"-0.00"}), Key(dec, {"0"}));
}

TEST(RowKeyTest, CompositeKeysCompareColumnByColumn) {
  KeyEncoder enc({KeyColumnType(SqlType::kVarChar), KeyColumnType(SqlType::kInt)}, false);
  // "a" + 10 < "a" + 9 would be wrong; "a" < "ab" whatever follows.
  EXPECT_LT(Key(enc, {"a", "9"}), Key(enc, {"a", "10"}));
  EXPECT_LT(Key(enc, {"a", "99"}), Key(enc, {"ab", "1"}));
  EXPECT_LT(Key(enc, {std::string("a\0", 2), "1"}), Key(enc, {"a\x01", "1"}));
  EXPECT_LT(Key(enc, {"a", "1"}), Key(enc, {std::string("a\0", 2), "0"}));
}

TEST(RowKeyTest, NullsSortFirstWithoutAPrimaryKeyAndAreRefusedInOne) {
  KeyEncoder multiset({KeyColumnType(SqlType::kInt), KeyColumnType(SqlType::kVarChar)}, true);
  EXPECT_LT(Key(multiset, {std::nullopt, "z"}), Key(multiset, {"-5", std::nullopt}));
  EXPECT_LT(Key(multiset, {"1", std::nullopt}), Key(multiset, {"1", ""}));
  KeyEncoder pk({KeyColumnType(SqlType::kInt)}, false);
  std::string key;
  EXPECT_EQ(pk.Append(0, std::nullopt, &key).code(), StatusCode::kCorruption);
  EXPECT_EQ(pk.Append(0, std::string_view("12x"), &key).code(), StatusCode::kCorruption);
}

TEST(RowKeyTest, RandomIntegersSortLikeTheirValues) {
  std::mt19937_64 rng(7);
  KeyEncoder enc({KeyColumnType(SqlType::kBigInt), KeyColumnType(SqlType::kDecimal)}, false);
  std::vector<std::pair<std::pair<int64_t, int64_t>, std::string>> rows;
  for (int i = 0; i < 2000; ++i) {
    const int64_t a = static_cast<int64_t>(rng() % 200) - 100;
    const int64_t b = static_cast<int64_t>(rng());
    rows.push_back({{a, b}, Key(enc, {std::to_string(a), std::to_string(b)})});
  }
  auto by_key = rows;
  std::sort(rows.begin(), rows.end(), [](auto& x, auto& y) { return x.first < y.first; });
  std::sort(by_key.begin(), by_key.end(), [](auto& x, auto& y) { return x.second < y.second; });
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].first, by_key[i].first);
}

}  // namespace
}  // namespace binlake
