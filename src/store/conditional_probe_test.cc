// ProbeConditionalCreate against stores that honour conditional create (FakeS3, the local
// directory) and one that does not (FakeS3 with honor_if_none_match = false); the probe against
// radosgw is in s3_radosgw_test.cc.
#include "store/conditional_probe.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "store/local_object_store.h"
#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake {
namespace {

using testing::FakeS3;

class ProbeFakeS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s3 = FakeS3::Start();
    ASSERT_TRUE(s3.ok()) << s3.status().message();
    s3_ = std::move(*s3);
    auto store = s3::S3ObjectStore::Open(s3_->Target("pre"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  std::vector<ObjectInfo> Left() {
    auto all = store_->List("");
    EXPECT_TRUE(all.ok()) << all.status().message();
    return all.ok() ? *all : std::vector<ObjectInfo>{};
  }

  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<s3::S3ObjectStore> store_;
};

TEST_F(ProbeFakeS3Test, HonouredIsOkAndLeavesNothing) {
  Status s = ProbeConditionalCreate(*store_, "_binlake/");
  EXPECT_TRUE(s.ok()) << s.message();
  auto reqs = s3_->requests();
  ASSERT_EQ(reqs.size(), 4u);  // PUT, PUT (412), GET, DELETE
  EXPECT_EQ(FakeS3::Operation(reqs[0]), "PutObject");
  EXPECT_EQ(reqs[0].Header("if-none-match"), "*");
  EXPECT_EQ(reqs[1].Header("if-none-match"), "*");
  EXPECT_EQ(FakeS3::Key(reqs[0]).rfind("pre/_binlake/probe-", 0), 0u) << FakeS3::Key(reqs[0]);
  EXPECT_EQ(FakeS3::Key(reqs[0]).size(), std::string("pre/_binlake/probe-").size() + 16);
  EXPECT_EQ(FakeS3::Operation(reqs[3]), "DeleteObject");
  EXPECT_TRUE(Left().empty());
  // A new name each time.
  ASSERT_TRUE(ProbeConditionalCreate(*store_, "_binlake/").ok());
  EXPECT_NE(FakeS3::Key(s3_->requests().back()), FakeS3::Key(reqs[0]));
}

TEST_F(ProbeFakeS3Test, IgnoredIsUnsupportedInOneLine) {
  s3_->set_honor_if_none_match(false);
  Status s = ProbeConditionalCreate(*store_, "_binlake/");
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message().rfind("the S3 store at s3://bkt/pre does not honour If-None-Match "
                              "(conditional create): two binlake instances could both commit; ",
                              0),
            0u)
      << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  EXPECT_TRUE(Left().empty());  // deleted all the same
}

TEST_F(ProbeFakeS3Test, LostAnswersDoNotFoolIt) {
  // The second create's answer is lost: its retry answers 412, and the bytes read back are the
  // first create's, so it is a refusal.
  s3_->AddFault(FakeS3::LoseAnswer("PutObject").When([n = 0](const FakeS3::Request&) mutable {
    return ++n == 2;
  }));
  Status s = ProbeConditionalCreate(*store_, "p/");
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s3_->faults_hit(), 1);
}

TEST_F(ProbeFakeS3Test, StoreErrorsKeepTheirCode) {
  s3_->AddFault(FakeS3::Fail("PutObject", 403, "AccessDenied"));
  Status s = ProbeConditionalCreate(*store_, "p/");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.message();
  EXPECT_NE(s.message().find("probing conditional create at s3://bkt/pre/p/probe-"),
            std::string::npos)
      << s.message();
  // A failed delete is only logged.
  s3_->ClearFaults();
  s3_->AddFault(FakeS3::Fail("DeleteObject", 403, "AccessDenied"));
  EXPECT_TRUE(ProbeConditionalCreate(*store_, "p/").ok());
}

TEST(ProbeLocalTest, LocalDirectoryHonoursIt) {
  TempDir dir{"binlake-probe"};
  auto store = LocalObjectStore::Open("file://" + dir.path());
  ASSERT_TRUE(store.ok());
  Status s = ProbeConditionalCreate(**store, "_binlake/");
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE((*store)->List("")->empty());
  EXPECT_TRUE((*store)->ListUncommitted("")->empty());
}

}  // namespace
}  // namespace binlake
