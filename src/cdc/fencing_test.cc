// The commit protocol under hostile conditions (docs/COMMIT-PROTOCOL.md, "Two instances of one
// task", "Unknown outcomes"): fencing that survives checkpoint retention, stores that ignore
// If-None-Match, checkpoint writes whose outcome is unknown, and restarts on stores that answer
// NoSuchUpload to a repeated CompleteMultipartUpload. Against a local directory and FakeS3.
#include <gtest/gtest.h>

#include <map>

#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake {
namespace {

using cdc_testing::FakeClock;
using cdc_testing::Keys;
using cdc_testing::MustCreate;
using cdc_testing::Schema;
using cdc_testing::TempTarget;
using testing::FakeS3;

constexpr uint64_t kCommitUs = 1732443299000001;

binlog::BinlogPosition Pos(uint64_t p) {
  return binlog::BinlogPosition{"binlog.000001", p, "0-1-" + std::to_string(p)};
}

CdcWriterOptions Options(FakeClock& clock, int keep = 20) {
  CdcWriterOptions o;
  o.writer_factory = *MakeRowFileWriterFactory(o.settings);
  o.file_extension = DataFileExtension(o.settings);
  o.clock = clock.Fn();
  o.checkpoints_to_keep = keep;
  o.commit_log_group = 1;  // past the retention, a checkpoint's number is free at once
  return o;
}

// One transaction inserting `ids` into db.t.
Status Batch(CdcWriter& w, uint64_t pos, const std::vector<int64_t>& ids) {
  static const TableSchema t = Schema("db", "t");
  w.BeginTransaction(kCommitUs);
  for (int64_t id : ids) {
    const std::string name = "n" + std::to_string(id);  // outlives the Value pointing at it
    std::vector<Value> row = {Value::Int(id), Value::String(name)};
    RETURN_IF_ERROR(w.AddChange(t, 'I', row, ""));
  }
  return w.EndTransaction(Pos(pos));
}

// How often each id appears in the visible data files of `store`.
std::map<int64_t, int> VisibleIds(ObjectStore& store) {
  std::map<int64_t, int> count;
  for (const std::string& k : Keys(store)) {
    if (k.find("_binlake/") != std::string::npos) continue;
    std::string data = *store.Get(k);
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

// Instance A stalls at checkpoint 0 while instance B commits 1..5 and, keeping 2, deletes 1..3.
// A's create of checkpoint 1 then succeeds (the key is free again), but A must not publish: B is
// ahead. Before the fencing listing, A published its batch (duplicates of what B wrote).
TEST(CdcFencingTest, AStaleInstanceIsFencedOutAfterRetentionFreedItsCheckpointNumber) {
  TempTarget target;
  FakeClock clock;
  auto a = MustCreate(&target.store(), Options(clock, 2));
  auto b_store = target.OpenAnother();
  auto b = MustCreate(b_store.get(), Options(clock, 2));
  ASSERT_TRUE(a->Recover(Pos(4)).ok());
  ASSERT_TRUE(b->Recover(Pos(4)).ok());
  for (int i = 1; i <= 5; ++i) {
    clock.now += std::chrono::seconds(1);
    ASSERT_TRUE(Batch(*b, 100 * i, {i}).ok());
    ASSERT_TRUE(b->Commit().ok());
  }
  ASSERT_EQ(Keys(target.store(), "_binlake/cdc/checkpoint-"),
            (std::vector<std::string>{CdcCheckpointKey("", 4), CdcCheckpointKey("", 5)}));

  ASSERT_TRUE(Batch(*a, 100, {1}).ok());  // A re-reads what B committed first
  Status s = a->Commit();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find("another binlake instance is ahead of this one: checkpoint 5"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(VisibleIds(target.store()),
            (std::map<int64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}));
  // A removed the checkpoint it created; B goes on.
  EXPECT_EQ(Keys(target.store(), "_binlake/cdc/checkpoint-"),
            (std::vector<std::string>{CdcCheckpointKey("", 4), CdcCheckpointKey("", 5)}));
  clock.now += std::chrono::seconds(1);
  ASSERT_TRUE(Batch(*b, 600, {6}).ok());
  ASSERT_TRUE(b->Commit().ok());
  EXPECT_EQ(VisibleIds(target.store()).size(), 6u);
}

// Hot standby: A is active and has a batch in progress; B takes over (Recover + Fence) with no
// change of its own to commit. A's next commit must fail and publish nothing, although no
// instance committed data after A's last checkpoint (without the fencing checkpoint, A's create
// of checkpoint 2 would succeed).
TEST(CdcFencingTest, AFencingCheckpointStopsTheInstanceThatHeldTheTaskBefore) {
  TempTarget target;
  FakeClock clock;
  auto a = MustCreate(&target.store(), Options(clock));
  ASSERT_TRUE(a->Recover(Pos(4)).ok());
  ASSERT_TRUE(Batch(*a, 100, {1}).ok());
  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(Batch(*a, 200, {2}).ok());  // in progress when B takes over

  auto b_store = target.OpenAnother();
  auto b = MustCreate(b_store.get(), Options(clock));
  auto resumed = b->Recover(Pos(4));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->position, 100u);
  clock.now += std::chrono::seconds(1);
  ASSERT_TRUE(b->Fence().ok());
  EXPECT_EQ(b->last_checkpoint().sequence, 2u);
  EXPECT_EQ(b->last_checkpoint().position.position, 100u);
  EXPECT_EQ(b->last_checkpoint().transactions, 1u);
  EXPECT_TRUE(b->last_checkpoint().files.empty());

  // A fails: its create of checkpoint 2 finds it taken, or already its prepare fails, because
  // B's first commit discarded A's unfinished objects as leftovers (COMMIT-PROTOCOL.md).
  Status s = a->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(VisibleIds(target.store()), (std::map<int64_t, int>{{1, 1}}));
  EXPECT_EQ(Keys(target.store(), "_binlake/cdc/checkpoint-"),
            (std::vector<std::string>{CdcCheckpointKey("", 1), CdcCheckpointKey("", 2)}));
  // B streams on from the fenced position: id 2 once.
  ASSERT_TRUE(Batch(*b, 200, {2}).ok());
  ASSERT_TRUE(b->Commit().ok());
  EXPECT_EQ(VisibleIds(target.store()), (std::map<int64_t, int>{{1, 1}, {2, 1}}));
  // A restart resumes from B's newest checkpoint.
  auto c = MustCreate(&target.store(), Options(clock));
  auto again = c->Recover(Pos(4));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->position, 200u);
  // A fence needs a recovered writer without an open batch.
  ASSERT_TRUE(Batch(*c, 300, {3}).ok());
  EXPECT_EQ(c->Fence().code(), StatusCode::kInternal);
}

class CdcOnFakeS3Test : public ::testing::Test {
 protected:
  void Start(FakeS3::Options options = {}) {
    auto s3 = FakeS3::Start(options);
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::move(*s3);
    store_ = OpenStore();
  }
  std::unique_ptr<ObjectStore> OpenStore() {
    auto store = s3::S3ObjectStore::Open(s3_->Target("lake"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(*store);
  }
  static bool IsCheckpoint(const FakeS3::Request& r) {
    return FakeS3::Key(r).find("_binlake/cdc/checkpoint-") != std::string::npos;
  }

  FakeClock clock_;
  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(CdcOnFakeS3Test, AStoreThatIgnoresIfNoneMatchIsRefusedAtStart) {
  FakeS3::Options o;
  o.honor_if_none_match = false;
  Start(o);
  auto w = MustCreate(store_.get(), Options(clock_));
  auto r = w->Recover(Pos(4));
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << r.status().ToString();
  EXPECT_NE(r.status().message().find("does not honour If-None-Match"), std::string::npos)
      << r.status().message();
  // Honoured: the same start works, and the probe leaves nothing behind.
  s3_->set_honor_if_none_match(true);
  auto again = MustCreate(store_.get(), Options(clock_));
  ASSERT_TRUE(again->Recover(Pos(4)).ok());
  EXPECT_TRUE(Keys(*store_).empty());
}

// The checkpoint PUT is applied but its answer is lost; the retry gets 412; reading it back
// fails. The outcome is unknown: the batch's uploads must be kept (not aborted), and the next
// start must publish them. Before, this was taken as "another instance won": the uploads the
// checkpoint names were aborted and every later restart failed.
TEST_F(CdcOnFakeS3Test, AnUnknownCheckpointOutcomeKeepsTheBatchForTheNextStart) {
  Start();
  auto w = MustCreate(store_.get(), Options(clock_));
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  ASSERT_TRUE(Batch(*w, 100, {1, 2}).ok());
  s3_->AddFault(FakeS3::LoseAnswer("PutObject").When(IsCheckpoint));
  s3_->AddFault(
      FakeS3::Fail("GetObject", 500, "InternalError", FakeS3::kAlways).When(IsCheckpoint));
  Status s = w->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("outcome unknown"), std::string::npos) << s.message();
  EXPECT_EQ(s3_->open_uploads(), 1u);  // kept for the next start
  EXPECT_TRUE(VisibleIds(*store_).empty());

  s3_->ClearFaults();
  auto restarted = MustCreate(store_.get(), Options(clock_));
  auto pos = restarted->Recover(Pos(4));
  ASSERT_TRUE(pos.ok()) << pos.status().ToString();
  EXPECT_EQ(*pos, Pos(100));
  EXPECT_EQ(VisibleIds(*store_), (std::map<int64_t, int>{{1, 1}, {2, 1}}));
}

// MinIO answers NoSuchUpload to a repeated CompleteMultipartUpload: a restart after a commit
// with files publishes them again from their tokens, and must succeed.
TEST_F(CdcOnFakeS3Test, RestartAfterACommitOnAStoreThatForgetsCompletedUploads) {
  FakeS3::Options o;
  o.repeat_complete = FakeS3::RepeatComplete::kNoSuchUpload;
  Start(o);
  {
    auto w = MustCreate(store_.get(), Options(clock_));
    ASSERT_TRUE(w->Recover(Pos(4)).ok());
    ASSERT_TRUE(Batch(*w, 100, {1, 2}).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  auto restarted = MustCreate(store_.get(), Options(clock_));
  auto pos = restarted->Recover(Pos(4));
  ASSERT_TRUE(pos.ok()) << pos.status().ToString();
  EXPECT_EQ(*pos, Pos(100));
  EXPECT_EQ(VisibleIds(*store_), (std::map<int64_t, int>{{1, 1}, {2, 1}}));
}

}  // namespace
}  // namespace binlake
