#include "materialize/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace binlake {
namespace work_pool_test {

// Each job submits `units` units to a group of its own and waits for them.
struct Counts {
  std::atomic<int> units_run{0};
  std::mutex mu;
  std::set<std::thread::id> unit_threads;
};

TEST(WorkPoolTest, EveryJobsUnitsRunBeforeItsWaitReturns) {
  for (size_t threads : {1u, 2u, 4u}) {
    WorkPool pool(threads, /*queue_limit=*/2);
    Counts counts;
    std::vector<int> seen(5, -1);
    pool.RunJobs(5, [&](size_t job) {
      WorkPool::Group group;
      std::atomic<int> mine{0};
      for (int u = 0; u < 7; ++u) {
        pool.Submit(&group, [&] {
          ++mine;
          ++counts.units_run;
          std::lock_guard lock(counts.mu);
          counts.unit_threads.insert(std::this_thread::get_id());
          return Status::Ok();
        });
      }
      EXPECT_TRUE(pool.Wait(&group).ok());
      seen[job] = mine.load();
    });
    EXPECT_EQ(counts.units_run.load(), 35) << threads << " thread(s)";
    EXPECT_EQ(seen, std::vector<int>(5, 7)) << threads << " thread(s)";
    EXPECT_LE(counts.unit_threads.size(), threads);
  }
}

TEST(WorkPoolTest, OneJobsUnitsRunOnEveryThread) {
  // One job, four threads: the three others run its units. A unit waits (with a deadline) until
  // units run on more than one thread at once, so the test fails if only the job's thread runs
  // them.
  WorkPool pool(4, 4);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  pool.RunJobs(1, [&](size_t) {
    WorkPool::Group group;
    for (int u = 0; u < 8; ++u) {
      pool.Submit(&group, [&] {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (most.load() < 2 && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::yield();
        }
        --running;
        return Status::Ok();
      });
    }
    EXPECT_TRUE(pool.Wait(&group).ok());
  });
  EXPECT_GE(most.load(), 2);
}

TEST(WorkPoolTest, AFailedUnitFailsItsGroupOnly) {
  WorkPool pool(2, 1);
  std::vector<Status> results(2);
  std::atomic<int> ran_after_failure{0};
  pool.RunJobs(2, [&](size_t job) {
    WorkPool::Group group;
    if (job == 0) {
      pool.Submit(&group, [] { return Corruption("unit 0 failed"); });
      // Queued after the failure is known: skipped.
      while (!pool.Failed(group)) std::this_thread::yield();
      pool.Submit(&group, [&] {
        ++ran_after_failure;
        return Status::Ok();
      });
    } else {
      for (int u = 0; u < 3; ++u) pool.Submit(&group, [] { return Status::Ok(); });
    }
    results[job] = pool.Wait(&group);
  });
  EXPECT_EQ(results[0].code(), StatusCode::kCorruption);
  EXPECT_EQ(results[0].message(), "unit 0 failed");
  EXPECT_TRUE(results[1].ok());
  EXPECT_EQ(ran_after_failure.load(), 0);
}

}  // namespace work_pool_test
}  // namespace binlake
