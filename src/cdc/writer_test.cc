// CdcWriter features: names, columns (Op truth table, timestamp, sequence), filters, CDC_TXN
// files, schema changes, batching thresholds, statistics, formats. The commit protocol and
// crashes are in cdc_writer_protocol_test.cc.
#include "cdc/writer.h"

#include <gtest/gtest.h>

#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using cdc_testing::At;
using cdc_testing::FakeClock;
using cdc_testing::Keys;
using cdc_testing::MustCreate;
using cdc_testing::Schema;

using cdc_testing::kCommitUs;
using cdc_testing::Pos;

struct Change {
  const TableSchema* table;
  char op;
  int64_t id;
  std::optional<std::string> name;  // nullopt = NULL
  std::vector<std::string> extra = {};
};

// Feeds one transaction.
Status Txn(CdcWriter& w, uint64_t pos, const std::vector<Change>& changes,
           uint64_t commit_us = kCommitUs) {
  w.BeginTransaction(commit_us);
  int n = 0;
  for (const Change& c : changes) {
    std::vector<Value> values = {Value::Int(c.id), c.name ? Value::String(*c.name) : Value::Null()};
    for (const std::string& e : c.extra) values.push_back(Value::String(e));
    RETURN_IF_ERROR(w.AddChange(*c.table, c.op, values, "seq" + std::to_string(++n)));
  }
  return w.EndTransaction(Pos(pos));
}

class CdcWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<CdcWriter> Make(const S3Settings& s, std::string sequence_column = "",
                                  ObjectStore* store = nullptr) {
    CdcWriterOptions o;
    o.settings = s;
    auto factory = MakeRowFileWriterFactory(s);
    EXPECT_TRUE(factory.ok()) << factory.status().message();
    o.writer_factory = *factory;
    o.file_extension = DataFileExtension(s);
    o.sequence_column_name = std::move(sequence_column);
    o.clock = clock_.Fn();
    auto w = MustCreate(store ? store : &store_, o);
    auto pos = w->Recover(Pos(4));
    EXPECT_TRUE(pos.ok()) << pos.status().message();
    return w;
  }
  std::string Object(const std::string& key) {
    auto got = store_.Get(key);
    return got.ok() ? *got : "<missing " + key + ">";
  }
  std::vector<std::string> DataKeys() {
    std::vector<std::string> out;
    for (const std::string& k : Keys(store_)) {
      if (k.find("_binlake/") == std::string::npos) out.push_back(k);
    }
    return out;
  }

  FakeClock clock_;
  MemoryObjectStore store_;
  TableSchema t1_ = Schema("db", "t1");
  TableSchema t2_ = Schema("db", "t2", {"id", "name", "note"});
};

TEST_F(CdcWriterTest, NamesAreDmsTimesAndIncreaseEvenWhenTheClockGoesBack) {
  auto w = Make(S3Settings{});
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), std::vector<std::string>{"db/t1/20241124-101500123.csv"});
  EXPECT_EQ(w->last_checkpoint().last_file_ms, 1732443300123u);

  clock_.now = At(-3600 * 1000);  // an hour back (NTP step, VM restore)
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, "b"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  clock_.now = At(5000);
  ASSERT_TRUE(Txn(*w, 300, {{&t1_, 'I', 3, "c"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), (std::vector<std::string>{"db/t1/20241124-101500123.csv",
                                                  "db/t1/20241124-101500124.csv",
                                                  "db/t1/20241124-101505123.csv"}));
  EXPECT_EQ(Object("db/t1/20241124-101500124.csv"), "I,2,b\n");
  // A fresh writer continues after the recorded names.
  clock_.now = At(-10);
  auto again = Make(S3Settings{});
  ASSERT_TRUE(Txn(*again, 400, {{&t1_, 'I', 4, "d"}}).ok());
  ASSERT_TRUE(again->Commit().ok());
  EXPECT_EQ(DataKeys().back(), "db/t1/20241124-101505124.csv");
}

TEST_F(CdcWriterTest, OpTimestampAndSequenceColumnsPrecedeTheTableColumns) {
  S3Settings s;
  s.timestamp_column_name = "ts";
  s.add_column_name = true;
  auto w = Make(s, "seq");
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t1_, 'U', 1, "b"}, {&t1_, 'D', 1, "b"}}).ok());
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, std::nullopt}}, kCommitUs + 999999).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(Object("db/t1/20241124-101500123.csv"),
            "Op,ts,seq,id,name\n"
            "I,2024-11-24 10:14:59.000001,seq1,1,a\n"
            "U,2024-11-24 10:14:59.000001,seq2,1,b\n"
            "D,2024-11-24 10:14:59.000001,seq3,1,b\n"
            "I,2024-11-24 10:15:00.000000,seq1,2,\n");
}

TEST_F(CdcWriterTest, OpColumnFollowsTheDmsTruthTableAndFiltersDropRows) {
  struct Case {
    bool include_op_for_full_load, inserts_only, inserts_and_updates;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {true, true, false, "I,1,a\n"},        {false, false, false, "I,1,a\nU,1,b\nD,1,b\n"},
      {false, true, false, "1,a\n"},         {true, false, false, "I,1,a\nU,1,b\nD,1,b\n"},
      {true, false, true, "I,1,a\nU,1,b\n"}, {false, false, true, "I,1,a\nU,1,b\n"},
  };
  for (const Case& c : cases) {
    MemoryObjectStore fresh;
    S3Settings s;
    s.include_op_for_full_load = c.include_op_for_full_load;
    s.cdc_inserts_only = c.inserts_only;
    s.cdc_inserts_and_updates = c.inserts_and_updates;
    auto w = Make(s, "", &fresh);
    ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t1_, 'U', 1, "b"}, {&t1_, 'D', 1, "b"}}).ok());
    ASSERT_TRUE(w->Commit().ok());
    SCOPED_TRACE(::testing::Message()
                 << c.include_op_for_full_load << c.inserts_only << c.inserts_and_updates);
    EXPECT_EQ(*fresh.Get("db/t1/20241124-101500123.csv"), c.expected);
    const CdcTableStats& st = w->last_checkpoint().tables.at("db.t1");
    EXPECT_EQ(st.inserts, 1u);
    EXPECT_EQ(st.updates, c.inserts_only ? 0u : 1u);
    EXPECT_EQ(st.deletes, c.inserts_only || c.inserts_and_updates ? 0u : 1u);
  }
}

TEST_F(CdcWriterTest, DeletesOnlyBatchUnderInsertsOnlyWritesNoFile) {
  S3Settings s;
  s.cdc_inserts_only = true;
  auto w = Make(s);
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'D', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_TRUE(DataKeys().empty());
  EXPECT_EQ(w->last_checkpoint().sequence, 1u);
  EXPECT_EQ(w->last_checkpoint().position, Pos(100));
}

TEST_F(CdcWriterTest, PreserveTransactionsWritesOneCdcTxnFileInCommitOrder) {
  S3Settings s;
  s.bucket_folder = "bf";
  s.preserve_transactions = true;
  s.cdc_path = "changes";
  s.data_format = DataFormat::kParquet;  // CDC_TXN is CSV whatever DataFormat says
  auto w = Make(s);
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t2_, 'I', 7, "x", {"q,\"r\""}}}).ok());
  ASSERT_TRUE(Txn(*w, 200, {{&t2_, 'U', 7, std::nullopt, {""}}, {&t1_, 'D', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), std::vector<std::string>{"bf/changes/CDC_TXN-20241124101500123.csv"});
  EXPECT_EQ(Object("bf/changes/CDC_TXN-20241124101500123.csv"),
            "I,t1,db,1,a\n"
            "I,t2,db,7,x,\"q,\"\"r\"\"\"\n"
            "U,t2,db,7,,\"\"\n"
            "D,t1,db,1,a\n");
  const CdcCheckpoint& c = w->last_checkpoint();
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].table, "");
  EXPECT_EQ(c.files[0].rows, 4u);
  EXPECT_EQ(c.tables.at("db.t2").updates, 1u);
}

TEST_F(CdcWriterTest, CdcTxnWithTimestampSequenceAndGzip) {
  S3Settings s;
  s.preserve_transactions = true;
  s.cdc_path = "txn";
  s.timestamp_column_name = "ts";
  s.compression = Compression::kGzip;
  auto w = Make(s, "seq");
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(cdc_testing::Gunzip(Object("txn/CDC_TXN-20241124101500123.csv.gz")),
            "I,t1,db,2024-11-24 10:14:59.000001,seq1,1,a\n");
}

TEST_F(CdcWriterTest, ColumnChangeWithinABatchStartsASecondFileOneMillisecondLater) {
  S3Settings s;
  s.add_column_name = true;
  auto w = Make(s);
  TableSchema t1_wide = Schema("db", "t1", {"id", "name", "extra"});
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t2_, 'I', 5, "x", {"n"}}}).ok());
  w->AddDdl("db", "t1");
  ASSERT_TRUE(Txn(*w, 200, {{&t1_wide, 'I', 2, "b", {"e"}}, {&t1_wide, 'U', 2, "c", {"e"}}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), (std::vector<std::string>{"db/t1/20241124-101500123.csv",
                                                  "db/t1/20241124-101500124.csv",
                                                  "db/t2/20241124-101500123.csv"}));
  EXPECT_EQ(Object("db/t1/20241124-101500123.csv"), "Op,id,name\nI,1,a\n");
  EXPECT_EQ(Object("db/t1/20241124-101500124.csv"), "Op,id,name,extra\nI,2,b,e\nU,2,c,e\n");
  EXPECT_EQ(w->last_checkpoint().last_file_ms, 1732443300124u);
  EXPECT_EQ(w->last_checkpoint().tables.at("db.t1").ddls, 1u);
  // The next batch, same clock, names after the largest used.
  ASSERT_TRUE(Txn(*w, 300, {{&t2_, 'D', 5, "x", {"n"}}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys().back(), "db/t2/20241124-101500125.csv");
}

// No file spans a DDL (a TRUNCATE, DROP or RENAME of any table it names), and each file records
// where its rows begin, so a reader can place every file among the DDLs (lake/table_plan.h).
TEST_F(CdcWriterTest, ADdlStartsNewFilesAndEachFileRecordsWhereItsRowsBegin) {
  auto w = Make(S3Settings{});
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t2_, 'I', 5, "x", {"n"}}}).ok());
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, "b"}}).ok());
  w->AddDdl("db", "t2");               // e.g. DROP TABLE t2, t1: every open file ends
  ASSERT_TRUE(Txn(*w, 300, {}).ok());  // the DDL's own transaction
  ASSERT_TRUE(Txn(*w, 400, {{&t1_, 'I', 3, "c"}, {&t2_, 'I', 6, "y", {"n"}}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  std::vector<std::string> files;
  for (const CdcFile& f : w->last_checkpoint().files) {
    files.push_back(f.key + " " + f.first.ToString());
  }
  EXPECT_EQ(files, (std::vector<std::string>{"db/t1/20241124-101500123.csv binlog.000001:4",
                                             "db/t2/20241124-101500123.csv binlog.000001:4",
                                             "db/t1/20241124-101500124.csv binlog.000001:300",
                                             "db/t2/20241124-101500125.csv binlog.000001:300"}));
  EXPECT_EQ(Object("db/t1/20241124-101500123.csv"), "I,1,a\nI,2,b\n");
  EXPECT_EQ(Object("db/t1/20241124-101500124.csv"), "I,3,c\n");
  auto stored = ParseCdcCheckpoint(Object(CdcCheckpointKey("", 1)));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, w->last_checkpoint());
  // The next batch's files begin where the checkpoint ends.
  ASSERT_TRUE(Txn(*w, 500, {{&t1_, 'D', 3, "c"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  ASSERT_EQ(w->last_checkpoint().files.size(), 1u);
  EXPECT_EQ(w->last_checkpoint().files[0].first, Pos(400));
}

TEST_F(CdcWriterTest, TablesWhoseDottedNamesCollideStillGetTheirOwnFiles) {
  auto w = Make(S3Settings{});
  TableSchema x = Schema("a.b", "c");
  TableSchema y = Schema("a", "b.c");
  ASSERT_TRUE(Txn(*w, 100, {{&x, 'I', 1, "x"}, {&y, 'I', 2, "y"}, {&x, 'I', 3, "x"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), (std::vector<std::string>{"a.b/c/20241124-101500123.csv",
                                                  "a/b.c/20241124-101500123.csv"}));
  EXPECT_EQ(Object("a.b/c/20241124-101500123.csv"), "I,1,x\nI,3,x\n");
  EXPECT_EQ(Object("a/b.c/20241124-101500123.csv"), "I,2,y\n");
}

TEST_F(CdcWriterTest, DatePartitionFoldersInTheConfiguredZone) {
  S3Settings s;
  s.date_partition_enabled = true;
  s.date_partition_timezone = "Asia/Seoul";
  auto w = Make(s);
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), std::vector<std::string>{"db/t1/2024/11/24/20241124-191500123.csv"});
}

TEST_F(CdcWriterTest, ShouldCommitAfterTheIntervalOrAtTheMinimumFileSize) {
  S3Settings s;
  s.cdc_max_batch_interval_s = 60;
  s.cdc_min_file_size_kb = 1;
  auto w = Make(s);
  EXPECT_FALSE(w->ShouldCommit(At(3600 * 1000)));  // nothing to commit
  EXPECT_TRUE(w->batch_empty());
  w->BeginTransaction(kCommitUs);
  ASSERT_TRUE(
      w->AddChange(t1_, 'I', std::vector<Value>{Value::Int(1), Value::String("a")}, "").ok());
  EXPECT_FALSE(w->ShouldCommit(At(3600 * 1000)));  // a transaction is open
  ASSERT_TRUE(w->EndTransaction(Pos(100)).ok());
  EXPECT_FALSE(w->batch_empty());
  EXPECT_FALSE(w->ShouldCommit(At(59999)));
  EXPECT_TRUE(w->ShouldCommit(At(60000)));
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_FALSE(w->ShouldCommit(At(120000)));
  // Size: 1 KB of CSV commits before the interval.
  clock_.now = At(200000);
  const std::string big(600, 'x');
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, big}}).ok());
  EXPECT_FALSE(w->ShouldCommit(At(200001)));
  ASSERT_TRUE(Txn(*w, 300, {{&t1_, 'I', 3, big}}).ok());
  EXPECT_TRUE(w->ShouldCommit(At(200001)));
}

TEST_F(CdcWriterTest, TransactionsWithoutChangesAdvanceThePositionWithoutFiles) {
  auto w = Make(S3Settings{});
  EXPECT_TRUE(w->Commit().ok());  // nothing: no checkpoint
  EXPECT_EQ(w->last_checkpoint().sequence, 0u);
  EXPECT_EQ(w->last_checkpoint().position, Pos(4));
  ASSERT_TRUE(Txn(*w, 100, {}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(w->last_checkpoint().sequence, 1u);
  EXPECT_EQ(w->last_checkpoint().position, Pos(100));
  EXPECT_TRUE(w->last_checkpoint().files.empty());
  EXPECT_EQ(w->last_checkpoint().transactions, 1u);
  EXPECT_EQ(w->last_checkpoint().last_file_ms, 0u);
  EXPECT_TRUE(DataKeys().empty());
}

TEST_F(CdcWriterTest, AbortDropsTheBatchAndItsStatistics) {
  auto w = Make(S3Settings{});
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, "b"}}).ok());
  w->BeginTransaction(kCommitUs);
  ASSERT_TRUE(
      w->AddChange(t2_, 'I', std::vector<Value>{Value::Int(1), Value::Null(), Value::Null()}, "")
          .ok());
  EXPECT_EQ(w->table_stats().at("db.t1").inserts, 2u);
  w->Abort();
  EXPECT_TRUE(w->batch_empty());
  EXPECT_EQ(w->table_stats().at("db.t1").inserts, 1u);
  EXPECT_EQ(w->table_stats().count("db.t2"), 0u);
  EXPECT_EQ(store_.prepared_count(), 0u);
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'I', 2, "b"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(w->last_checkpoint().sequence, 2u);
  EXPECT_EQ(DataKeys().size(), 2u);
  EXPECT_EQ(Object(DataKeys().back()), "I,2,b\n");
}

TEST_F(CdcWriterTest, StatisticsAreCumulative) {
  auto w = Make(S3Settings{});
  ASSERT_TRUE(Txn(*w, 100, {{&t1_, 'I', 1, "a"}, {&t1_, 'I', 2, "b"}}).ok());
  ASSERT_TRUE(w->Commit().ok());
  w->AddDdl("db", "t1");
  ASSERT_TRUE(Txn(*w, 200, {{&t1_, 'U', 1, "c"}, {&t1_, 'D', 2, "b"}}, kCommitUs + 1).ok());
  ASSERT_TRUE(w->Commit().ok());
  const CdcCheckpoint& c = w->last_checkpoint();
  EXPECT_EQ(c.transactions, 2u);
  EXPECT_EQ(c.created_at, "2024-11-24T10:15:00.123Z");  // options.clock
  EXPECT_EQ(c.last_commit_us, kCommitUs + 1);
  EXPECT_EQ(c.tables.at("db.t1"), (CdcTableStats{2, 1, 1, 1, "2024-11-24 10:14:59.000002"}));
  auto stored = ParseCdcCheckpoint(Object(CdcCheckpointKey("", 2)));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, c);
}

// Forwards to a MemoryObjectStore writer and counts the bytes handed to the store.
class CountingStore : public MemoryObjectStore {
 public:
  class Counting : public ObjectWriter {
   public:
    Counting(std::unique_ptr<ObjectWriter> inner, uint64_t* total)
        : inner_(std::move(inner)), total_(total) {}
    Status Write(std::string_view d) override {
      *total_ += d.size();
      return inner_->Write(d);
    }
    Status Close() override { return inner_->Close(); }
    void Abort() override { inner_->Abort(); }
    uint64_t bytes_written() const override { return inner_->bytes_written(); }
    Result<std::string> Prepare() override { return inner_->Prepare(); }

   private:
    std::unique_ptr<ObjectWriter> inner_;
    uint64_t* total_;
  };
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override {
    ASSIGN_OR_RETURN(auto inner, MemoryObjectStore::NewWriter(key, options));
    return std::unique_ptr<ObjectWriter>(new Counting(std::move(inner), &written));
  }
  uint64_t written = 0;
};

TEST_F(CdcWriterTest, RowsStreamIntoTheStoreBeforeTheCommit) {
  CountingStore counting;
  S3Settings s;
  s.cdc_min_file_size_kb = 1000000;  // never by size: the test commits explicitly
  auto w = Make(s, "", &counting);
  const std::string payload(300, 'p');
  w->BeginTransaction(kCommitUs);
  for (int i = 0; i < 20000; ++i) {  // about 6 MB of CSV in one transaction
    std::vector<Value> row = {Value::Int(i), Value::String(payload)};
    ASSERT_TRUE(w->AddChange(t1_, 'I', row, "").ok());
  }
  // The CSV writer keeps at most ~1 MB; everything else already went to the store (S3: parts).
  EXPECT_GT(counting.written, uint64_t{5} << 20);
  ASSERT_TRUE(w->EndTransaction(Pos(100)).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(w->last_checkpoint().files.at(0).rows, 20000u);
}

TEST_F(CdcWriterTest, CallerErrors) {
  CdcWriterOptions o;
  o.settings = S3Settings{};
  o.writer_factory = *MakeRowFileWriterFactory(o.settings);
  o.file_extension = ".csv";
  auto w = MustCreate(&store_, o);
  w->BeginTransaction(kCommitUs);
  std::vector<Value> row = {Value::Int(1), Value::String("a")};
  EXPECT_EQ(w->AddChange(t1_, 'I', row, "").code(), StatusCode::kInternal);  // before Recover
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  w->BeginTransaction(kCommitUs);
  EXPECT_EQ(w->AddChange(t1_, 'X', row, "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddChange(t1_, 'I', std::span<const Value>(row).first(1), "").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(w->AddChange(t1_, 'I', row, "").ok());
  EXPECT_EQ(w->Commit().code(), StatusCode::kInternal);  // inside a transaction
  ASSERT_TRUE(w->EndTransaction(Pos(100)).ok());
  EXPECT_EQ(w->EndTransaction(Pos(100)).code(), StatusCode::kInternal);
  EXPECT_TRUE(w->Commit().ok());
}

TEST_F(CdcWriterTest, CreateRejectsBadOptionsWithOneClearLine) {
  CdcWriterOptions good;
  good.settings = S3Settings{};
  good.writer_factory = *MakeRowFileWriterFactory(good.settings);
  good.file_extension = ".csv";
  ASSERT_TRUE(CdcWriter::Create(&store_, good).ok());
  auto expect_error = [&](const CdcWriterOptions& o, const std::string& needle) {
    auto w = CdcWriter::Create(&store_, o);
    ASSERT_FALSE(w.ok()) << needle;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << w.status().message();
    EXPECT_NE(w.status().message().find(needle), std::string::npos) << w.status().message();
    EXPECT_EQ(w.status().message().find('\n'), std::string::npos) << w.status().message();
  };

  CdcWriterOptions o = good;
  o.writer_factory = nullptr;
  expect_error(o, "no file writer factory");
  o.settings.preserve_transactions = true;  // CDC_TXN files need no factory
  EXPECT_TRUE(CdcWriter::Create(&store_, o).ok());

  o = good;
  o.settings.date_partition_enabled = true;
  o.settings.date_partition_timezone = "Nowhere/Atlantis";
  expect_error(o, "Nowhere/Atlantis");
  o.settings.date_partition_timezone = "";
  o.settings.date_partition_sequence = "YYYY";
  expect_error(o, "DatePartitionSequence");
  o.settings.date_partition_sequence = "YYYYMMDD";
  o.settings.date_partition_delimiter = "COMMA";
  expect_error(o, "DatePartitionDelimiter");
  EXPECT_TRUE(store_.List("")->empty());  // Create does no I/O
}

}  // namespace
}  // namespace binlake
