#include "materialize/training_part_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "format/recordio/recordio.h"
#include "format/recordio/sagemaker_record.pb.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

// db.t (id INT key, name VARCHAR, score DOUBLE, y INT).
TableSchema Table() {
  TableSchema t;
  t.schema = "db";
  t.table = "t";
  auto column = [&](const char* name, SqlType type) {
    Column c;
    c.name = name;
    c.type.type = type;
    t.columns.push_back(c);
  };
  column("id", SqlType::kInt);
  column("name", SqlType::kVarChar);
  column("score", SqlType::kDouble);
  column("y", SqlType::kInt);
  t.primary_key = {0};
  return t;
}

class TrainingPartWriterTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<TrainingPartWriter>> Writer(const TrainingLayout& layout) {
    auto n = std::make_shared<int>(0);
    return TrainingPartWriter::Create(output_, Table(), dialect_, layout, "/tmp",
                                      [n] { return "db/t/part-" + std::to_string(++*n) + ".x"; });
  }
  // Feeds rows (the target's CSV: comma, NULL as empty unquoted) and finishes.
  Result<std::vector<PartInfo>> Write(const TrainingLayout& layout,
                                      const std::vector<std::string>& rows) {
    ASSIGN_OR_RETURN(std::unique_ptr<TrainingPartWriter> w, Writer(layout));
    for (const std::string& r : rows) RETURN_IF_ERROR(w->Row("k", r));
    return w->Finish();
  }
  std::string All(const std::vector<PartInfo>& parts) {
    std::string all;
    for (const PartInfo& p : parts) all += *output_.Get(p.file);
    return all;
  }

  MemoryObjectStore output_;
  CsvOptions dialect_;
};

TEST_F(TrainingPartWriterTest, CsvHasTheLabelFirstNoHeaderAndIsCutIntoObjectsMinObjects) {
  TrainingLayout layout;
  layout.label = "y";
  layout.drop = {"id"};
  layout.objects_min = 3;
  std::vector<std::string> rows;
  for (int i = 1; i <= 7; ++i) {
    rows.push_back(std::to_string(i) + ",\"n, " + std::to_string(i) + "\"," + std::to_string(i) +
                   ".5," + std::to_string(i % 2));
  }
  auto parts = Write(layout, rows);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 3u);
  std::string expected;
  for (int i = 1; i <= 7; ++i) {
    expected +=
        std::to_string(i % 2) + ",\"n, " + std::to_string(i) + "\"," + std::to_string(i) + ".5\n";
  }
  EXPECT_EQ(All(*parts), expected);
  uint64_t rows_total = 0;
  for (const PartInfo& p : *parts) {
    EXPECT_GE(p.rows, 2u);
    EXPECT_LE(p.rows, 3u);
    EXPECT_EQ(p.bytes, output_.Get(p.file)->size());
    rows_total += p.rows;
  }
  EXPECT_EQ(rows_total, 7u);
}

TEST_F(TrainingPartWriterTest, ObjectsAreCutBySizeNeverInsideAnExample) {
  TrainingLayout layout;
  layout.label = "y";
  layout.features = {"score", "id"};
  layout.object_bytes = 1 << 20;
  std::vector<std::string> rows;
  // ~300k examples (more than the cut's index holds at one boundary per example), ~5 MB.
  for (int i = 0; i < 300000; ++i) rows.push_back(std::to_string(i) + ",x,0.125,7");
  auto parts = Write(layout, rows);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_GE(parts->size(), 5u);
  std::string expected;
  for (int i = 0; i < 300000; ++i) expected += "7,0.125," + std::to_string(i) + "\n";
  EXPECT_EQ(All(*parts), expected);
  for (const PartInfo& p : *parts) {
    const std::string data = *output_.Get(p.file);
    EXPECT_LE(data.size(), (1u << 20) + 64) << p.file;
    EXPECT_EQ(data.back(), '\n');
    EXPECT_EQ(static_cast<uint64_t>(std::count(data.begin(), data.end(), '\n')), p.rows);
  }
}

TEST_F(TrainingPartWriterTest, ANullIsAnErrorNamingTheColumnAndRowUnlessNullAsIsGiven) {
  TrainingLayout layout;
  layout.label = "y";
  layout.features = {"score"};
  auto failed = Write(layout, {"1,a,1.5,1", "42,b,,0"});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(),
            "table db.t: column 'score' is NULL in the row with id=42: give --null-as VALUE, or "
            "leave the column out");
  layout.null_as = "-1";
  auto parts = Write(layout, {"1,a,1.5,1", "42,b,,0"});
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(All(*parts), "1,1.5\n0,-1\n");
}

TEST_F(TrainingPartWriterTest, TooFewRowsForObjectsMinIsAnErrorAndAnEmptyTableHasNoObject) {
  TrainingLayout layout;
  layout.label = "y";
  layout.objects_min = 4;
  auto few = Write(layout, {"1,a,1.5,1", "2,b,2.5,0"});
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.status().message(),
            "table db.t has 2 row(s): too few for --objects-min 4 (each object holds at least one "
            "example)");
  auto none = Write(layout, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(TrainingPartWriterTest, RecordIoProtobufHoldsFloat32FeaturesAndLabelPerRow) {
  TrainingLayout layout;
  layout.label = "y";
  layout.format = TrainingLayout::Format::kRecordIoProtobuf;
  auto text = Writer(layout);  // every column but y: name is text
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(),
            "table db.t: column 'name' is varchar: recordio-protobuf holds numbers only (leave it "
            "out with --drop or --features, or use --training-format csv)");
  layout.drop = {"name"};
  auto parts = Write(layout, {"1,a,1.5,1", "2,b,-2.25,0"});
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  const std::string all = All(*parts);
  std::vector<std::vector<float>> features;
  std::vector<float> labels;
  for (size_t at = 0; at < all.size();) {
    uint32_t magic, word;
    std::memcpy(&magic, all.data() + at, 4);
    std::memcpy(&word, all.data() + at + 4, 4);
    ASSERT_EQ(magic, kRecordIoMagic);
    const uint32_t length = word & ((1u << 29) - 1);
    aialgs::data::Record r;
    ASSERT_TRUE(r.ParseFromString(all.substr(at + 8, length)));
    const auto& f = r.features().at("values").float32_tensor().values();
    features.emplace_back(f.begin(), f.end());
    labels.push_back(r.label().at("values").float32_tensor().values(0));
    at += 8 + (length + 3) / 4 * 4;
  }
  EXPECT_EQ(labels, (std::vector<float>{1, 0}));
  EXPECT_EQ(features, (std::vector<std::vector<float>>{{1, 1.5f}, {2, -2.25f}}));

  auto bad = Write(layout, {"1,a,1e40,1"});  // beyond float32
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "table db.t: column 'score' holds '1e40', not a float32 number");
}

TEST(TrainingLayoutTest, ColumnsThatAreNotThereOrNamedTwiceAreRefused) {
  TrainingLayout layout;
  layout.label = "nope";
  EXPECT_EQ(ResolveTrainingColumns(Table(), layout).status().message(),
            "table db.t has no column 'nope' (the --label)");
  layout.label = "y";
  layout.features = {"score", "y"};
  EXPECT_EQ(ResolveTrainingColumns(Table(), layout).status().message(),
            "table db.t: column 'y' is named twice among the label and the features");
  layout.features = {};
  layout.drop = {"id", "name", "score"};
  EXPECT_EQ(ResolveTrainingColumns(Table(), layout).status().message(),
            "table db.t: no feature column is left");
}

}  // namespace
}  // namespace binlake
