// RewriteCsvPart (part_rewrite.h) and the marks PartWriter writes (part_marks.h): a part
// rewritten with a few changes copies the stretches no change falls in as bytes and gives the
// rows a row-by-row merge gives, from the in-memory store (part read whole) and from a local
// directory (stretches read, the rest copied in the kernel); without usable marks it merges
// row by row; marks that name other keys than their rows stop it.
#include "materialize/part_rewrite.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "common/testing/temp_dir.h"
#include "lake/change_store.h"
#include "store/testing/memory_object_store.h"
#include "store/testing/store_of_kind.h"

namespace binlake {
namespace {

constexpr int kRows = 3000;

std::string Key(int i) { return fmt::format("k{:06}", i); }
std::string Line(const std::string& key, const std::string& value) { return key + "," + value; }

class PartRewriteTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    Status opened = kind_.Open(GetParam(), temp_.path() + "/out");
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    store_ = kind_.get();
    rewrite_.output = store_;
    rewrite_.layout.header = true;
    rewrite_.layout.data_columns = 2;
    rewrite_.layout.columns = {0, 1};
    rewrite_.layout.key = {0};
    rewrite_.encoder = &encoder_;
    rewrite_.header = "k,v\n";
  }

  // A part of kRows rows "k000000,value-0" ... (about 60 KiB: a dozen marks).
  PartInfo WritePart() {
    PartWriter writer(*store_, "k,v\n", "\n", PartSize{}, [] { return std::string("t/p-1.csv"); });
    for (int i = 0; i < kRows; ++i) {
      EXPECT_TRUE(writer.Row(Key(i), Line(Key(i), "value-" + std::to_string(i))).ok());
      rows_[Key(i)] = Line(Key(i), "value-" + std::to_string(i));
    }
    auto parts = writer.Finish();
    EXPECT_TRUE(parts.ok() && parts->size() == 1);
    return parts->at(0);
  }

  // Rewrites `old` with `changes` (op, key, value) into part "t/p-2.csv"; the rows it holds.
  Result<std::string> Rewrite(
      const PartInfo& old, const std::vector<std::tuple<char, std::string, std::string>>& changes,
      uint64_t* copied) {
    ChangeStore store({1 << 20, temp_.path()});
    for (const auto& [op, key, value] : changes) {
      RETURN_IF_ERROR(store.Add(op, key, Line(key, value)));
      if (op == 'D')
        rows_.erase(key);
      else
        rows_[key] = Line(key, value);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, store.Finish());
    ChangeQueue queue(cursor.get());
    RETURN_IF_ERROR(queue.Start());
    PartWriter writer(*store_, "k,v\n", "\n", PartSize{}, [] { return std::string("t/p-2.csv"); });
    MergeStats stats;
    *copied = 0;
    RETURN_IF_ERROR(RewriteCsvPart(&rewrite_, old, &queue, false, "", &writer, &stats, copied));
    ASSIGN_OR_RETURN(std::vector<PartInfo> parts, writer.Finish());
    EXPECT_EQ(stats.rows, rows_.size());
    EXPECT_EQ(parts.at(0).rows, rows_.size());
    rewritten_ = parts.at(0);
    return store_->Get("t/p-2.csv");
  }

  // What the part should hold: the header and rows_ in key order.
  std::string Expected() const {
    std::string all = "k,v\n";
    for (const auto& [key, line] : rows_) all += line + "\n";
    return all;
  }

  TempDir temp_{"binlake-part-rewrite"};
  testing::StoreOfKind kind_;
  ObjectStore* store_ = nullptr;
  KeyEncoder encoder_{{ColumnType{}}, false};  // one VARCHAR: the key is the text
  PartRewrite rewrite_;
  std::map<std::string, std::string> rows_;
  PartInfo rewritten_;
};

TEST_P(PartRewriteTest, StretchesNoChangeFallsInAreCopiedAsBytes) {
  const PartInfo old = WritePart();
  auto marks = DecodePartMarks(*store_->Get(PartMarksKey(old.file)), old.bytes, old.rows);
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  ASSERT_GE(marks->size(), 10u);
  uint64_t copied = 0;
  // An update, a delete, an insert between two keys, one after the last.
  auto got = Rewrite(old,
                     {{'U', Key(100), "new"},
                      {'D', Key(1500), ""},
                      {'I', Key(2000) + "a", "between"},
                      {'I', Key(kRows), "after"}},
                     &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  // Three stretches hold changes (the last one its insert after the last key); the rest is copied.
  EXPECT_GT(copied, uint64_t{kRows} * 2 / 3);
  EXPECT_LT(copied, uint64_t{kRows});

  // The new part's marks point at rows with their keys: a second rewrite uses them.
  auto again =
      DecodePartMarks(*store_->Get(PartMarksKey("t/p-2.csv")), rewritten_.bytes, rewritten_.rows);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const PartMark& m : *again) {
    EXPECT_EQ(got->substr(m.offset, m.key.size() + 1), m.key + ",") << m.offset;
  }
  ASSERT_TRUE(store_->Delete("t/p-1.csv").ok());
  ASSERT_TRUE(store_->Delete(PartMarksKey("t/p-1.csv")).ok());
  const PartInfo second = rewritten_;
  PartInfo moved = second;
  moved.file = "t/p-3.csv";
  ASSERT_TRUE(store_->Put("t/p-3.csv", *got, {}).ok());
  ASSERT_TRUE(
      store_->Put(PartMarksKey("t/p-3.csv"), *store_->Get(PartMarksKey("t/p-2.csv")), {}).ok());
  ASSERT_TRUE(store_->Delete("t/p-2.csv").ok());
  auto third = Rewrite(moved, {{'U', Key(2500), "third"}}, &copied);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(*third == Expected()) << "the rows differ from the merge's";
  EXPECT_GT(copied, uint64_t{kRows} * 9 / 10);
}

TEST_P(PartRewriteTest, WithoutUsableMarksThePartIsMergedRowByRow) {
  const PartInfo old = WritePart();
  const std::string marks = *store_->Get(PartMarksKey(old.file));
  uint64_t copied = 1;
  // No marks (an output written before marks existed).
  ASSERT_TRUE(store_->Delete(PartMarksKey(old.file)).ok());
  auto got = Rewrite(old, {{'U', Key(7), "seven"}}, &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  EXPECT_EQ(copied, 0u);
  // Marks cut short.
  ASSERT_TRUE(store_->Delete("t/p-2.csv").ok());
  ASSERT_TRUE(store_->Put(PartMarksKey(old.file), marks.substr(0, marks.size() - 3), {}).ok());
  got = Rewrite(old, {{'U', Key(7), "seven"}, {'U', Key(8), "eight"}}, &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  EXPECT_EQ(copied, 0u);
}

TEST_P(PartRewriteTest, MarksThatNameAnotherKeyThanTheirRowStopTheRewrite) {
  const PartInfo old = WritePart();
  auto marks = DecodePartMarks(*store_->Get(PartMarksKey(old.file)), old.bytes, old.rows);
  ASSERT_TRUE(marks.ok());
  // Mark 5 names a key just above its row's: still in order, but not the row there.
  (*marks)[5].key += "x";
  ASSERT_TRUE(store_->Put(PartMarksKey(old.file), EncodePartMarks(*marks), {}).ok());
  uint64_t copied = 0;
  const std::string in_stretch_5 = (*marks)[5].key;  // a change lands in stretch 5
  auto got = Rewrite(old, {{'I', in_stretch_5, "x"}}, &copied);
  EXPECT_EQ(got.status().code(), StatusCode::kPreconditionFailed) << got.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Stores, PartRewriteTest,
                         ::testing::Values(testing::StoreKind::kMemory, testing::StoreKind::kLocal,
                                           testing::StoreKind::kS3),
                         [](const auto& info) { return testing::StoreKindName(info.param); });

TEST(PartMarksTest, NeverBetweenTwoRowsOfOneKeyAndRoundTrip) {
  // A table without a key: 300 equal rows of ~100 bytes span several marks' distance.
  MemoryObjectStore store;
  PartWriter writer(store, "v\n", "\n", PartSize{}, [] { return std::string("p"); });
  const std::string same(100, 's');
  ASSERT_TRUE(writer.Row("a", "a").ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(writer.Row(same, same).ok());
  for (int i = 0; i < 300; ++i) {
    const std::string row = "t" + std::string(100, 'x') + std::to_string(1000 + i);
    ASSERT_TRUE(writer.Row(row, row).ok());
  }
  auto parts = writer.Finish();
  ASSERT_TRUE(parts.ok());
  const std::string encoded = store.objects().at(PartMarksKey("p"));
  auto marks = DecodePartMarks(encoded, parts->at(0).bytes, parts->at(0).rows);
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  ASSERT_GE(marks->size(), 5u);
  EXPECT_EQ(marks->at(0).offset, 2u);
  EXPECT_EQ(marks->at(0).key, "a");
  EXPECT_EQ(marks->at(1).row, 301u);  // the first row after the equal ones
  EXPECT_EQ(marks->at(1).previous_key, same);
  EXPECT_EQ(EncodePartMarks(*marks), encoded);
  // Every byte cut or changed is refused or still describes a part of that size in order.
  for (size_t n = 0; n < encoded.size(); ++n) {
    EXPECT_FALSE(DecodePartMarks(encoded.substr(0, n), parts->at(0).bytes, parts->at(0).rows).ok());
  }
  EXPECT_FALSE(DecodePartMarks(encoded, marks->back().offset, parts->at(0).rows).ok());
  EXPECT_FALSE(DecodePartMarks(encoded, parts->at(0).bytes, marks->back().row).ok());
  EXPECT_FALSE(DecodePartMarks(encoded + "x", parts->at(0).bytes, parts->at(0).rows).ok());
}

}  // namespace
}  // namespace binlake
