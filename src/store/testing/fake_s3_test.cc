// FakeS3 (fake_s3.h) through the real S3 client: the fake answers what S3ObjectStore sends the
// way S3 does (ETags, listings, multipart rules), and its quirks and faults do what they say.
#include "store/testing/fake_s3.h"

#include <gtest/gtest.h>

#include "store/s3_object_store.h"
#include "store/s3_xml.h"

namespace binlake::testing {
namespace {

using s3::S3ObjectStore;

class FakeS3Test : public ::testing::Test {
 protected:
  void Start(FakeS3::Options options = FakeS3::Options()) {
    auto s3 = FakeS3::Start(std::move(options));
    ASSERT_TRUE(s3.ok()) << s3.status().message();
    s3_ = std::move(*s3);
    auto store = S3ObjectStore::Open(s3_->Target("pre"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  // A raw request (the store's client signs and retries it).
  s3::S3Outcome Send(s3::S3Request request) {
    auto out = store_->client().Send(request);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : s3::S3Outcome{};
  }
  // Prepares a two-part upload of `key` (5 MiB of 'a', 1 MiB of 'b'); returns its token.
  std::string PrepareTwoParts(const std::string& key) {
    auto w = store_->NewWriter(key, {});
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Write(std::string(5u << 20, 'a')).ok());
    EXPECT_TRUE((*w)->Write(std::string(1u << 20, 'b')).ok());
    auto token = (*w)->Prepare();
    EXPECT_TRUE(token.ok()) << token.status().message();
    return token.ok() ? *token : "";
  }
  // The parts a token names ("<uploadId>\n<n> <etag>\n...").
  static std::vector<s3::CompletedPart> Parts(const std::string& token) {
    std::vector<s3::CompletedPart> parts;
    size_t pos = token.find('\n');
    while (pos != std::string::npos) {
      size_t end = token.find('\n', pos + 1);
      std::string line = token.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
      parts.push_back({std::stoi(line.substr(0, line.find(' '))), line.substr(line.find(' ') + 1)});
      pos = end;
    }
    return parts;
  }
  // A CompleteMultipartUpload request for the upload of `token` with these parts.
  s3::S3Request Complete(const std::string& token, const std::string& full_key,
                         std::vector<s3::CompletedPart> parts = {}) {
    body_ = s3::BuildCompleteMultipartUpload(parts.empty() ? Parts(token) : parts);
    return s3::S3Request{"POST", full_key, {{"uploadId", token.substr(0, token.find('\n'))}},
                         {},     body_,    true};
  }

  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<S3ObjectStore> store_;
  std::string body_;
};

TEST_F(FakeS3Test, PutGetHeadDeleteWithMd5ETags) {
  Start();
  ASSERT_TRUE(store_->CheckAccess().ok());
  PutOptions csv;
  csv.content_type = "text/csv";
  ASSERT_TRUE(store_->Put("db/t/LOAD1.csv", "1,a\n2,b\n", csv).ok());
  EXPECT_EQ(*s3_->Object("pre/db/t/LOAD1.csv"), "1,a\n2,b\n");
  EXPECT_EQ(*store_->Get("db/t/LOAD1.csv"), "1,a\n2,b\n");
  auto head = store_->Head("db/t/LOAD1.csv");
  ASSERT_TRUE(head.ok() && head->has_value()) << head.status().message();
  EXPECT_EQ((*head)->size, 8u);
  EXPECT_EQ((*head)->etag, "\"8fd2b77fad3feb3eea3d650f8b3d43c0\"");  // md5sum of the bytes
  EXPECT_FALSE(store_->Head("db/t/absent")->has_value());
  EXPECT_EQ(store_->Get("db/t/absent").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->Delete("db/t/LOAD1.csv").ok());
  EXPECT_TRUE(store_->Delete("db/t/LOAD1.csv").ok());
  EXPECT_FALSE(s3_->Object("pre/db/t/LOAD1.csv").has_value());
  EXPECT_EQ(s3_->Count("PutObject"), 1);
  EXPECT_EQ(s3_->Count("DeleteObject"), 2);
}

TEST_F(FakeS3Test, IfNoneMatchHonouredOrIgnored) {
  Start();
  PutOptions once;
  once.if_none_match = true;
  ASSERT_TRUE(store_->Put("c/1", "first", once).ok());
  EXPECT_EQ(store_->Put("c/1", "second", once).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*s3_->Object("pre/c/1"), "first");
  s3_->set_honor_if_none_match(false);
  EXPECT_TRUE(store_->Put("c/1", "second", once).ok());
  EXPECT_EQ(*s3_->Object("pre/c/1"), "second");
}

TEST_F(FakeS3Test, ListPagesWithUrlEncodedKeys) {
  FakeS3::Options o;
  o.max_page = 2;
  Start(o);
  const std::vector<std::string> keys = {"d/a b", "d/c+d", "d/e%f", "d/g\xC3\xBC", "d/h&<i>"};
  for (const std::string& k : keys) ASSERT_TRUE(store_->Put(k, k, {}).ok()) << k;
  ASSERT_TRUE(store_->Put("e/other", "x", {}).ok());
  auto list = store_->List("d/");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ((*list)[i].key, keys[i]);
    EXPECT_EQ((*list)[i].size, keys[i].size());
    EXPECT_EQ((*list)[i].etag, FakeS3::Md5ETag(keys[i]));
  }
  EXPECT_EQ(s3_->Count("ListObjectsV2"), 3);  // 2 + 2 + 1
  EXPECT_EQ(store_->List("")->size(), keys.size() + 1);
  EXPECT_TRUE(store_->List("none/")->empty());
  // The raw page: KeyCount, MaxKeys, a token with characters that need encoding.
  auto page = Send({"GET", "", {{"list-type", "2"}, {"prefix", "pre/d/"}}, {}, {}});
  auto parsed = s3::ParseListObjectsV2(page.response.body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->is_truncated);
  EXPECT_EQ(parsed->contents[0].key, "pre/d/a b");  // not encoded without encoding-type
  EXPECT_NE(parsed->next_continuation_token.find('/'), std::string::npos);
}

TEST_F(FakeS3Test, MultipartETagIsTheMd5OfThePartMd5s) {
  Start();
  auto w = store_->NewWriter("big", {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(5u << 20, 'a')).ok());
  ASSERT_TRUE((*w)->Write(std::string(1u << 20, 'b')).ok());
  ASSERT_TRUE((*w)->Close().ok());
  // python3: md5(md5(a*5MiB).digest() + md5(b*1MiB).digest()).hexdigest() + "-2"
  EXPECT_EQ(*s3_->ETag("pre/big"), "\"88fc978485924ccd87ceb19c90195b35-2\"");
  EXPECT_EQ(FakeS3::MultipartETag({std::string(5u << 20, 'a'), std::string(1u << 20, 'b')}),
            "\"88fc978485924ccd87ceb19c90195b35-2\"");
  EXPECT_EQ(store_->Get("big")->size(), 6u << 20);
  EXPECT_EQ(s3_->open_uploads(), 0u);
  EXPECT_EQ(s3_->Count("UploadPart"), 2);
}

TEST_F(FakeS3Test, CompleteChecksPartsAndIfNoneMatch) {
  Start();
  const std::string token = PrepareTwoParts("m");
  // A wrong ETag is InvalidPart; parts out of order are InvalidPartOrder.
  std::vector<s3::CompletedPart> parts = Parts(token);
  ASSERT_EQ(parts.size(), 2u);
  std::vector<s3::CompletedPart> bad = parts;
  bad[1].etag = "\"00000000000000000000000000000000\"";
  EXPECT_EQ(s3::ErrorCode(Send(Complete(token, "pre/m", bad)).response), "InvalidPart");
  std::swap(bad[0], bad[1]);
  bad[0].etag = parts[1].etag;
  EXPECT_EQ(s3::ErrorCode(Send(Complete(token, "pre/m", bad)).response), "InvalidPartOrder");
  // A part but the last below 5 MiB is EntityTooSmall.
  auto created = Send({"POST", "pre/small", {{"uploads", ""}}, {}, {}});
  auto id = s3::ParseInitiateMultipartUpload(created.response.body);
  ASSERT_TRUE(id.ok()) << created.response.body;
  std::vector<s3::CompletedPart> small;
  for (int n : {1, 2}) {
    auto part = Send(
        {"PUT", "pre/small", {{"partNumber", std::to_string(n)}, {"uploadId", *id}}, {}, "tiny"});
    small.push_back({n, part.response.Header("etag")});
  }
  EXPECT_EQ(s3::ErrorCode(Send(Complete(*id + "\n", "pre/small", small)).response),
            "EntityTooSmall");
  // If-None-Match on the complete: 412 while the key exists, and the upload stays open.
  s3_->PutDirect("pre/m", "someone else");
  s3::S3Request conditional = Complete(token, "pre/m");
  conditional.headers.emplace_back("If-None-Match", "*");
  EXPECT_EQ(Send(conditional).response.status, 412);
  EXPECT_EQ(s3_->open_uploads(), 2u);  // "m" and "small"
  EXPECT_EQ(*s3_->Object("pre/m"), "someone else");
}

TEST_F(FakeS3Test, RepeatedCompleteAnswersPerQuirk) {
  Start();
  const std::string token = PrepareTwoParts("r");
  EXPECT_EQ(Send(Complete(token, "pre/r")).response.status, 200);
  const std::string etag = *s3_->ETag("pre/r");
  auto again = Send(Complete(token, "pre/r"));
  EXPECT_EQ(again.response.status, 200);  // AWS
  auto result = s3::ParseCompleteMultipartUpload(again.response.body);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->etag, etag);
  s3_->set_repeat_complete(FakeS3::RepeatComplete::kNoSuchUpload);  // MinIO
  again = Send(Complete(token, "pre/r"));
  EXPECT_EQ(again.response.status, 404);
  EXPECT_EQ(s3::ErrorCode(again.response), "NoSuchUpload");
  EXPECT_EQ(s3_->ETag("pre/r"), etag);  // untouched either way
}

TEST_F(FakeS3Test, UncommittedUploadsAreListedInPagesAndDiscarded) {
  FakeS3::Options o;
  o.max_page = 1;
  Start(o);
  std::vector<std::string> tokens;
  for (const char* key : {"u/b", "u/a x", "u/a x", "v/c"}) {
    auto w = store_->NewWriter(key, {});
    ASSERT_TRUE((*w)->Write("x").ok());
    auto t = (*w)->Prepare();
    ASSERT_TRUE(t.ok());
  }
  auto listed = store_->ListUncommitted("u/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].key, "u/a x");
  EXPECT_EQ((*listed)[1].key, "u/a x");
  EXPECT_NE((*listed)[0].id, (*listed)[1].id);
  EXPECT_EQ((*listed)[2].key, "u/b");
  EXPECT_EQ(s3_->Count("ListMultipartUploads"), 3);  // one upload per page
  for (const UncommittedObject& u : *listed) ASSERT_TRUE(store_->DiscardUncommitted(u).ok());
  EXPECT_TRUE(store_->DiscardUncommitted((*listed)[0]).ok());  // 404 NoSuchUpload is fine
  EXPECT_EQ(s3_->open_uploads(), 1u);                          // v/c
}

TEST_F(FakeS3Test, FaultsFailDropOrLoseTheAnswer) {
  Start();
  // kFail: answered, not applied; retried by the client.
  s3_->AddFault(FakeS3::Fail("PutObject", 503, "SlowDown", 2));
  ASSERT_TRUE(store_->Put("a", "1", {}).ok());
  EXPECT_EQ(s3_->Count("PutObject"), 3);
  EXPECT_EQ(s3_->faults_hit(), 2);
  // kDrop: not applied; kLoseAnswer: applied. Both look the same to the client (retried).
  s3_->AddFault(FakeS3::Drop("PutObject"));
  ASSERT_TRUE(store_->Put("b", "2", {}).ok());
  s3_->AddFault(FakeS3::LoseAnswer("PutObject").When([](const FakeS3::Request& r) {
    return FakeS3::Key(r) == "pre/c";
  }));
  ASSERT_TRUE(store_->Put("not-c", "3", {}).ok());  // the predicate spares it
  EXPECT_EQ(s3_->faults_hit(), 3);
  ASSERT_TRUE(store_->Put("c", "4", {}).ok());  // stored, answer lost, stored again
  EXPECT_EQ(s3_->faults_hit(), 4);
  EXPECT_EQ(*s3_->Object("pre/c"), "4");
  int puts_of_c = 0;
  for (const auto& r : s3_->requests()) puts_of_c += r.method == "PUT" && FakeS3::Key(r) == "pre/c";
  EXPECT_EQ(puts_of_c, 2);
  // kAlways until cleared; an error inside a 200 for CompleteMultipartUpload.
  s3_->AddFault(FakeS3::Fail("GetObject", 500, "InternalError", FakeS3::kAlways));
  EXPECT_EQ(store_->Get("a").status().code(), StatusCode::kInternal);
  s3_->ClearFaults();
  EXPECT_EQ(*store_->Get("a"), "1");
  const std::string token = PrepareTwoParts("m");
  s3_->AddFault(FakeS3::Fail("CompleteMultipartUpload", 200, "InternalError"));
  auto out = Send(Complete(token, "pre/m"));  // the error in the 200 is retried
  EXPECT_EQ(out.attempts, 2);
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(s3_->ETag("pre/m"),
            FakeS3::MultipartETag({std::string(5u << 20, 'a'), std::string(1u << 20, 'b')}));
}

TEST_F(FakeS3Test, WrongBucketAndUnknownOperations) {
  Start();
  TargetConfig other = s3_->Target("x");
  other.url = "s3://other-bucket/x";
  auto store = S3ObjectStore::Open(other);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->CheckAccess().code(), StatusCode::kNotFound);
  auto out = Send({"GET", "", {{"list-type", "2"}, {"delimiter", "/"}}, {}, {}});
  EXPECT_EQ(out.response.status, 501);
  EXPECT_EQ(s3::ErrorCode(out.response), "NotImplemented");
}

}  // namespace
}  // namespace binlake::testing
