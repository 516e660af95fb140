#include "store/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace binlake {
namespace {

using std::chrono::milliseconds;

class RecordingSleeper : public Sleeper {
 public:
  void SleepFor(milliseconds d) override { sleeps.push_back(d); }
  std::vector<milliseconds> sleeps;
};

// Jitter that always picks the ceiling, so the waits are the ceilings themselves.
JitterSource MaxJitter() {
  return [](uint64_t bound) { return bound; };
}

TEST(Retry, CeilingDoublesAndIsCapped) {
  RetryPolicy p{10, milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(BackoffCeiling(p, 0), milliseconds(100));
  EXPECT_EQ(BackoffCeiling(p, 1), milliseconds(200));
  EXPECT_EQ(BackoffCeiling(p, 3), milliseconds(800));
  EXPECT_EQ(BackoffCeiling(p, 4), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling(p, 1000), milliseconds(1000));  // no overflow
}

TEST(Retry, RetryableFailuresAreRetriedUpToMaxAttempts) {
  RecordingSleeper sleeper;
  int calls = 0;
  Status s =
      RunWithRetry(RetryPolicy{4, milliseconds(100), milliseconds(250)}, sleeper, MaxJitter(), [&] {
        ++calls;
        return NetworkError("connection refused");
      });
  EXPECT_EQ(s.code(), StatusCode::kNetworkError);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sleeper.sleeps,
            (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(250)}));
}

TEST(Retry, SucceedsAfterThrottling) {
  RecordingSleeper sleeper;
  int calls = 0;
  Result<int> r = RunWithRetry(RetryPolicy{8, milliseconds(10), milliseconds(100)}, sleeper,
                               MaxJitter(), [&]() -> Result<int> {
                                 if (++calls < 3) return Throttled("SlowDown");
                                 return 42;
                               });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(sleeper.sleeps.size(), 2u);
}

TEST(Retry, NonRetryableFailureIsReturnedAtOnce) {
  RecordingSleeper sleeper;
  int calls = 0;
  Status s = RunWithRetry(RetryPolicy{}, sleeper, MaxJitter(), [&] {
    ++calls;
    return PermissionDenied("SignatureDoesNotMatch");
  });
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeper.sleeps.empty());
}

TEST(Retry, FullJitterUsesTheRandomSourceWithinTheCeiling) {
  RecordingSleeper sleeper;
  std::vector<uint64_t> bounds;
  JitterSource half = [&](uint64_t bound) {
    bounds.push_back(bound);
    return bound / 2;
  };
  RetryLoop loop(RetryPolicy{3, milliseconds(100), milliseconds(10000)}, sleeper, half);
  EXPECT_EQ(loop.attempts(), 1);
  EXPECT_TRUE(loop.BackoffAndContinue());
  EXPECT_TRUE(loop.BackoffAndContinue());
  EXPECT_FALSE(loop.BackoffAndContinue());
  EXPECT_EQ(loop.attempts(), 3);
  EXPECT_EQ(bounds, (std::vector<uint64_t>{100, 200}));
  EXPECT_EQ(sleeper.sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(100)}));
}

TEST(Retry, DefaultJitterStaysInRange) {
  JitterSource j = DefaultJitter();
  for (int i = 0; i < 1000; ++i) EXPECT_LE(j(7), 7u);
  EXPECT_EQ(j(0), 0u);
}

TEST(Retry, OneAttemptMeansNoRetry) {
  RecordingSleeper sleeper;
  int calls = 0;
  Status s =
      RunWithRetry(RetryPolicy{1, milliseconds(1), milliseconds(1)}, sleeper, MaxJitter(), [&] {
        ++calls;
        return Throttled("503");
      });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace binlake
