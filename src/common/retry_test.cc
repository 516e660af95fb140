// Backoff and retrying with a fake clock: no test here sleeps.
#include "common/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "common/testing/fake_retry_clock.h"

namespace binlake {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

using FakeClock = testing::FakeRetryClock;

// Jitter that always picks the bound, so the waits are the ceilings themselves.
JitterSource MaxJitter() {
  return [](uint64_t bound) { return bound; };
}

BackoffPolicy Policy(int max_attempts, int base_ms, int cap_ms) {
  BackoffPolicy p;
  p.max_attempts = max_attempts;
  p.initial_delay = milliseconds(base_ms);
  p.max_delay = milliseconds(cap_ms);
  return p;
}

TEST(BackoffTest, WithoutJitterDoublesUpToTheCap) {
  BackoffPolicy p = Policy(0, 500, 5000);
  p.jitter = 0;
  Backoff b(p, SeededJitter(1));
  std::vector<int64_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(b.NextDelay().count());
  EXPECT_EQ(got, (std::vector<int64_t>{500, 1000, 2000, 4000, 5000, 5000, 5000}));
  EXPECT_EQ(b.retries(), 7);
}

TEST(BackoffTest, CeilingNeverOverflows) {
  Backoff b(Policy(0, 100, 1000), MaxJitter());
  for (int i = 0; i < 2000; ++i) b.NextDelay();
  EXPECT_EQ(b.NextCeiling(), milliseconds(1000));
}

TEST(BackoffTest, EqualJitterStaysWithinItsBandAndVaries) {
  BackoffPolicy p = Policy(0, 1000, 8000);
  p.jitter = 0.5;
  std::set<int64_t> distinct;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Backoff b(p, SeededJitter(seed));
    for (int k = 0; k < 6; ++k) {
      int64_t full = std::min<int64_t>(8000, 1000LL << k);
      int64_t d = b.NextDelay().count();
      EXPECT_GE(d, full / 2) << "seed " << seed << " retry " << k;
      EXPECT_LE(d, full) << "seed " << seed << " retry " << k;
      if (k == 0) distinct.insert(d);
    }
  }
  EXPECT_GT(distinct.size(), 10u);  // tasks retrying together spread out
}

TEST(BackoffTest, FullJitterDrawsFromZeroToTheCeiling) {
  std::vector<uint64_t> bounds;
  JitterSource half = [&](uint64_t bound) {
    bounds.push_back(bound);
    return bound / 2;
  };
  Backoff b(Policy(0, 100, 10000), half);
  EXPECT_EQ(b.NextDelay(), milliseconds(50));
  EXPECT_EQ(b.NextDelay(), milliseconds(100));
  EXPECT_EQ(bounds, (std::vector<uint64_t>{100, 200}));
}

TEST(BackoffTest, DefaultJitterStaysInRange) {
  JitterSource j = DefaultJitter();
  for (int i = 0; i < 1000; ++i) EXPECT_LE(j(7), 7u);
  EXPECT_EQ(j(0), 0u);
}

TEST(RunWithRetryTest, RetryableFailuresAreRetriedUpToMaxAttempts) {
  FakeClock clock;
  int calls = 0;
  Status s = RunWithRetry(Policy(4, 100, 250), clock, MaxJitter(), [&] {
    ++calls;
    return NetworkError("connection refused");
  });
  EXPECT_EQ(s.code(), StatusCode::kNetworkError);
  EXPECT_EQ(s.message(), "connection refused");  // returned as it is
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps,
            (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(250)}));
}

TEST(RunWithRetryTest, SucceedsAfterThrottling) {
  FakeClock clock;
  int calls = 0;
  Result<int> r = RunWithRetry(Policy(8, 10, 100), clock, MaxJitter(), [&]() -> Result<int> {
    if (++calls < 3) return Throttled("SlowDown");
    return 42;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps.size(), 2u);
}

TEST(RunWithRetryTest, NonRetryableFailureIsReturnedAtOnce) {
  FakeClock clock;
  int calls = 0;
  Status s = RunWithRetry(Policy(8, 100, 1000), clock, MaxJitter(), [&] {
    ++calls;
    return PermissionDenied("SignatureDoesNotMatch");
  });
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(RunWithRetryTest, OneAttemptMeansNoRetry) {
  FakeClock clock;
  int calls = 0;
  Status s = RunWithRetry(Policy(1, 1, 1), clock, MaxJitter(), [&] {
    ++calls;
    return Throttled("503");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 1);
}

TEST(RetryLoopTest, CountsAttemptsAndTellsTheWaitBeforeSleeping) {
  FakeClock clock;
  RetryLoop loop(Policy(3, 100, 10000), clock, MaxJitter());
  std::vector<milliseconds> told;
  auto tell = [&](milliseconds d) {
    told.push_back(d);
    EXPECT_EQ(clock.sleeps.size(), told.size() - 1);  // told before the sleep
  };
  EXPECT_EQ(loop.attempts(), 1);
  EXPECT_TRUE(loop.BackoffAndContinue(tell));
  EXPECT_TRUE(loop.BackoffAndContinue(tell));
  EXPECT_FALSE(loop.BackoffAndContinue(tell));
  EXPECT_EQ(loop.attempts(), 3);
  EXPECT_EQ(told, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
  EXPECT_FALSE(loop.interrupted());
}

TEST(RetryWithBackoffTest, RetriesNetworkErrorsUntilSuccess) {
  FakeClock clock;
  BackoffPolicy p = Policy(0, 500, 30000);
  p.jitter = 0;
  int calls = 0;
  Status st = RetryWithBackoff(p, clock, "opening", [&] {
    return ++calls < 4 ? NetworkError("connection refused") : Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps,
            (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000)}));
}

TEST(RetryWithBackoffTest, NonRetryableErrorsReturnAtOnceUnchanged) {
  FakeClock clock;
  int calls = 0;
  Status st = RetryWithBackoff(BackoffPolicy{}, clock, "opening", [&] {
    ++calls;
    return PreconditionFailed("binlog file binlog.000001 is no longer on the source");
  });
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(st.message(), "binlog file binlog.000001 is no longer on the source");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(RetryWithBackoffTest, GivesUpAtTheDeadlineWithTheLastError) {
  FakeClock clock;
  BackoffPolicy p = Policy(0, 1000, 4000);
  p.jitter = 0;
  p.deadline = milliseconds(10000);
  int calls = 0;
  Status st = RetryWithBackoff(p, clock, "reopening the binlog stream", [&] {
    ++calls;
    return NetworkError("connection refused #" + std::to_string(calls));
  });
  // Sleeps 1 + 2 + 4 = 7 s; the next 4 s would pass 10 s.
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(st.code(), StatusCode::kNetworkError);
  EXPECT_THAT(st.message(), HasSubstr("reopening the binlog stream: gave up after 4 attempt(s)"));
  EXPECT_THAT(st.message(), HasSubstr("connection refused #4"));
  milliseconds total(0);
  for (auto d : clock.sleeps) total += d;
  EXPECT_LE(total, p.deadline);
}

TEST(RetryWithBackoffTest, GivesUpWhenTheAttemptsAreUsedUp) {
  FakeClock clock;
  int calls = 0;
  Status st = RetryWithBackoff(Policy(2, 10, 10), clock, "x", [&] {
    ++calls;
    return NetworkError("down");
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(st.code(), StatusCode::kNetworkError);
  EXPECT_THAT(st.message(), HasSubstr("x: gave up after 2 attempt(s)"));
}

TEST(RetryWithBackoffTest, InterruptedWaitIsCancelled) {
  FakeClock clock;
  clock.interrupt_at = 2;
  int calls = 0;
  Status st = RetryWithBackoff(BackoffPolicy{}, clock, "reopening", [&] {
    ++calls;
    return NetworkError("down");
  });
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_THAT(st.message(), HasSubstr("reopening: stopped while waiting to retry (down)"));
  EXPECT_EQ(calls, 2);
}

TEST(SystemRetryClockTest, InterruptWakesASleepFromAnotherThread) {
  SystemRetryClock clock;
  bool slept_fully = true;
  std::thread sleeper([&] { slept_fully = clock.SleepFor(std::chrono::hours(1)); });
  clock.Interrupt();  // before or during the sleep: either way it must end now
  sleeper.join();
  EXPECT_FALSE(slept_fully);
  EXPECT_FALSE(clock.SleepFor(std::chrono::hours(1)));  // stays interrupted
}

}  // namespace
}  // namespace binlake
