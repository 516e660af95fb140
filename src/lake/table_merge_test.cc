#include "lake/table_merge.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TableSchema Schema(std::vector<int> key) {
  TableSchema s;
  s.schema = "db";
  s.table = "t";
  Column id;
  id.name = "id";
  id.type.type = SqlType::kBigInt;
  Column name;
  name.name = "name";
  name.type.type = SqlType::kVarChar;
  s.columns = {id, name};
  s.primary_key = std::move(key);
  return s;
}

CsvRecord Row(std::optional<std::string> a, std::optional<std::string> b) { return {a, b}; }

TEST(TableMergeTest, ChangesApplyByKeyAndTheResultIsSortedByValue) {
  TableMerge m(Schema({0}));
  ASSERT_TRUE(m.Load(Row("10", "ten")).ok());
  ASSERT_TRUE(m.Load(Row("9", "nine")).ok());
  ASSERT_TRUE(m.Load(Row("-3", "minus three")).ok());
  ASSERT_TRUE(m.Apply('U', Row("9", "NINE")).ok());
  ASSERT_TRUE(m.Apply('D', Row("10", "ten")).ok());
  ASSERT_TRUE(m.Apply('I', Row("100", std::nullopt)).ok());
  // A key change as CDC writes it: the old row deleted, the new one inserted.
  ASSERT_TRUE(m.Apply('D', Row("-3", "minus three")).ok());
  ASSERT_TRUE(m.Apply('I', Row("20", "minus three")).ok());
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.inconsistencies(), 0u);
  EXPECT_EQ(m.TakeSortedRows(), (std::vector<CsvRecord>{Row("9", "NINE"), Row("20", "minus three"),
                                                        Row("100", std::nullopt)}));
  EXPECT_EQ(m.size(), 0u);
}

TEST(TableMergeTest, ChangesThatDoNotFitAreCounted) {
  TableMerge m(Schema({0}));
  ASSERT_TRUE(m.Load(Row("1", "a")).ok());
  ASSERT_TRUE(m.Apply('I', Row("1", "b")).ok());  // the key is there
  ASSERT_TRUE(m.Apply('U', Row("2", "c")).ok());  // it is not
  ASSERT_TRUE(m.Apply('D', Row("3", "d")).ok());  // nor here
  EXPECT_EQ(m.inconsistencies(), 3u);
  EXPECT_EQ(m.TakeSortedRows(), (std::vector<CsvRecord>{Row("1", "b"), Row("2", "c")}));
  EXPECT_FALSE(m.Apply('X', Row("1", "a")).ok());
  EXPECT_FALSE(m.Apply('I', CsvRecord{"1"}).ok());
}

TEST(TableMergeTest, WithoutAKeyRowsAreAMultiset) {
  TableMerge m(Schema({}));
  ASSERT_TRUE(m.Load(Row("1", "p")).ok());
  ASSERT_TRUE(m.Load(Row("1", "p")).ok());
  ASSERT_TRUE(m.Load(Row("1", std::nullopt)).ok());
  // One of the two equal rows is updated: D + I.
  ASSERT_TRUE(m.Apply('D', Row("1", "p")).ok());
  ASSERT_TRUE(m.Apply('I', Row("1", "q")).ok());
  EXPECT_EQ(m.size(), 3u);
  Status u = m.Apply('U', Row("1", "q"));
  EXPECT_EQ(u.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.TakeSortedRows(),
            (std::vector<CsvRecord>{Row("1", std::nullopt), Row("1", "p"), Row("1", "q")}));
}

TEST(TableMergeTest, NumbersCompareByValueExactly) {
  ColumnType dec;
  dec.type = SqlType::kDecimal;
  EXPECT_LT(CompareFieldText(dec, "9", "10"), 0);
  EXPECT_LT(CompareFieldText(dec, "-10", "-9"), 0);
  EXPECT_LT(CompareFieldText(dec, "-0.5", "0.25"), 0);
  EXPECT_EQ(CompareFieldText(dec, "1.50", "1.5"), 0);
  EXPECT_GT(CompareFieldText(dec, "18446744073709551615", "18446744073709551614"), 0);
  ColumnType text;
  text.type = SqlType::kVarChar;
  EXPECT_GT(CompareFieldText(text, "9", "10"), 0);  // bytes
  ColumnType dbl;
  dbl.type = SqlType::kDouble;
  EXPECT_LT(CompareFieldText(dbl, "9.5", "1e+20"), 0);
}

}  // namespace
}  // namespace binlake
