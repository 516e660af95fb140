// Reopening the stream with a fake clock: no test here sleeps (the backoff itself is tested in
// common/retry_test.cc).
#include "source/replica_retry.h"

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
