// The merge of LOAD + CDC (lake/merge_join.h) over rows keyed by lake/row_key.h and changes
// sorted by lake/change_store.h, spilled or not.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "lake/change_store.h"
#include "lake/merge_join.h"
#include "lake/row_key.h"

namespace binlake {
namespace {

ColumnType Type(SqlType t, bool is_unsigned = false) {
  ColumnType c;
  c.type = t;
  c.is_unsigned = is_unsigned;
  return c;
}

// Rows are "key|value" texts; the key is the first field (or the whole row for a multiset).
std::string KeyOf(const KeyEncoder& enc, std::string_view row, bool multiset) {
  std::string key;
  if (multiset) {
    const size_t bar = row.find('|');
    std::string_view a = row.substr(0, bar), b = row.substr(bar + 1);
    EXPECT_TRUE(enc.Append(0, a == "N" ? std::nullopt : std::optional(a), &key).ok());
    EXPECT_TRUE(enc.Append(1, b == "N" ? std::nullopt : std::optional(b), &key).ok());
  } else {
    EXPECT_TRUE(enc.Append(0, row.substr(0, row.find('|')), &key).ok());
  }
  return key;
}

class VectorRows : public SortedRows {
 public:
  VectorRows(std::vector<std::pair<std::string, std::string>> rows) : rows_(std::move(rows)) {}
  Result<bool> Next() override { return ++at_ <= rows_.size(); }
  std::string_view key() const override { return rows_[at_ - 1].first; }
  std::string_view row() const override { return rows_[at_ - 1].second; }
  std::string where() const override { return "vector"; }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
  size_t at_ = 0;
};

class VectorSink : public RowSink {
 public:
  Status Row(std::string_view key, std::string_view row) override {
    rows.emplace_back(row);
    keys.emplace_back(key);
    return Status::Ok();
  }
  std::vector<std::string> rows;
  std::vector<std::string> keys;
};

struct Merged {
  Status status;
  std::vector<std::string> rows;
  MergeStats stats;
};

// base: rows in the order given; changes: (op, row).
Merged Merge(const KeyEncoder& enc, bool multiset, const std::vector<std::string>& base,
             const std::vector<std::pair<char, std::string>>& changes,
             uint64_t memory = 64ull << 20) {
  ChangeStore store({memory, "/tmp"});
  for (const auto& [op, row] : changes) {
    EXPECT_TRUE(store.Add(op, KeyOf(enc, row, multiset), row).ok());
  }
  auto cursor = store.Finish();
  EXPECT_TRUE(cursor.ok());
  ChangeQueue queue(cursor->get());
  EXPECT_TRUE(queue.Start().ok());
  std::vector<std::pair<std::string, std::string>> keyed;
  for (const std::string& r : base) keyed.emplace_back(KeyOf(enc, r, multiset), r);
  VectorRows rows(std::move(keyed));
  VectorSink sink;
  Merged m;
  m.status = MergeJoin(&rows, &queue, false, {}, multiset, &sink, &m.stats);
  m.rows = sink.rows;
  return m;
}

TEST(MergeTest, ChangesApplyByKeyAndTheResultIsSortedByValue) {
  KeyEncoder enc({Type(SqlType::kBigInt)}, false);
  Merged m = Merge(enc, false, {"-3|minus three", "9|nine", "10|ten"},
                   {{'U', "9|NINE"},
                    {'D', "10|ten"},
                    {'I', "100|"},
                    // A key change as CDC writes it: the old row deleted, the new one inserted.
                    {'D', "-3|minus three"},
                    {'I', "20|minus three"}});
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_EQ(m.stats.inconsistencies, 0u);
  EXPECT_EQ(m.rows, (std::vector<std::string>{"9|NINE", "20|minus three", "100|"}));
}

TEST(MergeTest, ChangesThatDoNotFitAreCounted) {
  KeyEncoder enc({Type(SqlType::kBigInt)}, false);
  Merged m = Merge(enc, false, {"1|a"}, {{'I', "1|b"}, {'U', "2|c"}, {'D', "3|d"}});
  ASSERT_TRUE(m.status.ok());
  EXPECT_EQ(m.stats.inconsistencies, 3u);
  EXPECT_EQ(m.rows, (std::vector<std::string>{"1|b", "2|c"}));
}

TEST(MergeTest, ABaseOutOfKeyOrderIsReportedNotMerged) {
  KeyEncoder enc({Type(SqlType::kBigInt)}, false);
  Merged m = Merge(enc, false, {"2|b", "10|x", "9|a"}, {});
  EXPECT_FALSE(m.status.ok());
  EXPECT_TRUE(m.stats.base_unordered);
  Merged twice = Merge(enc, false, {"1|a", "1|b"}, {});
  EXPECT_TRUE(twice.stats.base_unordered);  // two rows under one primary key
}

TEST(MergeTest, WithoutAKeyRowsAreAMultiset) {
  KeyEncoder enc({Type(SqlType::kInt), Type(SqlType::kVarChar)}, true);
  // The base sorted by every column, NULL first.
  Merged m = Merge(enc, true, {"1|N", "1|p", "1|p"},
                   // One of the two equal rows is updated: D + I.
                   {{'D', "1|p"}, {'I', "1|q"}, {'D', "7|none"}});
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_EQ(m.stats.inconsistencies, 1u);
  EXPECT_EQ(m.rows, (std::vector<std::string>{"1|N", "1|p", "1|q"}));
  Merged u = Merge(enc, true, {"1|p"}, {{'U', "1|p"}});
  EXPECT_EQ(u.status.code(), StatusCode::kInvalidArgument);
}

// A reference: the same changes applied with a std::map, then compared with the merge of a
// store that spills every few hundred changes.
TEST(MergeTest, SpilledAndInMemoryMergesEqualAReferenceMap) {
  KeyEncoder enc({Type(SqlType::kBigInt)}, false);
  std::mt19937_64 rng(20261205);
  std::map<int64_t, std::string> reference;
  std::vector<std::string> base;
  for (int64_t k = 0; k < 3000; k += 3) {
    base.push_back(std::to_string(k) + "|load" + std::to_string(k));
    reference[k] = base.back();
  }
  std::vector<std::pair<char, std::string>> changes;
  for (int i = 0; i < 20000; ++i) {
    const int64_t k = static_cast<int64_t>(rng() % 4000) - 500;
    std::string row = std::to_string(k) + "|v" + std::to_string(i) + std::string(rng() % 50, 'x');
    auto it = reference.find(k);
    if (it == reference.end()) {
      changes.emplace_back('I', row);
      reference[k] = row;
    } else if (rng() % 3 == 0) {
      changes.emplace_back('D', it->second);
      reference.erase(it);
    } else {
      changes.emplace_back('U', row);
      it->second = row;
    }
  }
  std::vector<std::string> expected;
  for (const auto& [k, row] : reference) expected.push_back(row);
  Merged memory = Merge(enc, false, base, changes);
  ASSERT_TRUE(memory.status.ok()) << memory.status.ToString();
  EXPECT_EQ(memory.stats.inconsistencies, 0u);
  EXPECT_EQ(memory.rows, expected);
  // 64 KiB of memory: every few hundred changes go to a run file.
  ChangeStore probe({64u << 10, "/tmp"});
  for (const auto& [op, row] : changes) {
    Status s = probe.Add(op, KeyOf(enc, row, false), row);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_GT(probe.runs_spilled(), 10u);
  Merged spilled = Merge(enc, false, base, changes, 64u << 10);
  ASSERT_TRUE(spilled.status.ok()) << spilled.status.ToString();
  EXPECT_EQ(spilled.rows, expected);
  // 4 KiB: a run every few changes, thousands of them, merged in tiers of 16 (three tiers deep)
  // while few files stay open.
  ChangeStore tiny({4u << 10, "/tmp"});
  for (const auto& [op, row] : changes) ASSERT_TRUE(tiny.Add(op, KeyOf(enc, row, false), row).ok());
  EXPECT_GT(tiny.runs_spilled(), 16u * 16u * 16u / 2);
  EXPECT_LT(tiny.runs_open(), 4 * ChangeStore::kMergeWidth);
  Merged tiered = Merge(enc, false, base, changes, 4u << 10);
  ASSERT_TRUE(tiered.status.ok()) << tiered.status.ToString();
  EXPECT_EQ(tiered.rows, expected);
}

TEST(MergeTest, ClearForgetsEverythingBefore) {
  KeyEncoder enc({Type(SqlType::kBigInt)}, false);
  ChangeStore store({1u << 10, "/tmp"});
  for (int i = 0; i < 100; ++i) {
    std::string row = std::to_string(i) + "|before";
    ASSERT_TRUE(store.Add('I', KeyOf(enc, row, false), row).ok());
  }
  store.Clear();  // TRUNCATE
  ASSERT_TRUE(store.Add('I', KeyOf(enc, "5|after", false), "5|after").ok());
  auto cursor = store.Finish();
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(*(*cursor)->Next());
  EXPECT_EQ((*cursor)->changes().size(), 1u);
  EXPECT_EQ((*cursor)->changes()[0].row, "5|after");
  EXPECT_FALSE(*(*cursor)->Next());
}

}  // namespace
}  // namespace binlake
