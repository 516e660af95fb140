// Backoff and retrying with a fake clock: no test here sleeps.
#include "source/replica_retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace binlake {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// Time moves only when the code under test sleeps.
class FakeClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  bool SleepFor(milliseconds d) override {
    sleeps.push_back(d);
    now_ += d;
    return !interrupt_at || sleeps.size() < static_cast<size_t>(interrupt_at);
  }
  std::vector<milliseconds> sleeps;
  int interrupt_at = 0;  // the n-th sleep (1-based) reports an interruption; 0 = never

 private:
  std::chrono::steady_clock::time_point now_{};
};

TEST(BackoffTest, WithoutJitterDoublesUpToTheCap) {
  BackoffPolicy p;
  p.initial_delay = milliseconds(500);
  p.max_delay = milliseconds(5000);
  p.jitter = 0;
  Backoff b(p, 1);
  std::vector<int64_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(b.NextDelay().count());
  EXPECT_EQ(got, (std::vector<int64_t>{500, 1000, 2000, 4000, 5000, 5000, 5000}));
  EXPECT_EQ(b.retries(), 7);
}

TEST(BackoffTest, JitterStaysWithinItsBandAndVaries) {
  BackoffPolicy p;
  p.initial_delay = milliseconds(1000);
  p.max_delay = milliseconds(8000);
  p.jitter = 0.5;
  std::set<int64_t> distinct;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Backoff b(p, seed);
    for (int k = 0; k < 6; ++k) {
      int64_t full = std::min<int64_t>(8000, 1000LL << k);
      int64_t d = b.NextDelay().count();
      EXPECT_GE(d, full / 2) << "seed " << seed << " retry " << k;
      EXPECT_LE(d, full) << "seed " << seed << " retry " << k;
      if (k == 0) distinct.insert(d);
    }
  }
  EXPECT_GT(distinct.size(), 10u);  // tasks reconnecting together spread out
}

TEST(RetryTest, RetriesNetworkErrorsUntilSuccess) {
  FakeClock clock;
  BackoffPolicy p;
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

TEST(RetryTest, NonRetryableErrorsReturnAtOnce) {
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

TEST(RetryTest, GivesUpAtTheDeadlineWithTheLastError) {
  FakeClock clock;
  BackoffPolicy p;
  p.initial_delay = milliseconds(1000);
  p.max_delay = milliseconds(4000);
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

TEST(RetryTest, ZeroDeadlineMeansOneAttempt) {
  FakeClock clock;
  BackoffPolicy p;
  p.deadline = milliseconds(0);
  int calls = 0;
  Status st = RetryWithBackoff(p, clock, "x", [&] {
    ++calls;
    return NetworkError("down");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(st.code(), StatusCode::kNetworkError);
}

TEST(RetryTest, InterruptedWaitIsCancelled) {
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

TEST(OpenStreamWithRetryTest, DoesNotRetryBadArguments) {
  FakeClock clock;
  StreamOptions o;
  o.start = StreamStart::At("", 4);
  auto r = OpenStreamWithRetry(o, BackoffPolicy{}, clock);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(OpenStreamWithRetryTest, RetriesAnUnreachableSourceUntilTheDeadline) {
  FakeClock clock;
  StreamOptions o;
  o.connection.host = "127.0.0.1";
  o.connection.port = 1;  // nothing listens: connection refused, retryable
  o.connection.tls_mode = TlsMode::kDisabled;
  o.start = StreamStart::At("binlog.000001", 4);
  BackoffPolicy p;
  p.jitter = 0;
  p.deadline = milliseconds(3000);
  auto r = OpenStreamWithRetry(o, p, clock);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError);
  EXPECT_THAT(r.status().message(), HasSubstr("gave up after 3 attempt(s)"));
  EXPECT_EQ(clock.sleeps.size(), 2u);  // 0.5 s + 1 s; the next 2 s would pass 3 s
}

}  // namespace
}  // namespace binlake
