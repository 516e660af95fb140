// The S3 store against a real S3 implementation: Ceph radosgw 16, started by the CTest fixture
// "radosgw" (tests/radosgw_fixture.cmake). Each test works under its own random prefix.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "common/testing/sanitizers.h"
#include "store/conditional_probe.h"
#include "store/s3_object_store.h"
#include "store/s3_object_writer.h"
#include "store/s3_xml.h"
#include "store/sigv4.h"
#include "store/testing/fake_http_server.h"
#include "store/testing/radosgw_env.h"

namespace binlake::s3 {
namespace {

using binlake::testing::RadosgwEnv;

std::string RandomPrefix(const std::string& name) {
  std::mt19937_64 rng{std::random_device{}()};
  return "it-" + name + "-" + std::to_string(rng() % 1000000000);
}

// VmRSS / VmHWM of this process in KiB (-1 if unreadable).
long ProcStatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

class RadosgwTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = binlake::testing::LoadRadosgwEnv();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
    prefix_ = RandomPrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_ = OpenStore(binlake::testing::RadosgwTarget(env_, prefix_));
  }
  std::unique_ptr<S3ObjectStore> OpenStore(const TargetConfig& config) {
    auto s = S3ObjectStore::Open(config);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }

  RadosgwEnv env_;
  std::string prefix_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(RadosgwTest, PutGetHeadDelete) {
  ASSERT_TRUE(store_->CheckAccess().ok());
  ASSERT_TRUE(store_->Put("db/t/LOAD00000001.csv", "1,a\n2,b\n", {}).ok());
  auto got = store_->Get("db/t/LOAD00000001.csv");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "1,a\n2,b\n");
  auto head = store_->Head("db/t/LOAD00000001.csv");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->size, 8u);
  EXPECT_EQ((*head)->etag, "\"8fd2b77fad3feb3eea3d650f8b3d43c0\"")
      << "ETag of a single PUT is the MD5 of the bytes";
  EXPECT_FALSE(store_->Head("db/t/absent.csv")->has_value());
  EXPECT_EQ(store_->Get("db/t/absent.csv").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->Delete("db/t/LOAD00000001.csv").ok());
  EXPECT_TRUE(store_->Delete("db/t/LOAD00000001.csv").ok());  // idempotent
  EXPECT_FALSE(store_->Head("db/t/LOAD00000001.csv")->has_value());
}

TEST_F(RadosgwTest, ListPaginatesPastOneThousandKeysFromSeveralThreads) {
  constexpr int kKeys = 1100;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < kKeys;) {
        char key[32];
        std::snprintf(key, sizeof(key), "many/%05d.csv", i);
        if (!store_->Put(key, std::to_string(i), {}).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(store_->Put("other/x", "x", {}).ok());
  auto all = store_->List("many/");
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "many/%05d.csv", i);
    ASSERT_EQ((*all)[i].key, key);
    ASSERT_EQ((*all)[i].size, std::to_string(i).size());
  }
  EXPECT_EQ(store_->List("")->size(), static_cast<size_t>(kKeys) + 1);
  EXPECT_EQ(store_->List("many/0100")->size(), 10u);
  EXPECT_TRUE(store_->List("none/")->empty());
}

TEST_F(RadosgwTest, KeysWithSpecialCharactersRoundTrip) {
  const std::string key = "dir/a b+c=d&e%f~g,h;(i)!*'@$\xC3\xBC.csv";
  ASSERT_TRUE(store_->Put(key, "special", {}).ok());
  EXPECT_EQ(*store_->Get(key), "special");
  auto list = store_->List("dir/");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, key);
}

TEST_F(RadosgwTest, MultipartTwentyMiBWithBoundedMemory) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.multipart_part_size = 5u << 20;
  auto store = OpenStore(config);
  ASSERT_NE(store, nullptr);
  auto w = store->NewWriter("big/object.bin", {});
  ASSERT_TRUE(w.ok());
  // Peak RSS is reset (Linux clear_refs "5") so the peak below is this write's.
  [[maybe_unused]] const bool hwm_reset =
      static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  const long rss_before = ProcStatusKb("VmRSS");
  std::string chunk(1 << 20, '\0');
  std::string all_hash_input;  // SHA-256 of each 1 MiB chunk: the object itself is not kept
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20; ++i) {
    for (char& c : chunk) c = static_cast<char>(rng());
    all_hash_input += sigv4::Sha256Hex(chunk);
    ASSERT_TRUE((*w)->Write(chunk).ok());
  }
  auto* s3w = static_cast<S3ObjectWriter*>(w->get());
  EXPECT_EQ(s3w->parts_uploaded(), 3u);  // the 4th part is sent by Close
  EXPECT_LE(s3w->max_buffer_capacity(), 5u << 20);
  // Invisible until Close.
  EXPECT_FALSE(store->Head("big/object.bin")->has_value());
  ASSERT_TRUE((*w)->Close().ok());
  const long hwm = ProcStatusKb("VmHWM");
  ::testing::Test::RecordProperty("peak_rss_growth_kib", std::to_string(hwm - rss_before));
#if !BINLAKE_ASAN  // ASan's quarantine keeps freed memory resident
  if (hwm_reset && rss_before > 0 && hwm > 0) {
    // A writer that kept the object would grow by more than its 20 MiB; this one holds one
    // 5 MiB part (measured: about 10 MiB of growth, curl and the 1 MiB chunk included).
    EXPECT_LT(hwm - rss_before, 18 * 1024) << "peak RSS grew by " << (hwm - rss_before) << " KiB";
  }
#endif
  auto head = store->Head("big/object.bin");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->size, 20u << 20);
  EXPECT_NE((*head)->etag.find("-4"), std::string::npos) << (*head)->etag;
  auto got = store->Get("big/object.bin");
  ASSERT_TRUE(got.ok());
  std::string got_hashes;
  for (size_t off = 0; off < got->size(); off += 1 << 20) {
    got_hashes += sigv4::Sha256Hex(std::string_view(*got).substr(off, 1 << 20));
  }
  EXPECT_EQ(got_hashes, all_hash_input);
}

TEST_F(RadosgwTest, AbortedWritersLeaveNoObjectAndNoUpload) {
  {
    auto w = store_->NewWriter("gone/big", {});
    ASSERT_TRUE((*w)->Write(std::string(6u << 20, 'g')).ok());  // a part is uploaded
    // destroyed without Close
  }
  {
    auto w = store_->NewWriter("gone/small", {});
    ASSERT_TRUE((*w)->Write("tiny").ok());
    (*w)->Abort();
  }
  EXPECT_TRUE(store_->List("gone/")->empty());
  // ListMultipartUploads under the prefix: none left.
  auto out = store_->client().Send(
      S3Request{"GET", "", {{"uploads", ""}, {"prefix", prefix_ + "/gone/"}}, {}, {}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->response.status, 200);
  EXPECT_NE(out->response.body.find("ListMultipartUploadsResult"), std::string::npos);
  EXPECT_EQ(out->response.body.find("<UploadId>"), std::string::npos) << out->response.body;
}

TEST_F(RadosgwTest, IfNoneMatchConflictIsAlreadyExists) {
  PutOptions once;
  once.if_none_match = true;
  ASSERT_TRUE(store_->Put("commit/0001.json", "first", once).ok());
  Status s = store_->Put("commit/0001.json", "second", once);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.message();
  EXPECT_EQ(*store_->Get("commit/0001.json"), "first");
  // The multipart path refuses too, and leaves the object alone.
  auto w = store_->NewWriter("commit/0001.json", once);
  ASSERT_TRUE((*w)->Write(std::string(6u << 20, 'm')).ok());
  EXPECT_EQ((*w)->Close().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->Get("commit/0001.json"), "first");
}

TEST_F(RadosgwTest, MissingBucketIsAClearError) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, "");
  config.url = "s3://no-such-bucket-binlake/x";
  auto store = OpenStore(config);
  Status s = store->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "bucket 'no-such-bucket-binlake' does not exist at " + env_.endpoint);
  EXPECT_EQ(store->Put("k", "v", {}).code(), StatusCode::kNotFound);
}

TEST_F(RadosgwTest, WrongCredentialsAreClearErrorsWithoutTheSecret) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.credentials.secret_access_key = "Wrong/Secret+Value0123456789abcdefghijkl";
  auto store = OpenStore(config);
  Status s = store->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("SignatureDoesNotMatch"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("Wrong/Secret"), std::string::npos);
  EXPECT_EQ(s.message().find(env_.secret_access_key), std::string::npos);

  config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.credentials.access_key_id = "AKIANOSUCHKEY0000000";
  store = OpenStore(config);
  s = store->Put("k", "v", {});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("InvalidAccessKeyId"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(env_.secret_access_key), std::string::npos);
}

TEST_F(RadosgwTest, UnreachableEndpointIsNetworkErrorAfterRetries) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.endpoint_url = "http://127.0.0.1:" + std::to_string(binlake::testing::UnusedLocalPort());
  config.max_attempts = 3;
  config.base_backoff_ms = 1;
  config.max_backoff_ms = 5;
  auto store = OpenStore(config);
  Status s = store->CheckAccess();
  EXPECT_EQ(s.code(), StatusCode::kNetworkError);
  EXPECT_NE(
      s.message().find("cannot reach S3 endpoint " + config.endpoint_url + " after 3 attempts"),
      std::string::npos)
      << s.message();
}

TEST_F(RadosgwTest, EncryptionAndAclHeadersAreAccepted) {
  struct Variant {
    const char* name;
    std::string mode, kms, acl, owner;
  };
  const Variant variants[] = {
      {"sse-s3", "SSE_S3", "", "", ""},
      {"sse-kms", "SSE_KMS", env_.kms_key_id, "", ""},
      {"acl-public-read", "", "", "PUBLIC_READ", ""},
      {"acl-owner-full", "", "", "BUCKET_OWNER_FULL_CONTROL", ""},
      {"acl-private", "", "", "PRIVATE", ""},
      {"owner", "", "", "NONE", "tester"},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
    config.encryption_mode = v.mode;
    config.kms_key_id = v.kms;
    config.canned_acl = v.acl;
    config.expected_bucket_owner = v.owner;
    config.multipart_part_size = 5u << 20;
    auto store = OpenStore(config);
    ASSERT_NE(store, nullptr);
    const std::string key = std::string(v.name) + "/small";
    Status s = store->Put(key, "secret data", {});
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(*store->Get(key), "secret data");
    // Multipart carries the same headers on CreateMultipartUpload.
    auto w = store->NewWriter(std::string(v.name) + "/big", {});
    ASSERT_TRUE((*w)->Write(std::string((5u << 20) + 10, 'e')).ok());
    s = (*w)->Close();
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(store->Get(std::string(v.name) + "/big")->size(), (5u << 20) + 10);
  }
}

}  // namespace
}  // namespace binlake::s3

namespace binlake::s3 {
namespace {

TEST_F(RadosgwTest, PreparedUploadsPublishFromTheirTokenOnly) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.multipart_part_size = 5u << 20;
  auto store = OpenStore(config);
  ASSERT_NE(store, nullptr);
  std::string big(7u << 20, 'b');  // two parts
  std::map<std::string, std::string> tokens;
  for (const auto& [key, data] :
       std::map<std::string, std::string>{{"small.csv", "tiny\n"}, {"big.csv", big}}) {
    auto w = store->NewWriter(key, {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(data).ok());
    auto t = (*w)->Prepare();
    ASSERT_TRUE(t.ok()) << t.status().message();
    tokens[key] = *t;
  }  // writers destroyed: the uploads stay open, invisible
  auto listed = store->List("");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto recovered = OpenStore(config);  // "another process"
  for (const auto& [key, token] : tokens) {
    ASSERT_TRUE(recovered->PublishPrepared(key, token).ok()) << key;
    EXPECT_TRUE(recovered->PublishPrepared(key, token).ok()) << "idempotent: " << key;
  }
  EXPECT_EQ(*store->Get("small.csv"), "tiny\n");
  auto got = store->Get("big.csv");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), big.size());
  EXPECT_TRUE(*got == big);
  EXPECT_FALSE(recovered->PublishPrepared("x.csv", "not-a-token").ok());
}

TEST_F(RadosgwTest, ConditionalCreateIsHonouredOnPut) {
  // Ceph radosgw 16 honours If-None-Match: * on PutObject (not on CompleteMultipartUpload: see
  // s3_object_writer.h), which is what CDC checkpoints use.
  Status s = ProbeConditionalCreate(*store_, "_binlake/");
  EXPECT_TRUE(s.ok()) << s.message();
  auto left = store_->List("");
  ASSERT_TRUE(left.ok()) << left.status().message();
  EXPECT_TRUE(left->empty());
}

TEST_F(RadosgwTest, RepublishingOverAReplacedObjectIsAClearError) {
  TargetConfig config = binlake::testing::RadosgwTarget(env_, prefix_);
  config.multipart_part_size = 5u << 20;
  auto store = OpenStore(config);
  ASSERT_NE(store, nullptr);
  auto w = store->NewWriter("t/1.csv", {});
  ASSERT_TRUE((*w)->Write(std::string((5u << 20) + 3, 'r')).ok());
  auto token = (*w)->Prepare();
  ASSERT_TRUE(token.ok()) << token.status().message();
  ASSERT_TRUE(store->PublishPrepared("t/1.csv", *token).ok());
  ASSERT_TRUE(store->Put("t/1.csv", "replaced", {}).ok());
  Status s = OpenStore(config)->PublishPrepared("t/1.csv", *token);
  EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed) << s.message();
  EXPECT_EQ(*store->Get("t/1.csv"), "replaced");
}

TEST_F(RadosgwTest, UncommittedUploadsAreListedAndDiscarded) {
  std::string token;
  {
    auto w = store_->NewWriter("cdc/t/20240101-000000000.csv", {});
    ASSERT_TRUE((*w)->Write("a,b\n").ok());
    auto t = (*w)->Prepare();
    ASSERT_TRUE(t.ok()) << t.status().message();
    token = *t;
  }  // prepared: the upload stays
  ASSERT_TRUE(store_->Put("cdc/t/visible.csv", "v", {}).ok());
  auto listed = store_->ListUncommitted("cdc/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "cdc/t/20240101-000000000.csv");
  EXPECT_EQ(token.substr(0, token.find('\n')), (*listed)[0].id);  // the token's upload id
  EXPECT_TRUE(store_->ListUncommitted("other/")->empty());
  ASSERT_TRUE(store_->DiscardUncommitted((*listed)[0]).ok());
  EXPECT_TRUE(store_->DiscardUncommitted((*listed)[0]).ok());  // already gone
  EXPECT_TRUE(store_->ListUncommitted("cdc/")->empty());
  EXPECT_FALSE(store_->PublishPrepared("cdc/t/20240101-000000000.csv", token).ok());
  auto visible = store_->List("cdc/");
  ASSERT_TRUE(visible.ok());
  ASSERT_EQ(visible->size(), 1u);
  EXPECT_EQ((*visible)[0].key, "cdc/t/visible.csv");
}

}  // namespace
}  // namespace binlake::s3
