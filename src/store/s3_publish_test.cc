// Publishing prepared multipart uploads from their tokens (S3ObjectStore::PublishPrepared), the
// restart step of the CDC commit protocol (docs/COMMIT-PROTOCOL.md), against FakeS3 in both ways
// stores answer a repeated CompleteMultipartUpload: 200 (AWS) and 404 NoSuchUpload (MinIO).
#include <gtest/gtest.h>

#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake::s3 {
namespace {

using testing::FakeS3;

class PublishPreparedTest : public ::testing::TestWithParam<FakeS3::RepeatComplete> {
 protected:
  void SetUp() override {
    FakeS3::Options o;
    o.repeat_complete = GetParam();
    auto s3 = FakeS3::Start(o);
    ASSERT_TRUE(s3.ok()) << s3.status().message();
    s3_ = std::move(*s3);
    store_ = Open();
  }
  // Another process on the same bucket.
  std::unique_ptr<S3ObjectStore> Open() {
    auto store = S3ObjectStore::Open(s3_->Target("task"));
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // A prepared writer of `data` under `key`; returns its token.
  std::string Prepare(const std::string& key, const std::string& data) {
    auto w = store_->NewWriter(key, {});
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Write(data).ok());
    auto token = (*w)->Prepare();
    EXPECT_TRUE(token.ok()) << token.status().message();
    return token.ok() ? *token : "";
  }

  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<S3ObjectStore> store_;
  // Two parts. Built with append, not operator+: GCC 12 reports a false -Warray-bounds for
  // std::string(n, c) + "..." once inlined (GCC bug 105329).
  const std::string big_ = [] {
    std::string s(5u << 20, 'x');
    s.append("tail");
    return s;
  }();
};

TEST_P(PublishPreparedTest, PublishingAgainFromTheTokenSucceeds) {
  const std::string token = Prepare("db/t/1.csv", big_);
  const std::string small_token = Prepare("db/t/2.csv", "a,b\n");  // one part
  auto restarted = Open();
  ASSERT_TRUE(restarted->PublishPrepared("db/t/1.csv", token).ok());
  ASSERT_TRUE(restarted->PublishPrepared("db/t/2.csv", small_token).ok());
  // A second restart publishes the same checkpoint's files again.
  Status s = Open()->PublishPrepared("db/t/1.csv", token);
  EXPECT_TRUE(s.ok()) << s.message();
  s = Open()->PublishPrepared("db/t/2.csv", small_token);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*s3_->Object("task/db/t/1.csv"), big_);
  EXPECT_EQ(*s3_->Object("task/db/t/2.csv"), "a,b\n");
  EXPECT_EQ(s3_->Count("AbortMultipartUpload"), 0);
}

TEST_P(PublishPreparedTest, CompletedByAnotherInstanceJustBefore) {
  // Two instances recover the same checkpoint: the other completes the upload after this one
  // saw no object (the HEAD's 404 scripts that) and before this one's complete.
  const std::string token = Prepare("db/t/1.csv", big_);
  ASSERT_TRUE(Open()->PublishPrepared("db/t/1.csv", token).ok());  // the other instance
  s3_->AddFault(FakeS3::Fail("HeadObject", 404, "NoSuchKey"));
  Status s = Open()->PublishPrepared("db/t/1.csv", token);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s3_->Count("CompleteMultipartUpload"), 2);
  EXPECT_EQ(*s3_->Object("task/db/t/1.csv"), big_);
}

TEST_P(PublishPreparedTest, ThePreparingWriterPublishedItBefore) {
  // The writer's own Close completed the upload, then the process crashed before it recorded
  // that: recovery publishes again.
  auto w = store_->NewWriter("db/t/1.csv", {});
  ASSERT_TRUE((*w)->Write(big_).ok());
  auto token = (*w)->Prepare();
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE((*w)->Close().ok());
  Status s = Open()->PublishPrepared("db/t/1.csv", *token);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_P(PublishPreparedTest, AnotherObjectUnderTheKeyIsAClearError) {
  const std::string token = Prepare("db/t/1.csv", big_);
  ASSERT_TRUE(store_->PublishPrepared("db/t/1.csv", token).ok());
  s3_->PutDirect("task/db/t/1.csv", "replaced");
  Status s = Open()->PublishPrepared("db/t/1.csv", token);
  EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed) << s.message();
  EXPECT_NE(s.message().find("s3://bkt/task/db/t/1.csv is not the object its multipart upload "
                             "published: its ETag is " +
                             FakeS3::Md5ETag("replaced")),
            std::string::npos)
      << s.message();
  EXPECT_EQ(*s3_->Object("task/db/t/1.csv"), "replaced");  // left alone
}

TEST_P(PublishPreparedTest, ADiscardedUploadIsNotFound) {
  const std::string token = Prepare("db/t/1.csv", big_);
  auto listed = store_->ListUncommitted("db/");
  ASSERT_TRUE(listed.ok() && listed->size() == 1u);
  ASSERT_TRUE(store_->DiscardUncommitted((*listed)[0]).ok());
  Status s = Open()->PublishPrepared("db/t/1.csv", token);
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.message();
  EXPECT_FALSE(s3_->Object("task/db/t/1.csv").has_value());
}

TEST_P(PublishPreparedTest, TheFirstAnswerWasLost) {
  const std::string token = Prepare("db/t/1.csv", big_);
  s3_->AddFault(FakeS3::LoseAnswer("CompleteMultipartUpload"));
  Status s = Open()->PublishPrepared("db/t/1.csv", token);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*s3_->Object("task/db/t/1.csv"), big_);
}

TEST_P(PublishPreparedTest, MalformedTokens) {
  for (const char* token : {"", "id-only", "id\n", "id\nx \"e\"", "id\n0 \"e\"", "id\n1"}) {
    SCOPED_TRACE(token);
    Status s = store_->PublishPrepared("k", token);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
  }
  EXPECT_EQ(s3_->Count("CompleteMultipartUpload"), 0);
}

INSTANTIATE_TEST_SUITE_P(RepeatComplete, PublishPreparedTest,
                         ::testing::Values(FakeS3::RepeatComplete::kOk,
                                           FakeS3::RepeatComplete::kNoSuchUpload),
                         [](const auto& info) {
                           return info.param == FakeS3::RepeatComplete::kOk ? "Aws200"
                                                                            : "MinioNoSuchUpload";
                         });

}  // namespace
}  // namespace binlake::s3
