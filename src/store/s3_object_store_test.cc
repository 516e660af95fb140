// The S3 store against a scripted in-process HTTP server (testing/fake_http_server.h): retries
// (503/SlowDown, dropped connections, error inside a 200), the error messages, the headers, the
// ambiguous-retry rules, paging and multipart. Sleeping is injected: no test waits for backoff.
#include "store/s3_object_store.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/metrics.h"
#include "store/s3_object_writer.h"
#include "store/sigv4.h"
#include "store/testing/fake_http_server.h"

namespace binlake::s3 {
namespace {

using testing::FakeHttpServer;
using Req = FakeHttpServer::Request;
using Resp = FakeHttpServer::Response;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// Counts the retry waits; time moves only by them.
class CountingClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  bool SleepFor(std::chrono::milliseconds d) override {
    now_ += d;
    ++sleeps;
    return true;
  }
  int sleeps = 0;

 private:
  std::chrono::steady_clock::time_point now_{};
};

Resp Xml(int status, const std::string& body) {
  return Resp{status, {{"Content-Type", "application/xml"}}, body};
}
Resp S3Err(int status, const std::string& code, const std::string& message = "") {
  return Xml(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
                         "</Code><Message>" + message +
                         "</Message><RequestId>r</RequestId></Error>");
}

Resp Dropped() {
  Resp r;
  r.drop_connection = true;
  return r;
}
Resp Hung() {
  Resp r;
  r.hang = true;
  return r;
}

class S3StoreFakeTest : public ::testing::Test {
 protected:
  // Starts the fake server with `handler` and opens a store on it.
  void Open(FakeHttpServer::Handler handler, std::function<void(TargetConfig&)> tweak = {}) {
    auto server = FakeHttpServer::Start(std::move(handler));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    OpenAt(server_->endpoint(), std::move(tweak));
  }
  void OpenAt(const std::string& endpoint, std::function<void(TargetConfig&)> tweak = {}) {
    TargetConfig c;
    c.url = "s3://bkt/pre/fix";
    c.endpoint_url = endpoint;
    c.region = "us-east-1";
    c.credentials = {"AKIAIOSFODNN7EXAMPLE", kSecret, ""};
    c.max_attempts = 4;
    c.multipart_part_size = 5u << 20;
    c.connect_timeout_ms = 2000;
    c.request_timeout_ms = 5000;
    if (tweak) tweak(c);
    S3StoreHooks hooks;
    hooks.env = Environment{[](const std::string&) { return std::optional<std::string>(); }};
    hooks.retry_clock = &sleeper_;
    auto store = S3ObjectStore::Open(c, hooks);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  CountingClock sleeper_;
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<S3ObjectStore> store_;
};

// The value of one series of the store metrics (common/metrics.h): 0 when it does not exist.
double StoreMetric(const std::string& name, const prometheus::Labels& labels) {
  for (const auto& family : metrics::Registry().Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      prometheus::Labels got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got == labels) return m.counter.value;
    }
  }
  return 0;
}

TEST_F(S3StoreFakeTest, RetriesSlowDownThenSucceeds) {
  int calls = 0;
  Open([&](const Req&) { return ++calls == 1 ? S3Err(503, "SlowDown", "Reduce") : Resp{}; });
  const prometheus::Labels put503{{"operation", "PutObject"}, {"code", "503"}};
  const prometheus::Labels put200{{"operation", "PutObject"}, {"code", "200"}};
  const double slowdowns = StoreMetric("binlake_store_requests_total", put503);
  const double oks = StoreMetric("binlake_store_requests_total", put200);
  const double retries = StoreMetric("binlake_store_retries_total", {{"operation", "PutObject"}});
  ASSERT_TRUE(store_->Put("a.csv", "hello", {}).ok());
  EXPECT_EQ(StoreMetric("binlake_store_requests_total", put503) - slowdowns, 1);
  EXPECT_EQ(StoreMetric("binlake_store_requests_total", put200) - oks, 1);
  EXPECT_EQ(StoreMetric("binlake_store_retries_total", {{"operation", "PutObject"}}) - retries, 1);
  auto reqs = server_->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(sleeper_.sleeps, 1);
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(reqs[1].target, "/bkt/pre/fix/a.csv");
  EXPECT_EQ(reqs[1].body, "hello");
  EXPECT_EQ(reqs[1].Header("x-amz-content-sha256"), sigv4::Sha256Hex("hello"));
  EXPECT_EQ(
      reqs[1].Header("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/", 0),
      0u);
  EXPECT_EQ(reqs[1].Header("host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(reqs[1].Header("content-type"), "application/octet-stream");
}

TEST_F(S3StoreFakeTest, ThrottlingThatOutlastsTheRetriesIsThrottled) {
  Open([&](const Req&) { return Resp{503, {}, ""}; });
  const prometheus::Labels put503{{"operation", "PutObject"}, {"code", "503"}};
  const double errors = StoreMetric("binlake_store_errors_total", put503);
  Status s = store_->Put("a.csv", "x", {});
  EXPECT_EQ(s.code(), StatusCode::kThrottled);
  EXPECT_EQ(StoreMetric("binlake_store_errors_total", put503) - errors, 1);
  EXPECT_NE(s.message().find("after 4 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(server_->requests().size(), 4u);
  EXPECT_EQ(sleeper_.sleeps, 3);
}

TEST_F(S3StoreFakeTest, DroppedConnectionAndInternalErrorAreRetried) {
  int calls = 0;
  Open([&](const Req&) {
    ++calls;
    if (calls == 1) return Dropped();
    if (calls == 2) return S3Err(500, "InternalError");
    return Resp{200, {}, "body"};
  });
  auto got = store_->Get("k");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "body");
  EXPECT_EQ(calls, 3);
}

TEST_F(S3StoreFakeTest, ClientErrorsAreNotRetried) {
  Open([&](const Req&) { return S3Err(400, "InvalidArgument", "bad header"); });
  Status s = store_->Put("a.csv", "x", {});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("InvalidArgument: bad header"), std::string::npos);
  EXPECT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(sleeper_.sleeps, 0);
}

TEST_F(S3StoreFakeTest, NoSuchBucketMessage) {
  Open([&](const Req&) { return S3Err(404, "NoSuchBucket"); });
  Status s = store_->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "bucket 'bkt' does not exist at " + server_->endpoint());
  auto req = server_->requests().at(0);
  EXPECT_EQ(req.Path(), "/bkt");
  EXPECT_EQ(req.Query("list-type"), "2");
  EXPECT_EQ(req.Query("prefix"), "pre/fix/");
  EXPECT_EQ(req.Query("max-keys"), "1");
}

TEST_F(S3StoreFakeTest, CredentialErrorsNeverContainTheSecret) {
  for (const char* code : {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied"}) {
    SCOPED_TRACE(code);
    Open([&](const Req&) {
      // AWS echoes the string to sign in SignatureDoesNotMatch bodies; never the secret.
      return S3Err(403, code, "check your key and signing method");
    });
    Status s = store_->CheckAccess();
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(s.message().find(kSecret), std::string::npos);
    EXPECT_EQ(s.message().find("wJalr"), std::string::npos);
    EXPECT_NE(s.message().find(code), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("credentials from task config"), std::string::npos);
    EXPECT_EQ(server_->requests().size(), 1u);
  }
}

TEST_F(S3StoreFakeTest, UnreachableEndpointIsNetworkErrorAfterRetries) {
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort());
  OpenAt(endpoint, [](TargetConfig& c) { c.max_attempts = 3; });
  Status s = store_->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kNetworkError);
  EXPECT_NE(s.message().find("cannot reach S3 endpoint " + endpoint + " after 3 attempts"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(sleeper_.sleeps, 2);
}

TEST_F(S3StoreFakeTest, ServerThatNeverAnswersTimesOut) {
  Open([&](const Req&) { return Hung(); },
       [](TargetConfig& c) {
         c.max_attempts = 2;
         c.request_timeout_ms = 300;
       });
  Status s = store_->Put("k", "x", {});
  EXPECT_EQ(s.code(), StatusCode::kNetworkError) << s.message();
  EXPECT_EQ(server_->requests().size(), 2u);
}

TEST_F(S3StoreFakeTest, ConditionalPutConflictIsAlreadyExists) {
  Open([&](const Req&) { return S3Err(412, "PreconditionFailed"); });
  PutOptions once;
  once.if_none_match = true;
  Status s = store_->Put("commit/1", "x", once);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "s3://bkt/pre/fix/commit/1 already exists");
  auto reqs = server_->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Header("if-none-match"), "*");
}

TEST_F(S3StoreFakeTest, ConditionalPutWhoseFirstAnswerWasLostIsSuccess) {
  std::string stored;
  Open([&](const Req& r) {
    if (r.method == "PUT" && stored.empty()) {
      stored = r.body;  // applied, but the answer is lost
      return Dropped();
    }
    if (r.method == "PUT") return S3Err(412, "PreconditionFailed");
    return Resp{200, {}, stored};  // GET
  });
  PutOptions once;
  once.if_none_match = true;
  EXPECT_TRUE(store_->Put("commit/1", "mine", once).ok());
  // Someone else's bytes would be a real conflict.
  stored = "theirs";
  EXPECT_EQ(store_->Put("commit/2", "mine", once).code(), StatusCode::kAlreadyExists);
}

TEST_F(S3StoreFakeTest, DmsHeadersAreSent) {
  Open([&](const Req&) { return Resp{}; },
       [](TargetConfig& c) {
         c.encryption_mode = "SSE_KMS";
         c.kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/abc";
         c.canned_acl = "BUCKET_OWNER_FULL_CONTROL";
         c.expected_bucket_owner = "111122223333";
       });
  PutOptions o;
  o.content_type = "text/csv";
  ASSERT_TRUE(store_->Put("a.csv", "x", o).ok());
  ASSERT_TRUE(store_->Delete("a.csv").ok());
  auto reqs = server_->requests();
  EXPECT_EQ(reqs[0].Header("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(reqs[0].Header("x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-east-1:111122223333:key/abc");
  EXPECT_EQ(reqs[0].Header("x-amz-acl"), "bucket-owner-full-control");
  EXPECT_EQ(reqs[0].Header("content-type"), "text/csv");
  EXPECT_EQ(reqs[0].Header("if-none-match"), "");
  for (const auto& r : reqs) EXPECT_EQ(r.Header("x-amz-expected-bucket-owner"), "111122223333");
  // The signed headers cover them.
  EXPECT_NE(reqs[0]
                .Header("authorization")
                .find("x-amz-acl;x-amz-content-sha256;x-amz-date;"
                      "x-amz-expected-bucket-owner;"
                      "x-amz-server-side-encryption;"
                      "x-amz-server-side-encryption-aws-kms-key-id"),
            std::string::npos)
      << reqs[0].Header("authorization");
}

TEST_F(S3StoreFakeTest, SseS3AndBadSettings) {
  Open([&](const Req&) { return Resp{}; }, [](TargetConfig& c) { c.encryption_mode = "sse_s3"; });
  ASSERT_TRUE(store_->Put("a", "x", {}).ok());
  EXPECT_EQ(server_->requests()[0].Header("x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(server_->requests()[0].Header("x-amz-acl"), "");

  TargetConfig c;
  c.url = "s3://b";
  c.credentials = {"A", "S", ""};
  c.encryption_mode = "SSE_C";
  EXPECT_EQ(S3ObjectStore::Open(c).status().code(), StatusCode::kInvalidArgument);
  c.encryption_mode = "SSE_S3";
  c.kms_key_id = "k";
  EXPECT_EQ(S3ObjectStore::Open(c).status().code(), StatusCode::kInvalidArgument);
  c.kms_key_id = "";
  c.canned_acl = "WORLD_WRITABLE";
  EXPECT_EQ(S3ObjectStore::Open(c).status().code(), StatusCode::kInvalidArgument);
  c.canned_acl = "";
  c.multipart_part_size = 1 << 20;
  EXPECT_EQ(S3ObjectStore::Open(c).status().code(), StatusCode::kInvalidArgument);
}

TEST(CannedAcl, DmsNames) {
  EXPECT_EQ(*CannedAclHeader("NONE"), "");
  EXPECT_EQ(*CannedAclHeader(""), "");
  EXPECT_EQ(*CannedAclHeader("PUBLIC_READ"), "public-read");
  EXPECT_EQ(*CannedAclHeader("public-read-write"), "public-read-write");
  EXPECT_EQ(*CannedAclHeader("aws_exec_read"), "aws-exec-read");
  EXPECT_EQ(*CannedAclHeader("BUCKET_OWNER_READ"), "bucket-owner-read");
  EXPECT_EQ(*CannedAclHeader("AUTHENTICATED_READ"), "authenticated-read");
  EXPECT_EQ(*CannedAclHeader("PRIVATE"), "private");
  EXPECT_FALSE(CannedAclHeader("READ").ok());
}

TEST_F(S3StoreFakeTest, ListFollowsContinuationTokensAndStripsThePrefix) {
  Open([&](const Req& r) {
    if (!r.HasQuery("continuation-token")) {
      return Xml(200,
                 "<ListBucketResult><Name>bkt</Name><KeyCount>2</KeyCount><IsTruncated>true"
                 "</IsTruncated><NextContinuationToken>t+/2=</NextContinuationToken>"
                 "<EncodingType>url</EncodingType><Contents><Key>pre/fix/a%20b</Key><Size>1"
                 "</Size><ETag>\"e1\"</ETag></Contents><Contents><Key>pre/fix/c</Key><Size>2"
                 "</Size></Contents></ListBucketResult>");
    }
    return Xml(200,
               "<ListBucketResult><Name>bkt</Name><KeyCount>1</KeyCount><IsTruncated>false"
               "</IsTruncated><Contents><Key>pre/fix/d</Key><Size>3</Size></Contents>"
               "</ListBucketResult>");
  });
  auto list = store_->List("");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].key, "a b");
  EXPECT_EQ((*list)[0].etag, "\"e1\"");
  EXPECT_EQ((*list)[2].key, "d");
  EXPECT_EQ((*list)[2].size, 3u);
  auto reqs = server_->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].Query("continuation-token"), "t+/2=");
  EXPECT_EQ(reqs[1].Query("encoding-type"), "url");
}

TEST_F(S3StoreFakeTest, GarbageListingIsCorruption) {
  Open([&](const Req&) { return Resp{200, {}, "<html><body>hello</body></html>"}; });
  Status s = store_->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("did not answer ListObjectsV2 like S3 does"), std::string::npos);
  EXPECT_EQ(store_->List("").status().code(), StatusCode::kCorruption);
}

// A minimal multipart server: parts are kept, CompleteMultipartUpload fails once with an
// InternalError inside a 200 (the case S3 documents), then succeeds.
struct MultipartScript {
  std::map<int, std::string> parts;
  int completes = 0;
  int aborts = 0;
  bool error_in_200_once = true;
  Resp operator()(const Req& r) {
    if (r.method == "POST" && r.HasQuery("uploads")) {
      return Xml(200,
                 "<InitiateMultipartUploadResult><UploadId>up-1</UploadId>"
                 "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && r.HasQuery("partNumber")) {
      parts[std::stoi(r.Query("partNumber"))] = r.body;
      return Resp{200, {{"ETag", "\"" + std::to_string(parts.size()) + "\""}}, ""};
    }
    if (r.method == "POST" && r.HasQuery("uploadId")) {
      ++completes;
      if (error_in_200_once && completes == 1) return S3Err(200, "InternalError", "retry");
      return Xml(200,
                 "<CompleteMultipartUploadResult><Key>k</Key><ETag></ETag>"
                 "</CompleteMultipartUploadResult>");  // radosgw's empty ETag
    }
    if (r.method == "DELETE" && r.HasQuery("uploadId")) {
      ++aborts;
      return Resp{204, {}, ""};
    }
    if (r.method == "HEAD") return Resp{404, {}, ""};
    return Resp{};
  }
};

// Object tags (post-processing rules) go on the PUT and on CreateMultipartUpload, URL-encoded,
// signed.
TEST_F(S3StoreFakeTest, ObjectTagsAreSentOnCreation) {
  MultipartScript script;
  Open(std::ref(script));
  PutOptions o;
  o.tags = {{"dw-schema", "shop"}, {"note", "a b&c=d/é"}};
  ASSERT_TRUE(store_->Put("a.csv", "x", o).ok());
  auto w = store_->NewWriter("big", o);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(6 << 20, 'p')).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto reqs = server_->requests();
  ASSERT_GE(reqs.size(), 3u);
  const std::string tagging = "dw-schema=shop&note=a%20b%26c%3Dd%2F%C3%A9";
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].Header("x-amz-tagging"), tagging);
  EXPECT_NE(reqs[0].Header("authorization").find("x-amz-tagging"), std::string::npos);
  EXPECT_EQ(reqs[1].method, "POST");  // CreateMultipartUpload
  EXPECT_EQ(reqs[1].Header("x-amz-tagging"), tagging);
  for (size_t i = 2; i < reqs.size(); ++i) EXPECT_EQ(reqs[i].Header("x-amz-tagging"), "") << i;
  // After the multipart upload completed: PutObjectTagging (stores that ignore x-amz-tagging on
  // CreateMultipartUpload, as radosgw 16 does), with the Content-MD5 S3 requires.
  const auto& tagging_request = reqs.back();
  EXPECT_EQ(tagging_request.method, "PUT");
  EXPECT_TRUE(tagging_request.HasQuery("tagging"));
  EXPECT_EQ(
      tagging_request.body,
      "<Tagging><TagSet><Tag><Key>dw-schema</Key><Value>shop</Value></Tag><Tag><Key>note</Key>"
      "<Value>a b&amp;c=d/é</Value></Tag></TagSet></Tagging>");
  EXPECT_FALSE(tagging_request.Header("content-md5").empty());
  // Without tags: no header.
  ASSERT_TRUE(store_->Put("b.csv", "x", PutOptions{}).ok());
  EXPECT_EQ(server_->requests().back().Header("x-amz-tagging"), "");
}

TEST_F(S3StoreFakeTest, PreparedWriterHoldsNoPartMemory) {
  // A CDC batch keeps its prepared writers until the checkpoint is written: with many tables,
  // parts they no longer need would add up.
  MultipartScript script;
  Open(std::ref(script));
  auto w = store_->NewWriter("big", {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(11 << 20, 'p')).ok());
  auto* s3w = static_cast<S3ObjectWriter*>(w->get());
  EXPECT_EQ(s3w->buffer_capacity(), 2u * (5u << 20));  // one part filling, one uploading
  ASSERT_TRUE((*w)->Prepare().ok());
  EXPECT_EQ(s3w->buffer_capacity(), 0u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(script.parts.size(), 3u);
}

TEST_F(S3StoreFakeTest, MultipartWithErrorInside200IsRetried) {
  MultipartScript script;
  Open(std::ref(script));
  auto w = store_->NewWriter("big", {});
  ASSERT_TRUE(w.ok());
  std::string chunk(1 << 20, 'a');
  for (int i = 0; i < 11; ++i) {
    chunk[0] = static_cast<char>('a' + i);
    ASSERT_TRUE((*w)->Write(chunk).ok());
  }
  auto* s3w = static_cast<S3ObjectWriter*>(w->get());
  EXPECT_EQ(s3w->parts_uploaded(), 2u);             // two full parts sent, 1 MiB buffered
  EXPECT_LE(s3w->max_buffer_capacity(), 5u << 20);  // never more than one part
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(script.parts.size(), 3u);
  EXPECT_EQ(script.parts[1].size(), 5u << 20);
  EXPECT_EQ(script.parts[3].size(), 1u << 20);
  EXPECT_EQ(script.parts[3][0], 'k');
  EXPECT_EQ(script.completes, 2);
  EXPECT_EQ(script.aborts, 0);
  std::string complete_body = server_->requests().back().body;
  EXPECT_NE(complete_body.find("<Part><ETag>\"3\"</ETag><PartNumber>3</PartNumber></Part>"),
            std::string::npos);
}

TEST_F(S3StoreFakeTest, SmallWriterIsOnePutAndAbortedWriterAbortsItsUpload) {
  MultipartScript script;
  Open(std::ref(script));
  {
    auto w = store_->NewWriter("small", {});
    ASSERT_TRUE((*w)->Write(std::string(5u << 20, 's')).ok());  // exactly one part
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(server_->requests()[0].method, "PUT");
  {
    auto w = store_->NewWriter("dropped", {});
    ASSERT_TRUE((*w)->Write(std::string(6u << 20, 'd')).ok());  // one part uploaded
    // destroyed without Close
  }
  EXPECT_EQ(script.aborts, 1);
  EXPECT_EQ(script.completes, 0);
}

TEST_F(S3StoreFakeTest, ConditionalMultipartChecksAndSendsIfNoneMatch) {
  MultipartScript script;
  script.error_in_200_once = false;
  Open(std::ref(script));
  PutOptions once;
  once.if_none_match = true;
  auto w = store_->NewWriter("big", once);
  ASSERT_TRUE((*w)->Write(std::string(6u << 20, 'x')).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto reqs = server_->requests();
  EXPECT_EQ(reqs[reqs.size() - 2].method, "HEAD");
  EXPECT_EQ(reqs.back().Header("if-none-match"), "*");
  EXPECT_EQ(reqs.front().Header("if-none-match"), "");  // not on CreateMultipartUpload
}

}  // namespace
}  // namespace binlake::s3
