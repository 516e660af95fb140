// The task lease (ops/lease.h) and hot standby (ops/standby.h) over an in-memory store: one
// holder per term, takeover only after the holder stopped renewing or released the lease, a
// holder that loses the lease to a newer term or to a failing store, and the lease objects'
// errors. THREADS: the keeper's thread runs under ThreadSanitizer too. Waiting is polled with
// deadlines; no test asserts how fast anything happens.
#include "ops/lease.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <type_traits>

#include "ops/standby.h"
#include "store/testing/memory_object_store.h"

namespace binlake::ops {
namespace {

using std::chrono::milliseconds;

// A store whose writes fail while `failing` is set (the holder "loses the store").
class FlakyStore : public MemoryObjectStore {
 public:
  std::atomic<bool> failing{false};
  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override {
    if (failing.load()) return NetworkError("connection refused (test)");
    return MemoryObjectStore::Put(key, data, options);
  }
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    if (failing.load()) return NetworkError("connection refused (test)");
    return MemoryObjectStore::List(prefix);
  }
};

LeaseOptions Options(const std::string& id, milliseconds period,
                     const std::atomic<bool>* cancel = nullptr) {
  LeaseOptions o;
  o.bucket_folder = "folder";
  o.instance_id = id;
  o.period = period;
  o.cancel = cancel;
  return o;
}

// The value, or `fallback` on an error.
template <typename T>
T Or(Result<T> r, std::type_identity_t<T> fallback) {
  return r.ok() ? *r : fallback;
}

// Polls `done` until it holds or 60 s passed.
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

TEST(LeaseTest, OneInstanceCreatesEachTermAndTheHeartbeatIsRead) {
  MemoryObjectStore store;
  auto empty = ReadLease(store, "folder");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->newest);
  LeaseTerm t{1, "a:1", "2026-12-05T10:00:00.000Z", 10};
  ASSERT_EQ(Or(CreateLeaseTerm(store, "folder", t), false), true);
  LeaseTerm other{1, "b:2", "2026-12-05T10:00:00.001Z", 10};
  auto second = CreateLeaseTerm(store, "folder", other);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  // Asking again for our own term (a retried create) is ours.
  EXPECT_EQ(Or(CreateLeaseTerm(store, "folder", t), false), true);

  ASSERT_TRUE(
      WriteLeaseHeartbeat(store, "folder", {1, "a:1", "2026-12-05T10:00:03.000Z", 1, false}).ok());
  auto read = ReadLease(store, "folder");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->newest);
  EXPECT_EQ(read->newest->holder, "a:1");
  EXPECT_EQ(read->newest->lease_seconds, 10);
  ASSERT_TRUE(read->heartbeat);
  EXPECT_EQ(read->heartbeat->renewals, 1u);
  EXPECT_FALSE(read->heartbeat->released);
  EXPECT_NE(read->heartbeat_bytes, "");
  EXPECT_TRUE(store.Head("folder/_binlake/lease/term-00000000000000000001.json")->has_value());

  ASSERT_EQ(Or(CreateLeaseTerm(store, "folder", {2, "b:2", "x", 10}), false), true);
  EXPECT_EQ(Or(NewestLeaseTerm(store, "folder"), 0), 2u);
  read = ReadLease(store, "folder");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->newest->holder, "b:2");
  EXPECT_FALSE(read->heartbeat);  // term 2 has not renewed yet
  ASSERT_TRUE(DeleteLeaseTermsBelow(store, "folder", 2).ok());
  EXPECT_FALSE(store.Head("folder/_binlake/lease/term-00000000000000000001.json")->has_value());
  EXPECT_EQ(Or(NewestLeaseTerm(store, "folder"), 0), 2u);
}

TEST(LeaseTest, ADamagedLeaseObjectIsACorruptionNamingIt) {
  MemoryObjectStore store;
  ASSERT_TRUE(store.Put("_binlake/lease/term-00000000000000000003.json", "{\"term\":3}", {}).ok());
  auto read = ReadLease(store, "");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
  EXPECT_NE(read.status().message().find("term-00000000000000000003.json"), std::string::npos);
  EXPECT_NE(read.status().message().find("'holder'"), std::string::npos);
  ASSERT_TRUE(store.Put("_binlake/lease/term-00000000000000000003.json", "not json", {}).ok());
  EXPECT_EQ(ReadLease(store, "").status().code(), StatusCode::kCorruption);
  // Other objects under the prefix are not lease terms.
  ASSERT_TRUE(store.Put("_binlake/lease/notes.txt", "x", {}).ok());
  ASSERT_TRUE(store.Delete("_binlake/lease/term-00000000000000000003.json").ok());
  EXPECT_EQ(Or(NewestLeaseTerm(store, ""), 99), 0u);
}

TEST(StandbyTest, TheFirstInstanceTakesAFreeLeaseAndAStandbyWaitsWhileItRenews) {
  MemoryObjectStore store;
  auto a = AcquireLease(store, Options("a", milliseconds(1500)));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->term, 1u);
  std::atomic<int> lost{0};
  LeaseKeeper keeper(store, Options("a", milliseconds(1500)), *a,
                     [&](const std::string&) { ++lost; });
  EXPECT_TRUE(keeper.Held());

  std::atomic<bool> stop_b{false};
  auto b = std::async(std::launch::async, [&] {
    return AcquireLease(store, Options("b", milliseconds(1500), &stop_b));
  });
  // While a renews (every 0.5 s), b must not take over: watch a renew 8 times (4 s, more than
  // two periods), then stop b.
  ASSERT_TRUE(Eventually([&] {
    auto l = ReadLease(store, "folder");
    return l.ok() && l->heartbeat && l->heartbeat->renewals >= 8;
  }));
  stop_b.store(true);
  auto b_result = b.get();
  EXPECT_EQ(b_result.status().code(), StatusCode::kCancelled) << b_result.status().ToString();
  EXPECT_TRUE(keeper.Held());
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(Or(NewestLeaseTerm(store, "folder"), 0), 1u);
}

TEST(StandbyTest, AStandbyTakesOverFromAHolderThatStoppedRenewing) {
  MemoryObjectStore store;
  const milliseconds period(300);
  auto a = AcquireLease(store, Options("a", period));
  ASSERT_TRUE(a.ok());
  {
    LeaseKeeper keeper(store, Options("a", period), *a, nullptr);
    ASSERT_TRUE(Eventually([&] {
      auto l = ReadLease(store, "folder");
      return l.ok() && l->heartbeat && l->heartbeat->renewals >= 2;
    }));
  }  // a dies: no release
  auto b = AcquireLease(store, Options("b", period));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->term, 2u);
  EXPECT_EQ(b->holder, "b");
  auto l = ReadLease(store, "folder");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->newest->holder, "b");
}

TEST(StandbyTest, AReleasedLeaseIsTakenWithoutWaitingForItsPeriod) {
  MemoryObjectStore store;
  // A period far longer than the test's deadline: only the release can let b in.
  const milliseconds period(std::chrono::hours(1));
  auto a = AcquireLease(store, Options("a", period));
  ASSERT_TRUE(a.ok());
  LeaseKeeper keeper(store, Options("a", period), *a, nullptr);
  ASSERT_TRUE(keeper.Release().ok());
  std::atomic<bool> stop_c{false};
  auto c = std::async(std::launch::async,
                      [&] { return AcquireLease(store, Options("c", period, &stop_c)); });
  bool done = Eventually([&] { return Or(NewestLeaseTerm(store, "folder"), 0) == 2; });
  stop_c.store(true);
  auto c_result = c.get();
  ASSERT_TRUE(done);
  ASSERT_TRUE(c_result.ok()) << c_result.status().ToString();
  EXPECT_EQ(c_result->holder, "c");
}

TEST(StandbyTest, AHolderLosesTheLeaseToANewerTerm) {
  MemoryObjectStore store;
  const milliseconds period(300);
  auto a = AcquireLease(store, Options("a", period));
  ASSERT_TRUE(a.ok());
  std::mutex mu;
  std::string why;
  std::atomic<bool> lost{false};
  LeaseKeeper keeper(store, Options("a", period), *a, [&](const std::string& w) {
    std::lock_guard<std::mutex> lock(mu);
    why = w;
    lost.store(true);
  });
  // b took the task over while a was frozen.
  ASSERT_EQ(Or(CreateLeaseTerm(store, "folder", {2, "b", "t", 1}), false), true);
  ASSERT_TRUE(Eventually([&] { return lost.load(); }));
  EXPECT_FALSE(keeper.Held());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_NE(why.find("another instance took the task over: b (term 2)"), std::string::npos) << why;
  EXPECT_EQ(keeper.lost_reason(), why);
  EXPECT_TRUE(keeper.Release().ok());  // no released heartbeat for a lost term
  auto l = ReadLease(store, "folder");
  ASSERT_TRUE(l.ok());
  EXPECT_FALSE(l->heartbeat);
}

TEST(StandbyTest, AHolderThatCannotRenewForAPeriodLosesTheLease) {
  FlakyStore store;
  const milliseconds period(300);
  auto a = AcquireLease(store, Options("a", period));
  ASSERT_TRUE(a.ok());
  std::atomic<bool> lost{false};
  LeaseKeeper keeper(store, Options("a", period), *a,
                     [&](const std::string&) { lost.store(true); });
  store.failing.store(true);
  ASSERT_TRUE(Eventually([&] { return lost.load(); }));
  EXPECT_FALSE(keeper.Held());
  EXPECT_NE(keeper.lost_reason().find("could not renew the lease for"), std::string::npos)
      << keeper.lost_reason();
  EXPECT_NE(keeper.lost_reason().find("connection refused (test)"), std::string::npos);
}

}  // namespace
}  // namespace binlake::ops
