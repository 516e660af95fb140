// Reopening the stream with a fake clock: no test here sleeps (the backoff itself is tested in
// common/retry_test.cc).
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

TEST(OpenStreamWithRetryTest, DoesNotRetryBadArguments) {
  FakeClock clock;
  StreamOptions o;
  o.start = StreamStart::At("", 4);
  auto r = OpenStreamWithRetry(o, DefaultReconnectPolicy(), clock);
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
  BackoffPolicy p = DefaultReconnectPolicy();
  p.jitter = 0;
  p.deadline = milliseconds(3000);
  auto r = OpenStreamWithRetry(o, p, clock);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError);
  EXPECT_THAT(r.status().message(), HasSubstr("gave up after 3 attempt(s)"));
  EXPECT_EQ(clock.sleeps.size(), 2u);  // 0.5 s + 1 s; the next 2 s would pass 3 s
}

}  // namespace
}  // namespace binlake
