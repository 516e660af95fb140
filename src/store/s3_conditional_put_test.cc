// Conditional creates (PutOptions::if_none_match -> If-None-Match: *), the commit point of the
// CDC protocol (docs/COMMIT-PROTOCOL.md), when answers are lost: kAlreadyExists only when the
// object under the key was seen and is not ours; ours is success; anything that cannot be
// checked is "outcome unknown" (kNetworkError), which the commit resolves by reading back.
#include <gtest/gtest.h>

#include <memory>

#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake::s3 {
namespace {

using testing::FakeS3;

// Time moves only by the retry waits; a wait may run `during_wait` (e.g. another writer).
class ScriptedClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  bool SleepFor(std::chrono::milliseconds d) override {
    now_ += d;
    if (during_wait) std::exchange(during_wait, nullptr)();
    return true;
  }
  std::function<void()> during_wait;

 private:
  std::chrono::steady_clock::time_point now_{};
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

TEST_F(ConditionalPutTest, RetryThatFindsAnotherWritersBytesIsAlreadyExists) {
  s3_->AddFault(FakeS3::Drop("PutObject"));                             // ours never arrived ...
  clock_.during_wait = [&] { s3_->PutDirect("task/cp/1", "theirs"); };  // ... theirs did
  Status s = store_->Put("cp/1", "mine", once_);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.message();
  EXPECT_EQ(*s3_->Object("task/cp/1"), "theirs");
}

TEST_F(ConditionalPutTest, FirstAttempt412IsAlreadyExistsWithoutReadingBack) {
  s3_->PutDirect("task/cp/1", "theirs");
  EXPECT_EQ(store_->Put("cp/1", "mine", once_).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s3_->Count("GetObject"), 0);
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
