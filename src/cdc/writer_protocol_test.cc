// The commit protocol of docs/COMMIT-PROTOCOL.md on a real local directory: crashes at every
// step followed by a fresh writer's Recover, two writers on one target, checkpoint retention,
// leftovers, and the data formats through the factory.
#include <gtest/gtest.h>

#include <map>

#include "cdc/commit_log.h"
#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/testing/get_range_contract.h"

namespace binlake {
namespace {

using cdc_testing::At;
using cdc_testing::CrashingStore;
using cdc_testing::FakeClock;
using cdc_testing::Keys;
using cdc_testing::MustCreate;
using cdc_testing::Schema;
using cdc_testing::TempTarget;

using cdc_testing::kCommitUs;

// binlog.000001:p with the GTID 0-1-p.
binlog::BinlogPosition GtidPos(uint64_t p) {
  return binlog::BinlogPosition{"binlog.000001", p, "0-1-" + std::to_string(p)};
}

class CdcProtocolTest : public ::testing::Test {
 protected:
  CdcWriterOptions Options(S3Settings s = {}) {
    CdcWriterOptions o;
    o.settings = s;
    o.writer_factory = *MakeRowFileWriterFactory(s);
    o.file_extension = DataFileExtension(s);
    o.clock = clock_.Fn();
    return o;
  }
  // One transaction inserting `ids` into t1 (even ids) and t2 (odd ids).
  Status Batch(CdcWriter& w, uint64_t pos, const std::vector<int64_t>& ids) {
    w.BeginTransaction(kCommitUs);
    for (int64_t id : ids) {
      std::string name = "n" + std::to_string(id);
      std::vector<Value> row = {Value::Int(id), Value::String(name)};
      RETURN_IF_ERROR(w.AddChange(id % 2 ? t2_ : t1_, 'I', row, ""));
    }
    return w.EndTransaction(GtidPos(pos));
  }
  std::vector<std::string> DataKeys() {
    std::vector<std::string> out;
    for (const std::string& k : Keys(target_.store())) {
      if (k.find("_binlake/") == std::string::npos) out.push_back(k);
    }
    return out;
  }
  // How often each id appears in the visible data files.
  std::map<int64_t, int> VisibleIds() {
    std::map<int64_t, int> count;
    for (const std::string& k : DataKeys()) {
      std::string data = *target_.store().Get(k);
      size_t pos = 0;
      while (pos < data.size()) {
        size_t end = data.find('\n', pos);
        std::string line = data.substr(pos, end - pos);  // "I,<id>,n<id>"
        ++count[std::stoll(line.substr(2, line.find(',', 2) - 2))];
        pos = end + 1;
      }
    }
    return count;
  }
  bool HasTempFiles() {
    for (const std::string& f : target_.AllFiles()) {
      if (f.find(".tmp-") != std::string::npos) return true;
    }
    return false;
  }

  FakeClock clock_;
  TempTarget target_;
  TableSchema t1_ = Schema("db", "t1");
  TableSchema t2_ = Schema("db", "t2");
};

TEST_F(CdcProtocolTest, CommitThenRecoverResumesAfterTheCheckpoint) {
  auto w = MustCreate(&target_.store(), Options());
  auto start = w->Recover(GtidPos(4));
  ASSERT_TRUE(start.ok()) << start.status().message();
  EXPECT_EQ(*start, GtidPos(4));
  EXPECT_EQ(w->last_checkpoint().sequence, 0u);
  ASSERT_TRUE(Batch(*w, 100, {1, 2}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(DataKeys(), (std::vector<std::string>{"db/t1/20241124-101500123.csv",
                                                  "db/t2/20241124-101500123.csv"}));
  EXPECT_FALSE(HasTempFiles());

  auto again = MustCreate(&target_.store(), Options());
  auto pos = again->Recover(GtidPos(4));
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, GtidPos(100));  // GTID set included
  EXPECT_EQ(again->last_checkpoint().sequence, 1u);
  EXPECT_EQ(again->last_checkpoint().files.size(), 2u);
  EXPECT_EQ(DataKeys().size(), 2u);  // publishing again changed nothing
}

// Crash points: (store crash point, publications before the crash, was batch 2 committed).
struct CrashCase {
  const char* name;
  CrashingStore::Point point;
  int publishes;
  bool committed;
};

void PrintTo(const CrashCase& c, std::ostream* os) { *os << c.name; }

class CdcCrashTest : public CdcProtocolTest, public ::testing::WithParamInterface<CrashCase> {};

TEST_P(CdcCrashTest, FreshWriterRecoversExactlyTheCommittedBatches) {
  const CrashCase& c = GetParam();
  {
    auto first = MustCreate(&target_.store(), Options());
    ASSERT_TRUE(first->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*first, 100, {1, 2}).ok());
    ASSERT_TRUE(first->Commit().ok());
  }
  clock_.now = At(1000);
  {
    CrashingStore dying(&target_.store(), c.point, c.publishes);
    auto second = MustCreate(&dying, Options());
    ASSERT_TRUE(second->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*second, 200, {3, 4}).ok());
    Status s = second->Commit();
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(dying.crashed());
  }  // the "process" is gone; what it left stays as it was
  const std::vector<std::string> batch1 = {"db/t1/20241124-101500123.csv",
                                           "db/t2/20241124-101500123.csv"};
  const std::vector<std::string> both = {
      "db/t1/20241124-101500123.csv", "db/t1/20241124-101501123.csv",
      "db/t2/20241124-101500123.csv", "db/t2/20241124-101501123.csv"};
  if (c.point == CrashingStore::Point::kAfterPublishes) {
    EXPECT_EQ(DataKeys().size(), 3u);  // half of batch 2 is visible before recovery
  } else {
    EXPECT_EQ(DataKeys(), batch1);  // nothing of an uncommitted batch is ever visible
  }

  clock_.now = At(2000);
  auto third = MustCreate(&target_.store(), Options());
  auto pos = third->Recover(GtidPos(4));
  ASSERT_TRUE(pos.ok()) << pos.status().message();
  EXPECT_EQ(*pos, c.committed ? GtidPos(200) : GtidPos(100));
  EXPECT_EQ(third->last_checkpoint().sequence, c.committed ? 2u : 1u);
  EXPECT_EQ(DataKeys(), c.committed ? both : batch1);
  if (!c.committed) {
    // The source replays batch 2 from the checkpoint's position.
    ASSERT_TRUE(Batch(*third, 200, {3, 4}).ok());
    ASSERT_TRUE(third->Commit().ok());
  }
  ASSERT_TRUE(Batch(*third, 300, {5, 6}).ok());
  ASSERT_TRUE(third->Commit().ok());
  EXPECT_EQ(third->last_checkpoint().sequence, c.committed ? 3u : 3u);
  const std::map<int64_t, int> once = {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}};
  EXPECT_EQ(VisibleIds(), once);  // every change exactly once
  // Leftovers of the dead batch were discarded after the first commit.
  EXPECT_FALSE(HasTempFiles()) << ::testing::PrintToString(target_.AllFiles());
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, CdcCrashTest,
    ::testing::Values(
        CrashCase{"WhilePreparing", CrashingStore::Point::kAtFirstPrepare, 0, false},
        CrashCase{"AfterPrepare", CrashingStore::Point::kAtCheckpointPut, 0, false},
        CrashCase{"AfterCheckpoint", CrashingStore::Point::kAfterCheckpointPut, 0, true},
        CrashCase{"AfterHalfPublished", CrashingStore::Point::kAfterPublishes, 1, true}),
    [](const ::testing::TestParamInfo<CrashCase>& info) { return info.param.name; });

TEST_F(CdcProtocolTest, RecoverIsIdempotent) {
  {
    CrashingStore dying(&target_.store(), CrashingStore::Point::kAfterCheckpointPut);
    auto w = MustCreate(&dying, Options());
    ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*w, 100, {1, 2}).ok());
    EXPECT_FALSE(w->Commit().ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto w = MustCreate(&target_.store(), Options());
    auto pos = w->Recover(GtidPos(4));
    ASSERT_TRUE(pos.ok()) << pos.status().message();
    EXPECT_EQ(*pos, GtidPos(100));
    EXPECT_EQ(VisibleIds(), (std::map<int64_t, int>{{1, 1}, {2, 1}}));
  }
}

TEST_F(CdcProtocolTest, AFailureBeforeTheCheckpointCommitsNothing) {
  // The hook runs after the files are prepared and before the commit point (the CDC task waits
  // there for the schema history): its error aborts the batch, and no file ever appears.
  CdcWriterOptions o = Options();
  int calls = 0;
  o.before_checkpoint = [&calls] {
    ++calls;
    return IoError("schema history: disk full");
  };
  {
    auto w = MustCreate(&target_.store(), o);
    ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*w, 100, {1, 2}).ok());
    Status s = w->Commit();
    EXPECT_EQ(s.message(), "schema history: disk full");
    EXPECT_EQ(calls, 1);
  }
  EXPECT_TRUE(DataKeys().empty());
  EXPECT_FALSE(HasTempFiles());
  auto again = MustCreate(&target_.store(), Options());
  auto pos = again->Recover(GtidPos(4));
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, GtidPos(4));  // nothing was committed
  EXPECT_EQ(again->last_checkpoint().sequence, 0u);
}

TEST_F(CdcProtocolTest, SecondWriterOnTheSameTargetFailsAndItsFilesNeverAppear) {
  auto other_store = target_.OpenAnother();
  auto a = MustCreate(&target_.store(), Options());
  auto b = MustCreate(other_store.get(), Options());
  ASSERT_TRUE(a->Recover(GtidPos(4)).ok());
  ASSERT_TRUE(b->Recover(GtidPos(4)).ok());
  ASSERT_TRUE(Batch(*a, 100, {2}).ok());
  ASSERT_TRUE(Batch(*b, 100, {4}).ok());  // same table, same clock: same file name
  ASSERT_TRUE(a->Commit().ok());
  Status lost = b->Commit();
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(lost.message().find("another binlake instance committed checkpoint 1 of this task"),
            std::string::npos)
      << lost.message();
  EXPECT_NE(lost.message().find("stopping"), std::string::npos);
  EXPECT_EQ(VisibleIds(), (std::map<int64_t, int>{{2, 1}}));
  EXPECT_FALSE(HasTempFiles());  // the loser discarded its prepared file
  // The winner goes on.
  ASSERT_TRUE(Batch(*a, 200, {6}).ok());
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(VisibleIds(), (std::map<int64_t, int>{{2, 1}, {6, 1}}));
}

TEST_F(CdcProtocolTest, OldCheckpointsAreFoldedIntoTheCommitLogBeyondTheRetention) {
  CdcWriterOptions o = Options();
  o.checkpoints_to_keep = 3;
  o.commit_log_group = 1;
  {
    auto w = MustCreate(&target_.store(), o);
    ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
    for (int i = 1; i <= 5; ++i) {
      ASSERT_TRUE(Batch(*w, 100 * i, {i}).ok());
      ASSERT_TRUE(w->Commit().ok());
    }
  }
  EXPECT_EQ(Keys(target_.store(), "_binlake/cdc/checkpoint-"),
            (std::vector<std::string>{CdcCheckpointKey("", 3), CdcCheckpointKey("", 4),
                                      CdcCheckpointKey("", 5)}));
  EXPECT_EQ(
      Keys(target_.store(), "_binlake/cdc/log/"),
      (std::vector<std::string>{CommitLogSegmentKey("", 1, 1), CommitLogSegmentKey("", 2, 2)}));
  // Folding waits for a group of 3 due checkpoints: 6 folds 3-5 at once, 7 and 8 fold nothing.
  o.checkpoints_to_keep = 1;
  o.commit_log_group = 3;
  auto w = MustCreate(&target_.store(), o);
  ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
  for (int i = 6; i <= 8; ++i) {
    ASSERT_TRUE(Batch(*w, 100 * i, {i}).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  EXPECT_EQ(Keys(target_.store(), "_binlake/cdc/checkpoint-"),
            (std::vector<std::string>{CdcCheckpointKey("", 6), CdcCheckpointKey("", 7),
                                      CdcCheckpointKey("", 8)}));
  EXPECT_EQ(Keys(target_.store(), "_binlake/cdc/log/").back(), CommitLogSegmentKey("", 3, 5));
  auto history = ReadCommitHistory(target_.store(), "");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->commits.size(), 8u);
  EXPECT_EQ(history->contiguous_from, 1u);
  for (int i = 1; i <= 8; ++i) {
    const CdcCheckpoint& c = history->commits[i - 1];
    EXPECT_EQ(c.sequence, static_cast<uint64_t>(i));
    EXPECT_EQ(c.position.position, static_cast<uint64_t>(100 * i));
    EXPECT_EQ(c.files.size(), 1u);
  }
  EXPECT_EQ(VisibleIds().size(), 8u);  // data files are never deleted
}

TEST_F(CdcProtocolTest, CorruptNewestCheckpointIsAClearError) {
  S3Settings s;
  s.bucket_folder = "lake";
  ASSERT_TRUE(target_.store().Put(CdcCheckpointKey("lake", 7), "{not json", {}).ok());
  auto w = MustCreate(&target_.store(), Options(s));
  auto r = w->Recover(GtidPos(4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("checkpoint-00000000000000000007.json"), std::string::npos)
      << r.status().message();
}

TEST_F(CdcProtocolTest, LeftoversOfOtherObjectsAreNotTouched) {
  // A full load's temp file (LOAD*) and an unrelated one must survive CDC's cleanup.
  auto load = target_.store().NewWriter("db/t1/LOAD00000001.csv", {});
  ASSERT_TRUE((*load)->Write("1,a\n").ok());
  {
    CrashingStore dying(&target_.store(), CrashingStore::Point::kAtCheckpointPut);
    auto w = MustCreate(&dying, Options());
    ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*w, 100, {1}).ok());
    EXPECT_FALSE(w->Commit().ok());
  }
  auto w = MustCreate(&target_.store(), Options());
  ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
  auto leftovers = target_.store().ListUncommitted("");
  ASSERT_EQ(leftovers->size(), 2u);  // the dead batch's file and the full load's
  ASSERT_TRUE(Batch(*w, 100, {1}).ok());
  ASSERT_TRUE(w->Commit().ok());
  leftovers = target_.store().ListUncommitted("");
  ASSERT_EQ(leftovers->size(), 1u);
  EXPECT_EQ((*leftovers)[0].key, "db/t1/LOAD00000001.csv");
  ASSERT_TRUE((*load)->Close().ok());
}

TEST_F(CdcProtocolTest, GzipAndParquetThroughTheFactory) {
  S3Settings gz;
  gz.compression = Compression::kGzip;
  gz.bucket_folder = "gz";
  S3Settings pq;
  pq.data_format = DataFormat::kParquet;
  pq.compression = Compression::kSnappy;
  pq.bucket_folder = "pq";
  pq.timestamp_column_name = "ts";
  for (const S3Settings& s : {gz, pq}) {
    auto w = MustCreate(&target_.store(), Options(s));
    ASSERT_TRUE(w->Recover(GtidPos(4)).ok());
    ASSERT_TRUE(Batch(*w, 100, {2, 4}).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  EXPECT_EQ(cdc_testing::Gunzip(*target_.store().Get("gz/db/t1/20241124-101500123.csv.gz")),
            "I,2,n2\nI,4,n4\n");
  std::string parquet = *target_.store().Get("pq/db/t1/20241124-101500123.parquet");
  ASSERT_GT(parquet.size(), 8u);
  EXPECT_EQ(parquet.substr(0, 4), "PAR1");
  EXPECT_EQ(parquet.substr(parquet.size() - 4), "PAR1");
  EXPECT_NE(parquet.find("ts"), std::string::npos);  // the column is in the footer's schema
  auto again = MustCreate(&target_.store(), Options(pq));
  ASSERT_TRUE(again->Recover(GtidPos(4)).ok());
  ASSERT_EQ(again->last_checkpoint().files.size(), 1u);
  EXPECT_EQ(again->last_checkpoint().files[0].rows, 2u);
}

// The crashing wrapper forwards GetRange until it dies, and fails it afterwards.
TEST_F(CdcProtocolTest, CrashingStoreForwardsGetRangeUntilItDies) {
  CrashingStore store(&target_.store(), CrashingStore::Point::kAtCheckpointPut);
  binlake::testing::ExpectGetRangeContract(store, "range/");
  EXPECT_FALSE(store.Put("_binlake/cdc/checkpoint-1.json", "{}", {}).ok());
  ASSERT_TRUE(store.crashed());
  EXPECT_EQ(store.GetRange("range/ten", 0, 4).status().code(), StatusCode::kIoError);
  EXPECT_EQ(*target_.store().GetRange("range/ten", 0, 4), "0123");
}

}  // namespace
}  // namespace binlake
