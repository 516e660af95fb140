// Conditional creates (PutOptions::if_none_match -> If-None-Match: *), the commit point of the
// CDC protocol (docs/COMMIT-PROTOCOL.md), when answers are lost: kAlreadyExists only when the
// object under the key was seen and is not ours; ours is success; anything that cannot be
// checked is "outcome unknown" (kNetworkError), which the commit resolves by reading back.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake::s3 {
namespace {

using testing::FakeS3;

// Time moves only by the retry waits; the n-th wait (1-based) runs on_wait(n), e.g. another
// writer.
class ScriptedClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  bool SleepFor(std::chrono::milliseconds d) override {
    now_ += d;
    if (on_wait) on_wait(++waits_);
    return true;
  }
  std::function<void(int)> on_wait;

 private:
  std::chrono::steady_clock::time_point now_{};
  int waits_ = 0;
};

class ConditionalPutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s3 = FakeS3::Start();
    ASSERT_TRUE(s3.ok()) << s3.status().message();
    s3_ = std::move(*s3);
    S3StoreHooks hooks;
    hooks.retry_clock = &clock_;
    auto store = S3ObjectStore::Open(s3_->Target("task"), hooks);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    once_.if_none_match = true;
  }
  // One request first, so the next one goes over a kept-alive connection.
  void WarmUp() { ASSERT_TRUE(store_->Head("warm-up").ok()); }
  // Predicate: from the n-th matching request on (1-based).
  static std::function<bool(const FakeS3::Request&)> FromNth(int n) {
    return [seen = std::make_shared<int>(0), n](const FakeS3::Request&) { return ++*seen >= n; };
  }

  ScriptedClock clock_;
  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<S3ObjectStore> store_;
  PutOptions once_;
};

TEST_F(ConditionalPutTest, LostAnswerThen412AndOurBytesIsSuccess) {
  s3_->AddFault(FakeS3::LoseAnswer("PutObject"));
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s3_->Count("PutObject"), 2);
  EXPECT_EQ(s3_->Count("GetObject"), 1);
}

TEST_F(ConditionalPutTest, LostAnswerOnAKeptAliveConnectionIsSeenAsARetry) {
  // libcurl re-sends a request by itself when a reused connection dies before the answer; the
  // 412 to that copy is about our first one.
  WarmUp();
  s3_->AddFault(FakeS3::LoseAnswer("PutObject"));
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s3_->Count("PutObject"), 2);
  EXPECT_EQ(*s3_->Object("task/cp/1"), "mine");
}

TEST_F(ConditionalPutTest, LostCompleteAnswerOnAKeptAliveConnectionIsSeenAsARetry) {
  s3_->set_repeat_complete(FakeS3::RepeatComplete::kNoSuchUpload);
  auto w = store_->NewWriter("big", {});
  ASSERT_TRUE((*w)->Write(std::string((5u << 20) + 1, 'b')).ok());
  s3_->AddFault(FakeS3::LoseAnswer("CompleteMultipartUpload"));
  Status s = (*w)->Close();
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s3_->Count("CompleteMultipartUpload"), 2);
}

TEST_F(ConditionalPutTest, LostAnswerThen412AndUnreadableIsOutcomeUnknown) {
  for (FakeS3::Fault get_fails : {FakeS3::Fail("GetObject", 500, "InternalError", FakeS3::kAlways),
                                  FakeS3::Drop("GetObject", FakeS3::kAlways),
                                  FakeS3::Fail("GetObject", 403, "AccessDenied")}) {
    SCOPED_TRACE(get_fails.code);
    s3_->ClearFaults();
    s3_->AddFault(FakeS3::LoseAnswer("PutObject"));
    s3_->AddFault(get_fails);
    const std::string key = "cp/" + std::to_string(s3_->Count("PutObject"));
    Status s = store_->Put(key, "mine", once_);
    EXPECT_EQ(s.code(), StatusCode::kNetworkError) << s.message();
    EXPECT_TRUE(s.IsRetryable());
    EXPECT_EQ(s.message().rfind("outcome unknown: PutObject s3://bkt/task/" + key, 0), 0u)
        << s.message();
    EXPECT_EQ(*s3_->Object("task/" + key), "mine");  // it was created, in fact
  }
}

TEST_F(ConditionalPutTest, LostAnswerThen412AndEndpointGoneIsOutcomeUnknown) {
  s3_->AddFault(FakeS3::LoseAnswer("PutObject"));
  s3_->AddFault(FakeS3::Fail("GetObject", 503, "SlowDown"));
  clock_.on_wait = [&](int n) {
    if (n == 2) s3_.reset();  // waiting to retry the GET: from now on connections are refused
  };
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_EQ(s.code(), StatusCode::kNetworkError) << s.message();
  EXPECT_EQ(s.message().rfind("outcome unknown: PutObject s3://bkt/task/cp/1", 0), 0u)
      << s.message();
  EXPECT_NE(s.message().find("cannot reach S3 endpoint"), std::string::npos) << s.message();
}

TEST_F(ConditionalPutTest, LostAnswerThen412AndAbsentIsOutcomeUnknown) {
  s3_->AddFault(FakeS3::LoseAnswer("PutObject"));
  s3_->AddFault(FakeS3::Fail("GetObject", 404, "NoSuchKey"));  // deleted in between
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_EQ(s.code(), StatusCode::kNetworkError) << s.message();
  EXPECT_EQ(s.message().rfind("outcome unknown:", 0), 0u) << s.message();
}

TEST_F(ConditionalPutTest, RetryThatFindsAnotherWritersBytesIsAlreadyExists) {
  s3_->AddFault(FakeS3::Drop("PutObject"));                              // ours never arrived ...
  clock_.on_wait = [&](int) { s3_->PutDirect("task/cp/1", "theirs"); };  // ... theirs did
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.message();
  EXPECT_EQ(*s3_->Object("task/cp/1"), "theirs");
}

TEST_F(ConditionalPutTest, FirstAttempt412IsAlreadyExistsWithoutReadingBack) {
  s3_->PutDirect("task/cp/1", "theirs");
  EXPECT_EQ(store_->Put("cp/1", "mine", once_).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s3_->Count("GetObject"), 0);
}

TEST_F(ConditionalPutTest, MultipartLostAnswerThen412AndUnreadableIsOutcomeUnknown) {
  auto w = store_->NewWriter("big", once_);
  ASSERT_TRUE((*w)->Write(std::string((5u << 20) + 1, 'b')).ok());
  s3_->AddFault(FakeS3::LoseAnswer("CompleteMultipartUpload"));
  s3_->AddFault(FakeS3::Fail("CompleteMultipartUpload", 412, "PreconditionFailed"));
  // The HEAD before the complete passes; the ones after it fail.
  s3_->AddFault(FakeS3::Fail("HeadObject", 500, "InternalError", FakeS3::kAlways).When(FromNth(2)));
  Status s = (*w)->Close();
  EXPECT_EQ(s.code(), StatusCode::kNetworkError) << s.message();
  EXPECT_EQ(s.message().rfind("outcome unknown: CompleteMultipartUpload s3://bkt/task/big", 0), 0u)
      << s.message();
}

TEST_F(ConditionalPutTest, MultipartLostAnswerThen412AndOursIsSuccess) {
  auto w = store_->NewWriter("big", once_);
  ASSERT_TRUE((*w)->Write(std::string((5u << 20) + 1, 'b')).ok());
  s3_->AddFault(FakeS3::LoseAnswer("CompleteMultipartUpload"));
  s3_->AddFault(FakeS3::Fail("CompleteMultipartUpload", 412, "PreconditionFailed"));
  Status s = (*w)->Close();
  EXPECT_TRUE(s.ok()) << s.message();
}

}  // namespace
}  // namespace binlake::s3
