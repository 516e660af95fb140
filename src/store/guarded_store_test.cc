#include "store/guarded_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "common/testing/temp_dir.h"
#include "store/local_object_store.h"

namespace binlake {
namespace {

// A GuardedStore over a real local directory: while the guard allows, everything reaches the
// directory; once it refuses, no request changes the directory and each returns the guard's
// error, while reads still work.
class GuardedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = LocalObjectStore::Open("file://" + temp_.path() + "/out");
    ASSERT_TRUE(s.ok()) << s.status().message();
    inner_ = std::move(*s);
    ASSERT_TRUE(inner_->CheckAccess().ok());
    guarded_ = std::make_unique<GuardedStore>(*inner_, [this] {
      ++asked_;
      return allowed_.load() ? Status::Ok() : PreconditionFailed("lease lost");
    });
  }
  std::vector<std::string> Keys() {
    auto all = inner_->List("");
    EXPECT_TRUE(all.ok());
    std::vector<std::string> keys;
    for (const ObjectInfo& o : *all) keys.push_back(o.key);
    return keys;
  }

  TempDir temp_{"binlake-guarded-store"};
  std::unique_ptr<ObjectStore> inner_;
  std::unique_ptr<GuardedStore> guarded_;
  std::atomic<bool> allowed_{true};
  std::atomic<int> asked_{0};
};

TEST_F(GuardedStoreTest, WritesPassWhileTheGuardAllows) {
  ASSERT_TRUE(guarded_->Put("a/one", "1", {}).ok());
  auto w = guarded_->NewWriter("a/two", {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("22").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto p = guarded_->NewWriter("a/three", {});
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->Write("333").ok());
  auto token = (*p)->Prepare();
  ASSERT_TRUE(token.ok()) << token.status().message();
  ASSERT_TRUE(guarded_->PublishPrepared("a/three", *token).ok());
  ASSERT_TRUE(guarded_->Delete("a/one").ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a/three", "a/two"}));
  EXPECT_EQ(*guarded_->Get("a/two"), "22");
  EXPECT_GE(asked_.load(), 6);
}

TEST_F(GuardedStoreTest, NoWriteChangesTheTargetOnceTheGuardRefuses) {
  ASSERT_TRUE(inner_->Put("keep", "k", {}).ok());
  // A writer opened and prepared while allowed, then the guard turns.
  auto open = guarded_->NewWriter("late/closed", {});
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE((*open)->Write("x").ok());
  auto prepared = guarded_->NewWriter("late/prepared", {});
  ASSERT_TRUE(prepared.ok());
  ASSERT_TRUE((*prepared)->Write("y").ok());
  auto token = (*prepared)->Prepare();
  ASSERT_TRUE(token.ok());
  auto half = guarded_->NewWriter("late/unprepared", {});
  ASSERT_TRUE(half.ok());
  ASSERT_TRUE((*half)->Write("z").ok());
  allowed_ = false;

  auto expect_refused = [](const Status& s, const char* what) {
    EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed) << what << ": " << s.ToString();
    EXPECT_NE(s.message().find("lease lost"), std::string::npos) << what;
  };
  expect_refused(guarded_->Put("new", "n", {}), "Put");
  expect_refused(guarded_->NewWriter("new", {}).status(), "NewWriter");
  expect_refused((*open)->Close(), "Close");
  expect_refused((*half)->Prepare().status(), "Prepare");
  expect_refused(guarded_->PublishPrepared("late/prepared", *token), "PublishPrepared");
  expect_refused(guarded_->Delete("keep"), "Delete");
  auto uncommitted = inner_->ListUncommitted("late/");
  ASSERT_TRUE(uncommitted.ok());
  ASSERT_FALSE(uncommitted->empty());
  expect_refused(guarded_->DiscardUncommitted(uncommitted->front()), "DiscardUncommitted");

  EXPECT_EQ(Keys(), std::vector<std::string>{"keep"});
  EXPECT_EQ(*guarded_->Get("keep"), "k");  // reads pass
  EXPECT_TRUE(guarded_->Head("keep").ok());
  EXPECT_EQ(guarded_->Describe(), inner_->Describe());
}

}  // namespace
}  // namespace binlake
