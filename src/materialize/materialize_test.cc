#include "materialize/materialize.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "cdc/settings_record.h"
#include "common/metrics.h"
#include "lake/file_rows.h"
#include "lake/table_rows.h"
#include "lake/testing/sample_target.h"
#include "materialize/part_writer.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

class MaterializeTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::WriteSampleTarget(target_); }
  Result<MaterializeResult> Run(const std::string& as_of, uint64_t max_part_bytes = 1 << 20,
                                bool incremental = true) {
    return RunInto(output_, as_of, max_part_bytes, incremental);
  }
  Result<MaterializeResult> RunInto(ObjectStore& output, const std::string& as_of,
                                    uint64_t max_part_bytes, bool incremental) {
    MaterializeOptions o;
    o.as_of = as_of;
    o.max_part_bytes = max_part_bytes;
    o.incremental = incremental;
    return RunMaterialize(target_, output, o);
  }
  // Every part file of db.t, concatenated in name order.
  std::string Table() { return TableOf(output_); }
  static std::string TableOf(MemoryObjectStore& output) {
    std::string all;
    for (const auto& [key, data] : output.objects()) {
      if (key.rfind("db/t/part-", 0) == 0) all += key + ":" + data;
    }
    return all;
  }

  MemoryObjectStore target_;
  MemoryObjectStore output_;
};

TEST_F(MaterializeTest, EachVersionReplacesTheLastAndTheManifestSaysWhatItIs) {
  auto first = Run("1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->version, 1u);
  EXPECT_EQ(Table(), "db/t/part-00000001-00001.csv:id,name\n1,ONE\n2,two\n");
  auto latest = Run("latest");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->version, 2u);
  EXPECT_EQ(latest->as_of.checkpoint, 3u);
  ASSERT_EQ(latest->tables.size(), 1u);
  EXPECT_EQ(latest->tables[0].rows, 2u);
  EXPECT_EQ(Table(), "db/t/part-00000002-00001-001.csv:id,name\n3,three\n10,ONE\n");
  auto manifest = output_.Get(MaterializationManifestKey());
  ASSERT_TRUE(manifest.ok());
  EXPECT_NE(manifest->find("\"checkpoint\": 3"), std::string::npos) << *manifest;
  EXPECT_NE(manifest->find("\"binlog_file\": \"binlog.000002\""), std::string::npos);
  EXPECT_NE(manifest->find("\"last_commit_time\": \"2026-12-05 01:00:30.000000\""),
            std::string::npos);
  EXPECT_NE(manifest->find("db/t/part-00000002-00001-001.csv"), std::string::npos);
}

TEST_F(MaterializeTest, BigTablesAreSplitIntoFilesInKeyOrder) {
  auto r = Run("0", /*max_file_bytes=*/8);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(),
            "db/t/part-00000001-00001.csv:id,name\n1,one\n"
            "db/t/part-00000001-00002.csv:id,name\n2,two\n");
}

// The value of a materialize metric with these labels in the process's registry (what
// --metrics-address serves), or -1 when absent.
double MetricValue(const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const auto& family : metrics::Registry().Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got != labels) continue;
      return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  return -1;
}

// Rows of db.t in key order, without the part names.
std::string RowsOf(MemoryObjectStore& output) {
  std::string all;
  for (const auto& [key, data] : output.objects()) {
    if (key.rfind("db/t/part-", 0) == 0) all += data.substr(data.find('\n') + 1);
  }
  return all;
}

TEST_F(MaterializeTest, AnAdvanceRewritesOnlyThePartsWhoseKeysChanged) {
  // Version 1 as of the full load: one part per row.
  auto v1 = Run("0", /*max_part_bytes=*/8);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(Table(),
            "db/t/part-00000001-00001.csv:id,name\n1,one\n"
            "db/t/part-00000001-00002.csv:id,name\n2,two\n");
  // Checkpoint 1 updates key 1 only: key 2's part is kept.
  auto v2 = Run("1", 8);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  ASSERT_EQ(v2->tables.size(), 1u);
  EXPECT_FALSE(v2->tables[0].rebuilt);
  EXPECT_EQ(v2->tables[0].parts_written, 1u);
  EXPECT_EQ(Table(),
            "db/t/part-00000001-00002.csv:id,name\n2,two\n"
            "db/t/part-00000002-00001-001.csv:id,name\n1,ONE\n");
  // Checkpoints 2 and 3: an insert after the last key, two deletes, a key change.
  auto v3 = Run("latest", 8);
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_FALSE(v3->tables[0].rebuilt);
  EXPECT_EQ(v3->tables[0].rows, 2u);
  // The same rows as a rebuild from the target.
  MemoryObjectStore rebuilt;
  auto full = RunInto(rebuilt, "latest", 8, /*incremental=*/false);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(full->tables[0].rebuilt);
  EXPECT_EQ(RowsOf(output_), "3,three\n10,ONE\n");
  EXPECT_EQ(RowsOf(output_), RowsOf(rebuilt));
  // Each part has its marks, and the marks of parts replaced went with them.
  std::set<std::string> marks, wanted;
  for (const auto& [key, data] : output_.objects()) {
    if (key.rfind("_binlake/marks/", 0) == 0) marks.insert(key);
  }
  for (const PartInfo& p : v3->tables[0].parts) wanted.insert(PartMarksKey(p.file));
  EXPECT_EQ(marks, wanted);
  // The metrics say the same, table by table: the rebuild and three runs so far advanced or
  // rebuilt db.t; the newest run's rows; parts written by all of them.
  EXPECT_EQ(MetricValue("binlake_materialize_rows", {{"table", "db.t"}}), 2);
  EXPECT_EQ(MetricValue("binlake_materialize_tables_planned", {}), 1);
  const double advanced =
      MetricValue("binlake_materialize_tables_done_total", {{"how", "advanced"}});
  const double parts =
      MetricValue("binlake_materialize_part_files_written_total", {{"table", "db.t"}});
  EXPECT_GE(advanced, 2);
  EXPECT_GE(MetricValue("binlake_materialize_tables_done_total", {{"how", "rebuilt"}}), 2);
  // Nothing new: every part is kept.
  auto same = Run("latest", 8);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->tables[0].parts_written, 0u);
  EXPECT_EQ(RowsOf(output_), "3,three\n10,ONE\n");
  EXPECT_EQ(MetricValue("binlake_materialize_tables_done_total", {{"how", "advanced"}}),
            advanced + 1);
  EXPECT_EQ(MetricValue("binlake_materialize_part_files_written_total", {{"table", "db.t"}}),
            parts);
}

// Batch 2 has two transactions (I 3, then D 2). With its transaction index, a point between
// them takes the first one only; advancing from checkpoint 1 to there reads batch 2 in part, and
// advancing from there rebuilds (a version cut inside a batch is not advanced).
TEST_F(MaterializeTest, APointInsideABatchIsMaterializedExactly) {
  testing::WriteSampleTxnIndex(target_);
  auto v1 = Run("1", 8);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto cut = Run("binlog.000001:2000", 8);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_TRUE(cut->as_of.exact);
  EXPECT_EQ(cut->as_of.checkpoint, 1u);
  ASSERT_TRUE(cut->as_of.partial);
  EXPECT_FALSE(cut->tables[0].rebuilt);  // advanced from checkpoint 1
  EXPECT_EQ(RowsOf(output_), "1,ONE\n2,two\n3,three\n");
  auto manifest = output_.Get(MaterializationManifestKey());
  ASSERT_TRUE(manifest.ok());
  EXPECT_NE(manifest->find("\"exact\": true"), std::string::npos) << *manifest;
  EXPECT_NE(manifest->find("\"binlog_position\": 2000"), std::string::npos) << *manifest;
  EXPECT_NE(manifest->find("\"partial\""), std::string::npos) << *manifest;
  MemoryObjectStore rebuilt;
  auto full = RunInto(rebuilt, "2026-12-05T01:00:21Z", 8, /*incremental=*/false);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(RowsOf(rebuilt), "1,ONE\n2,two\n3,three\n");
  // From the cut on: rebuilt, and right.
  auto v3 = Run("2", 8);
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_TRUE(v3->tables[0].rebuilt);
  EXPECT_EQ(RowsOf(output_), "1,ONE\n3,three\n");
}

TEST_F(MaterializeTest, AKilledRunsFilesGoAndAnotherTargetsOutputIsRefused) {
  ASSERT_TRUE(Run("latest").ok());
  // A run killed after writing parts of version 2: one under its name (as binlake before
  // staging wrote them), one prepared and never published (a hidden temp file, an S3 multipart
  // upload not completed).
  ASSERT_TRUE(output_.Put("db/t/part-00000002-00001.csv", "half", {}).ok());
  {
    auto killed = output_.NewWriter("db/t/part-00000002-00002.csv", {});
    ASSERT_TRUE(killed.ok());
    ASSERT_TRUE((*killed)->Write("half").ok());
    ASSERT_TRUE((*killed)->Prepare().ok());
  }
  ASSERT_EQ(output_.prepared_count(), 1u);
  auto again = Run("2");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Table(), "db/t/part-00000002-00001.csv:id,name\n1,ONE\n3,three\n");
  EXPECT_EQ(output_.prepared_count(), 0u);
  // An output that holds another target's materialization is refused, and left as it is.
  std::string manifest = *output_.Get(MaterializationManifestKey());
  const size_t at = manifest.find("full load started");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 4, "FULL");
  ASSERT_TRUE(output_.Put(MaterializationManifestKey(), manifest, {}).ok());
  const auto before = output_.objects();
  auto refused = Run("latest");
  EXPECT_EQ(refused.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(refused.status().message().find("holds the materialization of another target"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(output_.objects(), before);
}

// An output that notes the part files a glob of the table folder would read when the first part
// of a run is published, and whether each part was prepared before it was published.
class PublishWatchingStore : public MemoryObjectStore {
 public:
  class Writer : public ObjectWriter {
   public:
    Writer(PublishWatchingStore* store, std::string key, std::unique_ptr<ObjectWriter> inner)
        : store_(store), key_(std::move(key)), inner_(std::move(inner)) {}
    Status Write(std::string_view data) override { return inner_->Write(data); }
    Result<std::string> Prepare() override {
      prepared_ = true;
      return inner_->Prepare();
    }
    Status Close() override {
      if (key_.find("/part-") != std::string::npos) store_->Published(key_, prepared_);
      return inner_->Close();
    }
    void Abort() override { inner_->Abort(); }
    uint64_t bytes_written() const override { return inner_->bytes_written(); }

   private:
    PublishWatchingStore* store_;
    std::string key_;
    std::unique_ptr<ObjectWriter> inner_;
    bool prepared_ = false;
  };
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override {
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> inner,
                     MemoryObjectStore::NewWriter(key, options));
    return std::unique_ptr<ObjectWriter>(new Writer(this, std::string(key), std::move(inner)));
  }
  void Published(const std::string& key, bool prepared) {
    std::lock_guard<std::mutex> lock(watch_mu_);
    if (!prepared) unprepared_.insert(key);
    if (watched_) return;
    watched_ = true;
    for (const auto& [k, data] : objects()) {
      if (k.rfind("db/t/", 0) == 0 && k.ends_with(".csv")) visible_.insert(k);
    }
  }
  std::mutex watch_mu_;
  bool watched_ = false;
  std::set<std::string> visible_;
  std::set<std::string> unprepared_;  // parts published without being prepared first
};

TEST_F(MaterializeTest, NothingOfANewVersionIsInTheTableFolderBeforeItIsPublished) {
  PublishWatchingStore output;
  ASSERT_TRUE(RunInto(output, "1", 1 << 20, true).ok());
  EXPECT_TRUE(output.watched_);
  EXPECT_TRUE(output.visible_.empty());  // the first version: nothing before it
  output.watched_ = false;
  output.visible_.clear();
  auto latest = RunInto(output, "latest", 1 << 20, true);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_TRUE(output.watched_);
  EXPECT_EQ(output.visible_, std::set<std::string>({"db/t/part-00000001-00001.csv"}));
  EXPECT_TRUE(output.unprepared_.empty());
  std::set<std::string> after;
  for (const auto& [key, data] : output.objects()) {
    if (key.rfind("db/t/", 0) == 0) after.insert(key);
  }
  EXPECT_EQ(after, std::set<std::string>({"db/t/part-00000002-00001-001.csv"}));
  EXPECT_EQ(output.prepared_count(), 0u);
}

TEST_F(MaterializeTest, ChangesWrittenInsertsOnlyAreRefused) {
  S3Settings s;
  s.cdc_inserts_only = true;
  ASSERT_TRUE(RecordCdcSettings(target_, "", 3, CdcSettingsJson(s, "seq")).ok());
  // Checkpoints 1 and 2 came before: they can be materialized.
  ASSERT_TRUE(Run("2").ok());
  auto refused = Run("3");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(refused.status().message().find("CdcInsertsOnly=true"), std::string::npos)
      << refused.status().message();
  // Another delimiter than the full load's is refused too.
  MemoryObjectStore other;
  testing::WriteSampleTarget(other);
  S3Settings pipes;
  pipes.csv_delimiter = "|";
  ASSERT_TRUE(RecordCdcSettings(other, "", 1, CdcSettingsJson(pipes, "seq")).ok());
  MemoryObjectStore out;
  MaterializeOptions o;
  EXPECT_EQ(RunMaterialize(other, out, o).status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(out.objects().empty());
}

TEST_F(MaterializeTest, BadRequestsWriteNothing) {
  EXPECT_EQ(Run("7").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(output_.objects().empty());
  MemoryObjectStore empty;
  MaterializeOptions o;
  EXPECT_EQ(RunMaterialize(empty, output_, o).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(output_.objects().empty());
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

// The rows of db.t's Parquet parts, in the manifest's order, as their CSV text.
std::string ParquetRowsOf(MemoryObjectStore& output, const MaterializedTable& table) {
  TableSchema schema;
  schema.schema = "db";
  schema.table = "t";
  Column id, name;
  id.name = "id";
  id.type.type = SqlType::kBigInt;
  name.name = "name";
  schema.columns = {id, name};
  schema.primary_key = {0};
  const TableKey key = KeyOfTable(schema);
  FileRowLayout layout;
  layout.parquet = true;
  layout.data_columns = 2;
  layout.columns = {0, 1};
  layout.types = {schema.columns[0].type, schema.columns[1].type};
  layout.key = key.columns;
  std::string all;
  for (const PartInfo& part : table.parts) {
    auto reader = NewFileRowReader(output, part.file, layout, *key.encoder, 1 << 20);
    while (true) {
      Result<bool> more = reader->Next();
      if (!more.ok()) return more.status().ToString();
      if (!*more) break;
      all += std::string(reader->row()) + "\n";
    }
  }
  return all;
}

TEST_F(MaterializeTest, AParquetOutputAdvancesToo) {
  MaterializeOptions o;
  o.format = "parquet";
  o.max_part_bytes = 8;  // a part per row
  o.as_of = "0";
  auto v1 = RunMaterialize(target_, output_, o);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(ParquetRowsOf(output_, v1->tables[0]), "1,one\n2,two\n");
  // Checkpoint 1 updates key 1 only: key 2's part is kept.
  o.as_of = "1";
  auto v2 = RunMaterialize(target_, output_, o);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_FALSE(v2->tables[0].rebuilt);
  EXPECT_EQ(v2->tables[0].parts_written, 1u);
  EXPECT_EQ(v2->tables[0].parts[1].file, v1->tables[0].parts[1].file);
  EXPECT_EQ(ParquetRowsOf(output_, v2->tables[0]), "1,ONE\n2,two\n");
  // An insert, two deletes, a key change: the rows a rebuild gives.
  o.as_of = "latest";
  auto v3 = RunMaterialize(target_, output_, o);
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_FALSE(v3->tables[0].rebuilt);
  EXPECT_EQ(ParquetRowsOf(output_, v3->tables[0]), "3,three\n10,ONE\n");
  // Each part has its marks (at its row groups), and the marks of parts replaced went with them.
  std::set<std::string> marks, wanted;
  for (const auto& [key, data] : output_.objects()) {
    if (key.rfind("_binlake/marks/", 0) == 0) marks.insert(key);
  }
  for (const PartInfo& p : v3->tables[0].parts) wanted.insert(PartMarksKey(p.file));
  EXPECT_EQ(marks, wanted);
  MemoryObjectStore rebuilt;
  o.incremental = false;
  auto full = RunMaterialize(target_, rebuilt, o);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(full->tables[0].rebuilt);
  EXPECT_EQ(ParquetRowsOf(rebuilt, full->tables[0]), "3,three\n10,ONE\n");
}

TEST(PartSizeTest, ATableIsCutIntoAboutPartsPerTablePartsOfAtLeastAMebibyte) {
  const PartSize size = PartSize::ForTable(32ull << 20, 1000000, 16);
  EXPECT_EQ(size.rows, 62500u);
  EXPECT_FALSE(size.Full(2ull << 20, 62499));
  EXPECT_TRUE(size.Full(2ull << 20, 62500));
  EXPECT_FALSE(size.Full(512ull << 10, 62500));  // under 1 MiB: goes on
  EXPECT_TRUE(size.Full(32ull << 20, 10));       // at the byte bound whatever the rows
  EXPECT_EQ(PartSize::ForTable(32ull << 20, 1000000, 0).rows, 0u);
  EXPECT_FALSE(PartSize::ForTable(32ull << 20, 1000000, 0).Full(31ull << 20, 1000000));
  EXPECT_EQ(PartSize::ForTable(256, 3, 16).min_bytes, 256u);  // never above the byte bound

  MemoryObjectStore output;
  PartSize small;
  small.rows = 3;
  small.min_bytes = 0;
  int n = 0;
  PartWriter writer(output, "v\n", "\n", small, [&n] { return "p" + std::to_string(++n); });
  for (char c = 'a'; c <= 'g'; ++c)
    ASSERT_TRUE(writer.Row(std::string(1, c), std::string(1, c)).ok());
  auto parts = writer.Finish();
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ(output.objects().at("p1"), "v\na\nb\nc\n");
  EXPECT_EQ(output.objects().at("p3"), "v\ng\n");
  EXPECT_EQ((*parts)[1].first_key, "d");
  EXPECT_EQ((*parts)[1].last_key, "f");
}

TEST_F(MaterializeTest, AnotherFileFormatOrTheTrainingLayoutRebuildsEveryTable) {
  ASSERT_TRUE(Run("1").ok());
  MaterializeOptions o;
  o.format = "parquet";
  auto parquet = RunMaterialize(target_, output_, o);
  ASSERT_TRUE(parquet.ok()) << parquet.status().ToString();
  ASSERT_EQ(parquet->tables.size(), 1u);
  EXPECT_TRUE(parquet->tables[0].rebuilt);

  o.training = TrainingLayout{};
  o.training->label = "id";
  auto training = RunMaterialize(target_, output_, o);
  ASSERT_TRUE(training.ok()) << training.status().ToString();
  EXPECT_EQ(Table(), "db/t/part-00000003-00001.csv:3,three\n10,ONE\n");
  auto manifest = output_.Get(MaterializationManifestKey());
  ASSERT_TRUE(manifest.ok());
  EXPECT_NE(manifest->find("\"file_format\": \"training-csv\""), std::string::npos) << *manifest;
  EXPECT_NE(manifest->find("\"label\": \"id\""), std::string::npos) << *manifest;

  // Back to the table layout: rebuilt, not advanced from the training objects.
  auto csv = Run("latest");
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_TRUE(csv->tables[0].rebuilt);
  EXPECT_EQ(Table(), "db/t/part-00000004-00001.csv:id,name\n3,three\n10,ONE\n");

  // A label the table does not have: refused, the previous version kept.
  o.training->label = "nope";
  auto bad = RunMaterialize(target_, output_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "table db.t has no column 'nope' (the --label)");
  EXPECT_EQ(Table(), "db/t/part-00000004-00001.csv:id,name\n3,three\n10,ONE\n");
}

}  // namespace
}  // namespace binlake
