// RewriteParquetPart (part_rewrite.h) and the marks ParquetPartWriter writes at its row groups: a
// Parquet part rewritten with a few changes copies the row groups no change falls in as encoded
// bytes (their offsets moved in the new footer) and gives the rows a row-by-row merge gives, from
// the in-memory store, a local directory (copied in the kernel) and S3 (read whole); without
// usable marks, or for a part of another Parquet schema, it merges row by row; marks that name
// other keys than their rows stop it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "common/testing/temp_dir.h"
#include "format/parquet/parquet_reader.h"
#include "lake/change_store.h"
#include "lake/parquet_file_rows.h"
#include "materialize/part_rewrite.h"
#include "store/testing/store_of_kind.h"

namespace binlake {
// A namespace of its own: a unity build compiles this file with part_rewrite_test.cc.
namespace parquet_part_rewrite_test {
namespace {

constexpr int kRows = 3000;
constexpr uint64_t kRowGroup = 100;  // rows: 30 row groups in a part

std::string Key(int i) { return fmt::format("k{:06}", i); }
std::string Line(const std::string& key, const std::string& value) { return key + "," + value; }

TableSchema Schema(const std::string& value_column) {
  TableSchema t;
  t.schema = "s";
  t.table = "t";
  Column k, v;
  k.name = "k";
  v.name = value_column;
  t.columns = {k, v};
  return t;
}

class ParquetPartRewriteTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    Status opened = kind_.Open(GetParam(), temp_.path() + "/out");
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    store_ = kind_.get();
    options_.row_group_length = kRowGroup;
    rewrite_.output = store_;
    rewrite_.layout = Layout();
    rewrite_.encoder = &encoder_;
  }

  static FileRowLayout Layout() {
    FileRowLayout l;
    l.parquet = true;
    l.data_columns = 2;
    l.columns = {0, 1};
    l.types = {ColumnType{}, ColumnType{}};
    l.key = {0};
    return l;
  }

  ParquetPartWriter Writer(const std::string& file, const std::string& value_column = "v") {
    return ParquetPartWriter(*store_, Schema(value_column), CsvOptions{}, options_, PartSize{},
                             [file] { return file; });
  }

  PartInfo WritePart() {
    ParquetPartWriter writer = Writer("t/p-1.parquet");
    for (int i = 0; i < kRows; ++i) {
      EXPECT_TRUE(writer.Row(Key(i), Line(Key(i), "value-" + std::to_string(i))).ok());
      rows_[Key(i)] = Line(Key(i), "value-" + std::to_string(i));
    }
    auto parts = writer.Finish();
    EXPECT_TRUE(parts.ok() && parts->size() == 1);
    return parts->at(0);
  }

  // The rows of a Parquet part, as the merge hands them on (CSV text), one per line.
  Result<std::string> ReadRows(const std::string& file) {
    ParquetFileRowReader reader(*store_, file, Layout(), encoder_);
    std::string all;
    while (true) {
      ASSIGN_OR_RETURN(bool more, reader.Next());
      if (!more) break;
      all += std::string(reader.row()) + "\n";
    }
    return all;
  }

  // Rewrites `old` with `changes` (op, key, value) into part `file` (its value column named
  // `value_column`); the rows it holds.
  Result<std::string> Rewrite(
      const PartInfo& old, const std::vector<std::tuple<char, std::string, std::string>>& changes,
      const std::string& file, uint64_t* copied, const std::string& value_column = "v") {
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
    ParquetPartWriter writer = Writer(file, value_column);
    MergeStats stats;
    *copied = 0;
    RETURN_IF_ERROR(RewriteParquetPart(&rewrite_, old, &queue, false, "", &writer, &stats, copied));
    ASSIGN_OR_RETURN(std::vector<PartInfo> parts, writer.Finish());
    EXPECT_EQ(stats.rows, rows_.size());
    EXPECT_EQ(parts.at(0).rows, rows_.size());
    rewritten_ = parts.at(0);
    return ReadRows(file);
  }

  std::string Expected() const {
    std::string all;
    for (const auto& [key, line] : rows_) all += line + "\n";
    return all;
  }

  TempDir temp_{"binlake-parquet-part-rewrite"};
  testing::StoreOfKind kind_;
  ObjectStore* store_ = nullptr;
  ParquetWriterOptions options_;
  KeyEncoder encoder_{{ColumnType{}}, false};  // one VARCHAR: the key is the text
  PartRewrite rewrite_;
  std::map<std::string, std::string> rows_;
  PartInfo rewritten_;
};

TEST_P(ParquetPartRewriteTest, RowGroupsNoChangeFallsInAreCopiedEncoded) {
  const PartInfo old = WritePart();
  auto marks = DecodePartMarks(*store_->Get(PartMarksKey(old.file)), old.bytes, old.rows);
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  ASSERT_EQ(marks->size(), kRows / kRowGroup);
  uint64_t copied = 0;
  // An update, a delete, an insert between two keys, one after the last.
  auto got = Rewrite(old,
                     {{'U', Key(100), "new"},
                      {'D', Key(1550), ""},
                      {'I', Key(2000) + "a", "between"},
                      {'I', Key(kRows), "after"}},
                     "t/p-2.parquet", &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  // Four row groups hold changes (the last one its insert after the last key).
  EXPECT_EQ(copied, uint64_t{kRows} - 4 * kRowGroup);
  if (testing::FakeS3* s3 = kind_.fake_s3()) {  // the part was read with one GET, nothing else
    std::vector<std::string> reads;
    for (const auto& request : s3->requests()) {
      if (testing::FakeS3::Key(request).ends_with("/t/p-1.parquet")) {
        reads.push_back(testing::FakeS3::Operation(request));
      }
    }
    EXPECT_EQ(reads, (std::vector<std::string>{"PutObject", "GetObject"}));
  }

  // The new part's footer: row groups copied and merged, with their statistics; its marks are
  // at row groups, naming their first rows.
  const std::string bytes = *store_->Get("t/p-2.parquet");
  EXPECT_EQ(bytes.size(), rewritten_.bytes);
  auto file = parquet::ParquetFile::Open(bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->num_rows(), static_cast<int64_t>(rows_.size()));
  for (const auto& group : file->metadata().row_groups) {
    ASSERT_TRUE(group.columns.at(0).meta.statistics.has_value());
    EXPECT_EQ(group.columns[0].meta.statistics->min_value.substr(0, 1), "k");
  }
  auto again = DecodePartMarks(*store_->Get(PartMarksKey("t/p-2.parquet")), rewritten_.bytes,
                               rewritten_.rows);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_GE(again->size(), file->num_row_groups() - 1);
  size_t g = 0;
  for (const PartMark& m : *again) {
    while (g < file->num_row_groups() && file->RowGroupRange(g).first != m.offset) ++g;
    ASSERT_LT(g, file->num_row_groups()) << "a mark not at a row group: " << m.offset;
    EXPECT_EQ(file->metadata().row_groups[g].columns[0].meta.statistics->min_value, m.key);
  }

  // A second rewrite, from the rewritten part, copies all but one row group.
  const PartInfo second = rewritten_;
  auto third = Rewrite(second, {{'U', Key(2500), "third"}}, "t/p-3.parquet", &copied);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(*third == Expected()) << "the rows differ from the merge's";
  EXPECT_GT(copied, rows_.size() - 2 * kRowGroup);
}

TEST_P(ParquetPartRewriteTest, WithoutUsableMarksOrAnotherSchemaThePartIsMergedRowByRow) {
  const PartInfo old = WritePart();
  uint64_t copied = 1;
  // Another Parquet schema (the value column renamed): nothing can be copied.
  auto got = Rewrite(old, {{'U', Key(7), "seven"}}, "t/p-2.parquet", &copied, "w");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  EXPECT_EQ(copied, 0u);
  // Marks cut short.
  const std::string marks = *store_->Get(PartMarksKey(old.file));
  ASSERT_TRUE(store_->Put(PartMarksKey(old.file), marks.substr(0, marks.size() - 3), {}).ok());
  // (Each rewrite starts from the same part: the earlier changes again.)
  got = Rewrite(old, {{'U', Key(7), "seven"}, {'U', Key(8), "eight"}}, "t/p-3.parquet", &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  EXPECT_EQ(copied, 0u);
  // No marks.
  ASSERT_TRUE(store_->Delete(PartMarksKey(old.file)).ok());
  got = Rewrite(old, {{'U', Key(7), "seven"}, {'U', Key(8), "eight"}, {'U', Key(9), "nine"}},
                "t/p-4.parquet", &copied);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Expected()) << "the rows differ from the merge's";
  EXPECT_EQ(copied, 0u);
}

TEST_P(ParquetPartRewriteTest, MarksThatNameAnotherKeyThanTheirRowStopTheRewrite) {
  const PartInfo old = WritePart();
  auto marks = DecodePartMarks(*store_->Get(PartMarksKey(old.file)), old.bytes, old.rows);
  ASSERT_TRUE(marks.ok());
  (*marks)[5].key += "x";  // still in order, but not the row there
  ASSERT_TRUE(store_->Put(PartMarksKey(old.file), EncodePartMarks(*marks), {}).ok());
  uint64_t copied = 0;
  auto got = Rewrite(old, {{'I', (*marks)[5].key, "x"}}, "t/p-2.parquet", &copied);
  EXPECT_EQ(got.status().code(), StatusCode::kPreconditionFailed) << got.status().ToString();
}

TEST_P(ParquetPartRewriteTest, ATableWithoutAKeyKeepsEqualRowsInOneStretch) {
  // 1 row, 300 equal rows (row groups 0 to 3 begin among them: no marks there), 300 others.
  ParquetPartWriter writer = Writer("t/p-1.parquet");
  ASSERT_TRUE(writer.Row("a", "a,a").ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(writer.Row("dup", "dup,dup").ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(writer.Row(Key(i), Line(Key(i), "x")).ok());
  auto parts = writer.Finish();
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  const PartInfo old = parts->at(0);
  auto marks = DecodePartMarks(*store_->Get(PartMarksKey(old.file)), old.bytes, old.rows);
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  std::vector<uint64_t> rows;
  for (const PartMark& m : *marks) rows.push_back(m.row);
  EXPECT_EQ(rows, (std::vector<uint64_t>{0, 400, 500, 600}));
  // One of the equal rows deleted: the first stretch is merged, the rest copied.
  rewrite_.multiset = true;
  ChangeStore changes({1 << 20, temp_.path()});
  ASSERT_TRUE(changes.Add('D', "dup", "dup,dup").ok());
  auto cursor = changes.Finish();
  ASSERT_TRUE(cursor.ok());
  ChangeQueue queue(cursor->get());
  ASSERT_TRUE(queue.Start().ok());
  ParquetPartWriter out = Writer("t/p-2.parquet");
  MergeStats stats;
  uint64_t copied = 0;
  Status s = RewriteParquetPart(&rewrite_, old, &queue, false, "", &out, &stats, &copied);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(out.Finish().ok());
  EXPECT_EQ(copied, 201u);  // rows 400 to 600
  auto got = ReadRows("t/p-2.parquet");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::string want = "a,a\n";
  for (int i = 0; i < 299; ++i) want += "dup,dup\n";
  for (int i = 0; i < 300; ++i) want += Line(Key(i), "x") + "\n";
  EXPECT_TRUE(*got == want) << "the rows differ from the merge's";
}

INSTANTIATE_TEST_SUITE_P(Stores, ParquetPartRewriteTest,
                         ::testing::Values(testing::StoreKind::kMemory, testing::StoreKind::kLocal,
                                           testing::StoreKind::kS3),
                         [](const auto& info) { return testing::StoreKindName(info.param); });

}  // namespace
}  // namespace parquet_part_rewrite_test
}  // namespace binlake
