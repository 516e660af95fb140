#include "validate/table_compare.h"

#include <gtest/gtest.h>

#include <map>

#include "validate/source_rows.h"

namespace binlake {
namespace {

ColumnType Type(SqlType t) {
  ColumnType c;
  c.type = t;
  return c;
}

using Fields = std::vector<std::optional<std::string>>;

// Source rows from a list, keys encoded like the lake's.
class ListRows : public KeyedFields {
 public:
  ListRows(const KeyEncoder& encoder, std::vector<int> key_columns, std::vector<Fields> rows)
      : rows_(std::move(rows)) {
    for (const Fields& r : rows_) {
      std::string key;
      for (size_t k = 0; k < key_columns.size(); ++k) {
        const auto& f = r[static_cast<size_t>(key_columns[k])];
        EXPECT_TRUE(
            encoder.Append(k, f ? std::optional<std::string_view>(*f) : std::nullopt, &key).ok());
      }
      keys_.push_back(key);
    }
  }
  Result<bool> Next() override {
    if (next_ >= rows_.size()) return false;
    fields_.clear();
    for (const auto& f : rows_[next_]) {
      fields_.push_back(f ? std::optional<std::string_view>(*f) : std::nullopt);
    }
    key_ = keys_[next_++];
    return true;
  }
  std::string_view key() const override { return key_; }
  const std::vector<std::optional<std::string_view>>& fields() const override { return fields_; }

 private:
  std::vector<Fields> rows_;
  std::vector<std::string> keys_;
  size_t next_ = 0;
  std::string key_;
  std::vector<std::optional<std::string_view>> fields_;
};

struct Case {
  std::vector<ColumnType> types;
  std::vector<std::string> names;
  std::vector<int> key;  // empty: multiset
};

// Compares `lake` (CSV rows, already in key order) with `source` (any order: sorted here).
TableComparison Compare(const Case& c, const std::vector<std::string>& lake,
                        std::vector<Fields> source, size_t max_samples = 10) {
  const bool multiset = c.key.empty();
  std::vector<int> key = c.key;
  if (multiset) {
    for (size_t i = 0; i < c.types.size(); ++i) key.push_back(static_cast<int>(i));
  }
  std::vector<ColumnType> key_types;
  for (int k : key) key_types.push_back(c.types[static_cast<size_t>(k)]);
  KeyEncoder encoder(key_types, multiset);
  CsvOptions csv;
  CsvFieldScanner scanner(csv);
  auto key_of = [&](const Fields& f) {
    std::string k;
    for (size_t i = 0; i < key.size(); ++i) {
      const auto& v = f[static_cast<size_t>(key[i])];
      EXPECT_TRUE(
          encoder.Append(i, v ? std::optional<std::string_view>(*v) : std::nullopt, &k).ok());
    }
    return k;
  };
  std::stable_sort(source.begin(), source.end(),
                   [&](const Fields& a, const Fields& b) { return key_of(a) < key_of(b); });
  TableComparison out;
  out.schema = "db";
  out.table = "t";
  TableCompare compare(&out, c.names, key, std::vector<bool>(c.names.size(), true), csv,
                       max_samples, [&]() -> Result<std::unique_ptr<KeyedFields>> {
                         return std::unique_ptr<KeyedFields>(new ListRows(encoder, key, source));
                       });
  EXPECT_TRUE(compare.Start().ok());
  for (const std::string& row : lake) {
    std::vector<CsvField> fields;
    std::string_view record;
    size_t consumed;
    EXPECT_TRUE(scanner.Next(row, true, &fields, &record, &consumed).ok());
    Fields f;
    std::string scratch;
    for (const CsvField& x : fields) {
      if (scanner.IsNull(x)) {
        f.push_back(std::nullopt);
      } else {
        f.push_back(std::string(scanner.Text(x, &scratch)));
      }
    }
    EXPECT_TRUE(compare.Row(key_of(f), row).ok());
  }
  EXPECT_TRUE(compare.Finish().ok());
  return out;
}

const Case kKeyed{{Type(SqlType::kInt), Type(SqlType::kVarChar), Type(SqlType::kText)},
                  {"id", "name", "note"},
                  {0}};

TEST(TableCompareTest, EqualRowsAreEqual) {
  TableComparison t = Compare(kKeyed, {"1,a,", "2,\"\",x", "10,c,\"q,\"\"\""},
                              {{"10", "c", "q,\""}, {"1", "a", std::nullopt}, {"2", "", "x"}});
  EXPECT_TRUE(t.equal_all());
  EXPECT_EQ(t.equal, 3u);
  EXPECT_EQ(t.source_rows, 3u);
  EXPECT_EQ(t.lake_rows, 3u);
}

TEST(TableCompareTest, MissingExtraAndDifferentWithTheirKeysAndColumns) {
  TableComparison t = Compare(kKeyed, {"1,a,", "3,c,long tex", "4,d,"},
                              {{"1", "a", ""}, {"2", "b", std::nullopt}, {"3", "c", "long text"}});
  EXPECT_FALSE(t.equal_all());
  EXPECT_EQ(t.equal, 0u);
  EXPECT_EQ(t.different, 2u);  // 1: NULL in the lake, '' in the source; 3: truncated
  EXPECT_EQ(t.missing_in_lake, 1u);
  EXPECT_EQ(t.extra_in_lake, 1u);
  EXPECT_EQ(t.different_columns, (std::map<std::string, uint64_t>{{"note", 2}}));
  ASSERT_EQ(t.samples.size(), 4u);
  EXPECT_EQ(t.samples[0].kind, RowSample::Kind::kDifferent);
  EXPECT_EQ(t.samples[0].key, "id=1");
  EXPECT_EQ(t.samples[0].columns, std::vector<std::string>{"note"});
  EXPECT_EQ(t.samples[0].source[0].second, std::optional<std::string>(""));
  EXPECT_EQ(t.samples[0].lake[0].second, std::nullopt);
  EXPECT_EQ(t.samples[1].kind, RowSample::Kind::kMissingInLake);
  EXPECT_EQ(t.samples[1].key, "id=2");
  EXPECT_EQ(t.samples[2].key, "id=3");
  EXPECT_EQ(t.samples[2].source[0].second, std::optional<std::string>("long text"));
  EXPECT_EQ(t.samples[2].lake[0].second, std::optional<std::string>("long tex"));
  EXPECT_EQ(t.samples[3].kind, RowSample::Kind::kExtraInLake);
  EXPECT_EQ(t.samples[3].key, "id=4");
}

TEST(TableCompareTest, WithoutQuotingAValueEqualToTheNullTextIsNull) {
  // The lake's row "1,,": with Rfc4180=false and an empty CsvNullValue both fields read NULL.
  const KeyEncoder encoder({Type(SqlType::kInt)}, false);
  CsvOptions csv;
  csv.rfc4180 = false;
  std::vector<Fields> source = {{"1", "", std::nullopt}};
  TableComparison out;
  TableCompare compare(&out, kKeyed.names, kKeyed.key, {true, true, true}, csv, 10,
                       [&]() -> Result<std::unique_ptr<KeyedFields>> {
                         return std::unique_ptr<KeyedFields>(new ListRows(encoder, {0}, source));
                       });
  ASSERT_TRUE(compare.Start().ok());
  std::string key;
  ASSERT_TRUE(encoder.Append(0, "1", &key).ok());
  ASSERT_TRUE(compare.Row(key, "1,,").ok());
  ASSERT_TRUE(compare.Finish().ok());
  EXPECT_TRUE(out.equal_all()) << out.different;
}

TEST(TableCompareTest, SamplesAreBoundedCountsAreNot) {
  std::vector<std::string> lake;
  std::vector<Fields> source;
  for (int i = 0; i < 100; ++i) {
    lake.push_back(std::to_string(i) + ",a,");
    source.push_back({std::to_string(i), "b", std::nullopt});
  }
  TableComparison t = Compare(kKeyed, lake, source, 3);
  EXPECT_EQ(t.different, 100u);
  EXPECT_EQ(t.samples.size(), 3u);
}

TEST(TableCompareTest, AMultisetComparesCopies) {
  const Case heap{{Type(SqlType::kInt), Type(SqlType::kVarChar)}, {"v", "w"}, {}};
  // Lake: (1,p) x3, (2,NULL); source: (1,p) x2, (1,q), (2,NULL) x2.
  TableComparison t =
      Compare(heap, {"1,p", "1,p", "1,p", "2,"},
              {{"1", "p"}, {"2", std::nullopt}, {"1", "q"}, {"1", "p"}, {"2", std::nullopt}});
  EXPECT_EQ(t.equal, 3u);
  EXPECT_EQ(t.extra_in_lake, 1u);    // a third (1,p)
  EXPECT_EQ(t.missing_in_lake, 2u);  // (1,q), a second (2,NULL)
  EXPECT_EQ(t.different, 0u);
}

TEST(TableCompareTest, ARestartForgetsTheCountsAndReadsTheSourceAgain) {
  Case c = kKeyed;
  const KeyEncoder encoder({Type(SqlType::kInt)}, false);
  std::vector<Fields> source = {{"1", "a", std::nullopt}};
  int opened = 0;
  TableComparison out;
  TableCompare compare(&out, c.names, c.key, {true, true, true}, CsvOptions(), 10,
                       [&]() -> Result<std::unique_ptr<KeyedFields>> {
                         ++opened;
                         return std::unique_ptr<KeyedFields>(new ListRows(encoder, {0}, source));
                       });
  out.key_columns = {"id"};
  ASSERT_TRUE(compare.Start().ok());
  std::string key;
  ASSERT_TRUE(encoder.Append(0, "1", &key).ok());
  ASSERT_TRUE(compare.Row(key, "1,b,").ok());
  EXPECT_EQ(out.different, 1u);
  ASSERT_TRUE(compare.Restart().ok());
  EXPECT_EQ(out.different, 0u);
  EXPECT_EQ(out.key_columns, std::vector<std::string>{"id"}) << "kept by a restart";
  EXPECT_TRUE(out.differing_keys.empty());
  ASSERT_TRUE(compare.Row(key, "1,a,").ok());
  ASSERT_TRUE(compare.Finish().ok());
  EXPECT_EQ(opened, 2);
  EXPECT_TRUE(out.equal_all());
  EXPECT_EQ(out.source_rows, 1u);
}

TEST(SourceRowsTest, SqlOrderIsKeyOrderOnlyForNumbersAndDates) {
  EXPECT_TRUE(SqlOrderIsKeyOrder({Type(SqlType::kInt), Type(SqlType::kDateTime)}, {}));
  EXPECT_FALSE(SqlOrderIsKeyOrder({Type(SqlType::kInt), Type(SqlType::kVarChar)}, {}));
  EXPECT_FALSE(SqlOrderIsKeyOrder({Type(SqlType::kTime)}, {}));
  EXPECT_FALSE(SqlOrderIsKeyOrder({}, {}));
}

}  // namespace
}  // namespace binlake
