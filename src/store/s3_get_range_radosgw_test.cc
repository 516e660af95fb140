// GetRange of the S3 store against a real S3 implementation: Ceph radosgw 16, started by the
// CTest fixture "radosgw" (tests/radosgw_fixture.cmake), or any server an env file names
// (BINLAKE_RADOSGW_ENV, store/testing/radosgw_env.h). Each test works under its own random prefix.
#include <gtest/gtest.h>

#include <random>

#include "store/s3_object_store.h"
#include "store/testing/get_range_contract.h"
#include "store/testing/radosgw_env.h"

namespace binlake::s3 {
namespace {

using binlake::testing::ExpectChunkedReadEqualsObject;
using binlake::testing::ExpectGetRangeContract;

class RadosgwGetRangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = binlake::testing::LoadRadosgwEnv();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
    std::mt19937_64 rng{std::random_device{}()};
    prefix_ = std::string("it-range-") +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
              std::to_string(rng() % 1000000000);
  }
  std::unique_ptr<S3ObjectStore> OpenStore(const TargetConfig& config) {
    auto s = S3ObjectStore::Open(config);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  TargetConfig Target() const { return binlake::testing::RadosgwTarget(env_, prefix_); }
  static std::string RandomBytes(size_t n) {
    std::mt19937_64 rng(5);
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng());
    return out;
  }

  binlake::testing::RadosgwEnv env_;
  std::string prefix_;
};

TEST_F(RadosgwGetRangeTest, Contract) {
  auto store = OpenStore(Target());
  ASSERT_NE(store, nullptr);
  ExpectGetRangeContract(*store, "db/t/");
}

// What GetRange relies on, seen raw: this server honours Range (206 + Content-Range) and answers
// 416 InvalidRange past the end, and for an empty object.
TEST_F(RadosgwGetRangeTest, ServerAnswers206And416) {
  auto store = OpenStore(Target());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put("ten", "0123456789", {}).ok());
  ASSERT_TRUE(store->Put("empty", "", {}).ok());
  auto get = [&](const std::string& key, const std::string& range) {
    auto out =
        store->client().Send(S3Request{"GET", store->FullKey(key), {}, {{"Range", range}}, {}});
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? out->response : HttpResponse{};
  };
  HttpResponse r = get("ten", "bytes=3-6");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 3-6/10");
  EXPECT_EQ(r.body, "3456");
  r = get("ten", "bytes=8-20");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 8-9/10");
  for (const auto& [key, range] : {std::pair<std::string, std::string>{"ten", "bytes=10-13"},
                                   {"ten", "bytes=10-"},
                                   {"empty", "bytes=0-3"}}) {
    r = get(key, range);
    EXPECT_EQ(r.status, 416) << key << " " << range;
    EXPECT_EQ(ErrorCode(r), "InvalidRange") << key << " " << range;
  }
}

// A multipart object (5 MiB parts) read in 4 MiB slices, which start and end inside parts and
// span part boundaries; then in slices of an odd size.
TEST_F(RadosgwGetRangeTest, MultipartObjectReadInChunks) {
  TargetConfig config = Target();
  config.multipart_part_size = 5u << 20;
  auto store = OpenStore(config);
  ASSERT_NE(store, nullptr);
  const std::string object = RandomBytes((13u << 20) + 5);
  auto w = store->NewWriter("big/object.bin", {});
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE((*w)->Write(object).ok());
  Status closed = (*w)->Close();
  ASSERT_TRUE(closed.ok()) << closed.message();
  auto head = store->Head("big/object.bin");
  ASSERT_TRUE(head.ok() && head->has_value());
  ASSERT_NE((*head)->etag.find("-3"), std::string::npos) << (*head)->etag;  // three parts
  ExpectChunkedReadEqualsObject(*store, "big/object.bin", object, 4u << 20);
  ExpectChunkedReadEqualsObject(*store, "big/object.bin", object, (3u << 20) + 7);
  // One slice straddling the first part boundary.
  auto across = store->GetRange("big/object.bin", (5u << 20) - 3, 6);
  ASSERT_TRUE(across.ok()) << across.status().message();
  ASSERT_EQ(across->size(), 6u);
  EXPECT_TRUE(*across == object.substr((5u << 20) - 3, 6));
}

// Server-side encrypted objects are decrypted in blocks: slices that do not start or end on a
// block boundary must still be exact.
TEST_F(RadosgwGetRangeTest, EncryptedObjectsSliceExactly) {
  for (const char* mode : {"SSE_S3", "SSE_KMS"}) {
    SCOPED_TRACE(mode);
    TargetConfig config = Target();
    config.encryption_mode = mode;
    if (std::string(mode) == "SSE_KMS") config.kms_key_id = env_.kms_key_id;
    auto store = OpenStore(config);
    ASSERT_NE(store, nullptr);
    ExpectGetRangeContract(*store, std::string(mode) + "/");
    const std::string object = RandomBytes((1u << 20) + 4099);
    ASSERT_TRUE(store->Put(std::string(mode) + "/obj", object, {}).ok());
    ExpectChunkedReadEqualsObject(*store, std::string(mode) + "/obj", object, 65537);
  }
}

}  // namespace
}  // namespace binlake::s3
