// The CDC commit protocol on a real S3 implementation (Ceph radosgw, CTest fixture "radosgw"):
// a commit, then a crash right after the next checkpoint is written, then a fresh writer's
// Recover completes the multipart uploads the checkpoint names; read back with the store. Then a
// crash before a checkpoint: its upload is aborted after the next successful commit.
#include <gtest/gtest.h>

#include <random>

#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/s3_object_store.h"
#include "store/testing/radosgw_env.h"

namespace binlake {
namespace {

using cdc_testing::At;
using cdc_testing::CrashingStore;
using cdc_testing::FakeClock;
using cdc_testing::Keys;
using cdc_testing::MustCreate;

binlog::BinlogPosition Pos(uint64_t p) { return binlog::BinlogPosition{"binlog.000002", p, ""}; }

TEST(CdcWriterRadosgwTest, CommitCrashAfterCheckpointAndRecover) {
  auto env = binlake::testing::LoadRadosgwEnv();
  ASSERT_TRUE(env.ok()) << env.status().message();
  std::mt19937_64 rng{std::random_device{}()};
  const std::string prefix = "it-cdc-writer-" + std::to_string(rng() % 1000000000);
  auto store = s3::S3ObjectStore::Open(binlake::testing::RadosgwTarget(*env, prefix));
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->CheckAccess().ok());

  FakeClock clock;
  S3Settings s;
  s.bucket_folder = "lake";
  s.timestamp_column_name = "ts";
  CdcWriterOptions o;
  o.settings = s;
  o.writer_factory = *MakeRowFileWriterFactory(s);
  o.file_extension = DataFileExtension(s);
  o.clock = clock.Fn();
  TableSchema t = cdc_testing::Schema("shop", "orders");
  auto batch = [&](CdcWriter& w, uint64_t pos, int64_t id) {
    w.BeginTransaction(1732443299000001);
    const std::string name = "item " + std::to_string(id);  // outlives the Value pointing at it
    std::vector<Value> row = {Value::Int(id), Value::String(name)};
    EXPECT_TRUE(w.AddChange(t, 'I', row, "").ok());
    EXPECT_TRUE(w.EndTransaction(Pos(pos)).ok());
  };
  {
    auto w = MustCreate(store->get(), o);
    ASSERT_TRUE(w->Recover(Pos(4)).ok());
    batch(*w, 100, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  clock.now = At(1000);
  {
    CrashingStore dying(store->get(), CrashingStore::Point::kAfterCheckpointPut);
    auto w = MustCreate(&dying, o);
    ASSERT_TRUE(w->Recover(Pos(4)).ok());
    batch(*w, 200, 2);
    EXPECT_FALSE(w->Commit().ok());
  }
  // Checkpoint 2 exists but its file is an incomplete multipart upload: not visible.
  EXPECT_EQ(Keys(**store, "lake/shop/"),
            std::vector<std::string>{"lake/shop/orders/20241124-101500123.csv"});
  auto w = MustCreate(store->get(), o);
  auto pos = w->Recover(Pos(4));
  ASSERT_TRUE(pos.ok()) << pos.status().message();
  EXPECT_EQ(*pos, Pos(200));
  EXPECT_EQ(Keys(**store, "lake/shop/"),
            (std::vector<std::string>{"lake/shop/orders/20241124-101500123.csv",
                                      "lake/shop/orders/20241124-101501123.csv"}));
  EXPECT_EQ(*(*store)->Get("lake/shop/orders/20241124-101501123.csv"),
            "I,2024-11-24 10:14:59.000001,2,item 2\n");
  // A crash before the next checkpoint leaves an invisible multipart upload; a second recovery
  // publishes nothing twice, and its first commit (checkpoint 3) aborts that upload.
  clock.now = At(2000);
  {
    CrashingStore dying(store->get(), CrashingStore::Point::kAtCheckpointPut);
    auto w = MustCreate(&dying, o);
    ASSERT_TRUE(w->Recover(Pos(4)).ok());
    batch(*w, 300, 3);
    EXPECT_FALSE(w->Commit().ok());
  }
  EXPECT_EQ((*store)->ListUncommitted("lake/")->size(), 1u);
  clock.now = At(3000);
  auto again = MustCreate(store->get(), o);
  ASSERT_TRUE(again->Recover(Pos(4)).ok());
  EXPECT_EQ(again->last_checkpoint().position, Pos(200));
  batch(*again, 300, 3);
  ASSERT_TRUE(again->Commit().ok());
  EXPECT_EQ(again->last_checkpoint().sequence, 3u);
  EXPECT_EQ(Keys(**store, "lake/shop/").back(), "lake/shop/orders/20241124-101503123.csv");
  EXPECT_EQ(Keys(**store, "lake/shop/").size(), 3u);
  EXPECT_TRUE((*store)->ListUncommitted("lake/")->empty());
  for (const std::string& k : Keys(**store, "")) EXPECT_TRUE((*store)->Delete(k).ok());
}

}  // namespace
}  // namespace binlake
