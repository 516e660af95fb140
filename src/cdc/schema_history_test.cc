#include "cdc/schema_history.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

TableSchema Table(std::vector<std::string> columns) {
  TableSchema t;
  t.schema = "db";
  t.table = "t";
  for (const std::string& name : columns) {
    Column c;
    c.name = name;
    c.type.type = SqlType::kInt;
    t.columns.push_back(c);
  }
  return t;
}

binlog::BinlogPosition At(uint64_t pos) { return binlog::BinlogPosition{"binlog.000002", pos, ""}; }

std::vector<std::string> VersionKeys(MemoryObjectStore& store) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : store.objects()) keys.push_back(k);
  return keys;
}

TEST(SchemaHistoryTest, RecordsEachNewVersionOnceByItsFirstPosition) {
  MemoryObjectStore store;
  {
    SchemaHistory h(&store, "folder");
    h.Observe(Table({"id", "a"}), At(100));
    h.Observe(Table({"id", "a"}), At(200));       // same columns: nothing new
    h.Observe(Table({"id", "a", "b"}), At(300));  // ADD COLUMN b
    ASSERT_TRUE(h.Flush().ok());
    EXPECT_EQ(h.versions_written(), 2u);
  }
  EXPECT_EQ(
      VersionKeys(store),
      (std::vector<std::string>{"folder/_binlake/schema/db/t/binlog.000002-000000000100.json",
                                "folder/_binlake/schema/db/t/binlog.000002-000000000300.json"}));
  std::string v2 = *store.Get("folder/_binlake/schema/db/t/binlog.000002-000000000300.json");
  EXPECT_NE(v2.find("\"name\": \"b\""), std::string::npos) << v2;

  // A restart compares with the newest recorded version: the same columns are not recorded
  // again, other ones are.
  SchemaHistory again(&store, "folder");
  again.Observe(Table({"id", "a", "b"}), At(50));
  ASSERT_TRUE(again.Flush().ok());
  EXPECT_EQ(again.versions_written(), 0u);
  again.Observe(Table({"id", "b"}), At(400));
  ASSERT_TRUE(again.Flush().ok());
  EXPECT_EQ(again.versions_written(), 1u);
  EXPECT_EQ(VersionKeys(store).size(), 3u);
}

// A store whose List waits until the gate opens (at most 10 s: a List that is never released
// fails instead of hanging the test), and whose Put can be made to fail.
class GatedStore : public MemoryObjectStore {
 public:
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::unique_lock<std::mutex> lock(gate_mu_);
    if (!gate_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return open.load(); })) {
      return IoError("GatedStore: List was never released");
    }
    lock.unlock();
    return MemoryObjectStore::List(prefix);
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      open = true;
    }
    gate_cv_.notify_all();
  }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override {
    if (fail_puts) return IoError("cannot write " + std::string(key));
    return MemoryObjectStore::Put(key, data, options);
  }
  std::atomic<bool> open{true};
  std::atomic<bool> fail_puts{false};

 private:
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
};

TEST(SchemaHistoryTest, ObserveReturnsBeforeTheStoreAnswersAndFlushWaitsForIt) {
  GatedStore store;
  store.open = false;
  std::atomic<bool> observed{false};
  // Opens the gate once Observe returned, or after 3 s (so a blocking Observe ends the test
  // with a failure instead of a hang).
  std::thread opener([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!observed && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    store.Open();
  });
  SchemaHistory h(&store, "");
  h.Observe(Table({"id"}), At(100));
  EXPECT_FALSE(store.open);  // returned while the store's List was still blocked
  EXPECT_TRUE(store.objects().empty());
  observed = true;
  ASSERT_TRUE(h.Flush().ok());
  EXPECT_EQ(store.objects().size(), 1u);  // written by the time Flush returned
  opener.join();
}

TEST(SchemaHistoryTest, TheFirstErrorIsKeptAndStopsLaterRecords) {
  GatedStore store;
  store.fail_puts = true;
  SchemaHistory h(&store, "");
  h.Observe(Table({"id"}), At(100));
  Status s = h.Flush();
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("recording the columns of db.t"), std::string::npos) << s.message();
  store.fail_puts = false;
  h.Observe(Table({"id", "x"}), At(200));
  EXPECT_EQ(h.Flush().code(), StatusCode::kIoError);  // sticky: the task must stop
  EXPECT_TRUE(store.objects().empty());
}

}  // namespace
}  // namespace binlake
