// GetRange of the S3 store (s3_range.h): the contract's cases on FakeS3 with and without Range
// support, the Range header it sends, and what it makes of answers a server should not give
// (scripted on testing/fake_http_server.h).
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "store/s3_object_store.h"
#include "store/s3_range.h"
#include "store/testing/fake_http_server.h"
#include "store/testing/fake_s3.h"
#include "store/testing/get_range_contract.h"

namespace binlake::s3 {
namespace {

using testing::ExpectChunkedReadEqualsObject;
using testing::ExpectGetRangeContract;
using testing::FakeHttpServer;
using testing::FakeS3;
using Req = FakeHttpServer::Request;
using Resp = FakeHttpServer::Response;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

std::string RandomBytes(size_t n) {
  std::mt19937_64 rng(11);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

TEST(S3Range, HeaderValue) {
  EXPECT_EQ(RangeHeaderValue(0, 1), "bytes=0-0");
  EXPECT_EQ(RangeHeaderValue(3, 4), "bytes=3-6");
  EXPECT_EQ(RangeHeaderValue(4u << 20, 4u << 20), "bytes=4194304-8388607");
  EXPECT_EQ(RangeHeaderValue(3, kMax), "bytes=3-");  // the last byte would overflow
  EXPECT_EQ(RangeHeaderValue(0, kMax), "bytes=0-18446744073709551614");
  EXPECT_EQ(RangeHeaderValue(kMax, 1), "bytes=18446744073709551615-");
}

TEST(S3Range, ParseContentRange) {
  auto r = ParseContentRange("bytes 3-6/10");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 3u);
  EXPECT_EQ(r->last, 6u);
  EXPECT_EQ(r->total, 10u);
  r = ParseContentRange("Bytes 0-0/*");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->total.has_value());
  for (const char* bad : {"", "bytes", "bytes */10", "bytes 6-3/10", "bytes 3-6/6", "bytes 3-6",
                          "items 3-6/10", "bytes 3-x/10", "bytes -3-6/10", "bytes 3-6/10x",
                          "bytes 99999999999999999999-1/2", "bytes=3-6/10"}) {
    EXPECT_FALSE(ParseContentRange(bad).has_value()) << bad;
  }
}

class S3GetRangeFakeS3Test : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    FakeS3::Options o;
    o.honor_range = GetParam();
    auto s3 = FakeS3::Start(o);
    ASSERT_TRUE(s3.ok()) << s3.status().message();
    s3_ = std::move(*s3);
    auto store = S3ObjectStore::Open(s3_->Target("pre"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_P(S3GetRangeFakeS3Test, Contract) {
  ExpectGetRangeContract(*store_, "db/t/");
  // Length 0 sends nothing; every other slice is one GET with its Range.
  const int gets = s3_->Count("GetObject");
  ASSERT_TRUE(store_->GetRange("db/t/ten", 2, 0).ok());
  EXPECT_EQ(s3_->Count("GetObject"), gets);
  ASSERT_TRUE(store_->GetRange("db/t/ten", 2, 5).ok());
  ASSERT_EQ(s3_->Count("GetObject"), gets + 1);
  EXPECT_EQ(s3_->requests().back().Header("range"), "bytes=2-6");
  EXPECT_EQ(s3_->requests().back().target, "/bkt/pre/db/t/ten");
}

TEST_P(S3GetRangeFakeS3Test, MultipartObjectReadInChunksAcrossItsParts) {
  const std::string object = RandomBytes((12u << 20) + 3);
  auto w = store_->NewWriter("big/object.bin", {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(object).ok());
  ASSERT_TRUE((*w)->Close().ok());
  ASSERT_EQ(s3_->Count("UploadPart"), 3);
  ExpectChunkedReadEqualsObject(*store_, "big/object.bin", object, 4u << 20);
}

TEST_P(S3GetRangeFakeS3Test, NoSuchBucketIsNotFoundNamingTheBucket) {
  TargetConfig c = s3_->Target("pre");
  c.url = "s3://other/pre";
  auto store = S3ObjectStore::Open(c);
  ASSERT_TRUE(store.ok());
  Status s = (*store)->GetRange("k", 0, 4).status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("bucket 'other' does not exist"), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(RangeHonouredOrIgnored, S3GetRangeFakeS3Test, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Honoured" : "Ignored";
                         });

// The S3 store on a scripted server that answers every GET with `answer`.
class S3GetRangeScriptedTest : public ::testing::Test {
 protected:
  void Open(FakeHttpServer::Handler handler) {
    auto server = FakeHttpServer::Start(std::move(handler));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    TargetConfig c;
    c.url = "s3://bkt/pre";
    c.endpoint_url = server_->endpoint();
    c.region = "us-east-1";
    c.credentials = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
    c.max_attempts = 3;
    c.base_backoff_ms = 1;
    c.max_backoff_ms = 2;
    c.request_timeout_ms = 5000;
    auto store = S3ObjectStore::Open(c);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  static Resp Partial(const std::string& content_range, const std::string& body) {
    return Resp{206, {{"Content-Range", content_range}}, body};
  }
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3GetRangeScriptedTest, AnswersThatDoNotMatchTheRangeAreCorruption) {
  Resp answer;
  Open([&](const Req&) { return answer; });
  struct Case {
    const char* name;
    Resp answer;
  } cases[] = {
      {"no Content-Range", Resp{206, {}, "3456"}},
      {"garbage Content-Range", Partial("bytes three-six/10", "3456")},
      {"another start", Partial("bytes 2-5/10", "2345")},
      {"longer than asked", Partial("bytes 3-7/10", "34567")},
      {"body shorter than its Content-Range", Partial("bytes 3-6/10", "345")},
      {"cut short before the end", Partial("bytes 3-4/10", "34")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    answer = c.answer;
    Result<std::string> got = store_->GetRange("k", 3, 4);
    ASSERT_FALSE(got.ok()) << *got;
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().message();
    EXPECT_NE(got.status().message().find("GetObject s3://bkt/pre/k"), std::string::npos)
        << got.status().message();
    EXPECT_NE(got.status().message().find("bytes=3-6"), std::string::npos)
        << got.status().message();
  }
}

TEST_F(S3GetRangeScriptedTest, AnswersAServerMayGive) {
  Resp answer;
  Open([&](const Req&) { return answer; });
  struct Case {
    const char* name;
    Resp answer;
    std::string want;
  } cases[] = {
      {"206", Partial("bytes 3-6/10", "3456"), "3456"},
      {"206 of unknown length", Partial("bytes 3-6/*", "3456"), "3456"},
      {"206 at the end", Partial("bytes 3-4/5", "34"), "34"},
      {"200: Range ignored", Resp{200, {}, "0123456789"}, "3456"},
      {"200: Range ignored, short object", Resp{200, {}, "0123"}, "3"},
      {"200: Range ignored, offset past the end", Resp{200, {}, "012"}, ""},
      {"416 InvalidRange",
       Resp{416, {}, "<Error><Code>InvalidRange</Code><Message>m</Message></Error>"}, ""},
      {"416 without a body", Resp{416, {}, ""}, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    answer = c.answer;
    Result<std::string> got = store_->GetRange("k", 3, 4);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(*got, c.want);
  }
}

TEST_F(S3GetRangeScriptedTest, UsesTheGetPathsRetriesAndErrors) {
  int calls = 0;
  Open([&](const Req& r) {
    ++calls;
    if (r.Path() == "/bkt/pre/missing") {
      return Resp{404, {}, "<Error><Code>NoSuchKey</Code><Message>m</Message></Error>"};
    }
    if (r.Path() == "/bkt/pre/denied") {
      return Resp{403, {}, "<Error><Code>AccessDenied</Code><Message>m</Message></Error>"};
    }
    if (calls == 1) return Resp{503, {}, "<Error><Code>SlowDown</Code></Error>"};
    return Partial("bytes 3-6/10", "3456");
  });
  Result<std::string> got = store_->GetRange("k", 3, 4);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "3456");
  auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);  // the SlowDown was retried
  for (const Req& r : requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.Header("range"), "bytes=3-6");
    // Range is signed with the other headers.
    EXPECT_NE(r.Header("authorization").find(";range;"), std::string::npos)
        << r.Header("authorization");
  }
  Status s = store_->GetRange("missing", 0, 4).status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "s3://bkt/pre/missing does not exist");
  EXPECT_EQ(store_->GetRange("denied", 0, 4).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->GetRange("/abs", 0, 4).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace binlake::s3
