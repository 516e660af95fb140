#include "cdc/cancel_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace binlake {
namespace {

using std::chrono::milliseconds;

// Polls `done` until it holds or 30 s pass (a generous deadline, not a timing assertion).
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

TEST(CancelWatcherTest, WithoutAFlagItDoesNothing) {
  SystemRetryClock clock;
  { CancelWatcher watcher(nullptr, &clock); }
  EXPECT_TRUE(clock.SleepFor(milliseconds(1)));  // not interrupted
}

TEST(CancelWatcherTest, InterruptsTheClockThenCutsTheStreamAfterTheGrace) {
  std::atomic<bool> cancel{false};
  SystemRetryClock clock;
  std::atomic<int> cuts{0};
  CancelWatcher watcher(&cancel, &clock, milliseconds(20));
  watcher.SetStreamCanceller([&cuts] { ++cuts; });
  cancel = true;
  // Returns false only when interrupted (a broken watcher makes this wait the full minute).
  EXPECT_FALSE(clock.SleepFor(std::chrono::minutes(1)));
  EXPECT_TRUE(Eventually([&] { return cuts.load() == 1; }));
  EXPECT_FALSE(clock.SleepFor(milliseconds(1)));  // every later sleep is interrupted too
}

TEST(CancelWatcherTest, StoppingDuringTheGraceCutsNothing) {
  std::atomic<bool> cancel{false};
  SystemRetryClock clock;
  std::atomic<int> cuts{0};
  auto watcher = std::make_unique<CancelWatcher>(&cancel, &clock, std::chrono::hours(1));
  watcher->SetStreamCanceller([&cuts] { ++cuts; });
  cancel = true;
  EXPECT_FALSE(clock.SleepFor(std::chrono::minutes(1)));  // the watcher is in its grace period
  watcher.reset();  // returns at once, not after the hour (the test's timeout would tell)
  EXPECT_EQ(cuts.load(), 0);
}

}  // namespace
}  // namespace binlake
