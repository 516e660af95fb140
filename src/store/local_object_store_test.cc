#include "store/local_object_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "common/testing/temp_dir.h"
#include "store/target_config.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    root_ = dir_ / "out";
    auto s = LocalObjectStore::Open("file://" + root_.string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->CheckAccess().ok());
  }
  TempDir temp_{"binlake-local-store"};

  // Every directory entry under the root, hidden ones included.
  std::vector<std::string> AllFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root_).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  fs::path root_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalStoreTest, PutGetHeadDelete) {
  ASSERT_TRUE(store_->Put("db/t/LOAD00000001.csv", "a,b\n", {}).ok());
  auto got = store_->Get("db/t/LOAD00000001.csv");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "a,b\n");
  auto head = store_->Head("db/t/LOAD00000001.csv");
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->size, 4u);
  EXPECT_EQ((*head)->key, "db/t/LOAD00000001.csv");
  // Overwrite without if_none_match replaces.
  ASSERT_TRUE(store_->Put("db/t/LOAD00000001.csv", "x", {}).ok());
  EXPECT_EQ(*store_->Get("db/t/LOAD00000001.csv"), "x");
  ASSERT_TRUE(store_->Delete("db/t/LOAD00000001.csv").ok());
  EXPECT_FALSE(store_->Head("db/t/LOAD00000001.csv")->has_value());
  EXPECT_EQ(store_->Get("db/t/LOAD00000001.csv").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete("db/t/LOAD00000001.csv").ok());  // idempotent
  EXPECT_TRUE(store_->Delete("never/was").ok());
  // A directory is not an object.
  EXPECT_FALSE(store_->Head("db/t")->has_value());
  EXPECT_EQ(store_->Get("db").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalStoreTest, ListIsRecursiveSortedAndFiltered) {
  for (const char* k : {"b/2", "a/1", "a/sub/3", "ab", "a/0", "c"}) {
    ASSERT_TRUE(store_->Put(k, k, {}).ok());
  }
  auto all = store_->List("");
  ASSERT_TRUE(all.ok());
  std::vector<std::string> keys;
  for (const auto& o : *all) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/0", "a/1", "a/sub/3", "ab", "b/2", "c"}));
  auto a = store_->List("a/");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 3u);
  auto ab = store_->List("a");  // plain string prefix, not a directory
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->size(), 4u);
  auto sub = store_->List("a/s");
  ASSERT_TRUE(sub.ok());
  ASSERT_EQ(sub->size(), 1u);
  EXPECT_EQ((*sub)[0].key, "a/sub/3");
  EXPECT_EQ((*sub)[0].size, 7u);
  EXPECT_TRUE(store_->List("zzz/")->empty());
}

TEST_F(LocalStoreTest, WriterIsInvisibleUntilClose) {
  auto w = store_->NewWriter("t/big.csv", {});
  ASSERT_TRUE(w.ok());
  std::string chunk(300 * 1024, 'x');
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*w)->Write(chunk).ok());  // > the 1 MiB buffer
  EXPECT_EQ((*w)->bytes_written(), 10u * chunk.size());
  EXPECT_TRUE(store_->List("")->empty());
  EXPECT_FALSE(store_->Head("t/big.csv")->has_value());
  // The bytes are in a hidden temp file that List skips.
  std::vector<std::string> files = AllFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rfind("t/.tmp-big.csv.", 0), 0u);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(store_->Get("t/big.csv")->size(), 10u * chunk.size());
  EXPECT_EQ(AllFiles(), (std::vector<std::string>{"t/big.csv"}));
  EXPECT_FALSE((*w)->Write("more").ok());  // after Close
}

TEST_F(LocalStoreTest, WritesOfEverySizeKeepTheirOrder) {
  // Small writes are gathered in the writer's buffer, large ones go straight to the file when
  // the buffer is empty, and after a flush when it is not: the file must hold them in order.
  const std::vector<size_t> sizes = {10,        64 << 10, 1,       (64 << 10) - 1,
                                     200 << 10, 1 << 20,  3,       (1 << 20) + 5,
                                     500 << 10, 64 << 10, 2 << 20, 7};
  auto w = store_->NewWriter("t/mixed.csv", {});
  ASSERT_TRUE(w.ok());
  std::string expected;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string chunk(sizes[i], static_cast<char>('a' + i));
    chunk[0] = '<';
    chunk.back() = '>';
    ASSERT_TRUE((*w)->Write(chunk).ok()) << i;
    expected += chunk;
  }
  EXPECT_EQ((*w)->bytes_written(), expected.size());
  ASSERT_TRUE((*w)->Close().ok());
  auto got = store_->Get("t/mixed.csv");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), expected.size());
  EXPECT_TRUE(*got == expected);  // (not EXPECT_EQ: a mismatch would print megabytes)
}

TEST_F(LocalStoreTest, LargeFilesAreFlushedWhileTheyAreWritten) {
  // Every 2 MiB written, the store's background syncer flushes the file, so the fsync of Close
  // has only the tail left; the content is unchanged.
  auto w = store_->NewWriter("t/big.csv", {});
  ASSERT_TRUE(w.ok());
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    std::string chunk(256 << 10, static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*w)->Write(chunk).ok());
    expected += chunk;
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store_->background_flushes() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GE(store_->background_flushes(), 1u);
  auto got = store_->Get("t/big.csv");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == expected);

  // A small file is left to the final fsync alone.
  const uint64_t flushes = store_->background_flushes();
  ASSERT_TRUE(store_->Put("t/small.csv", std::string(100 << 10, 's'), {}).ok());
  EXPECT_EQ(store_->background_flushes(), flushes);
}

TEST_F(LocalStoreTest, AbortedOrDestroyedWriterLeavesNothing) {
  {
    auto w = store_->NewWriter("t/a.csv", {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("partial").ok());
    (*w)->Abort();
  }
  {
    auto w = store_->NewWriter("t/b.csv", {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(std::string(2 << 20, 'y')).ok());
    // destroyed without Close
  }
  EXPECT_TRUE(store_->List("")->empty());
  EXPECT_TRUE(AllFiles().empty());
}

TEST_F(LocalStoreTest, IfNoneMatchConflicts) {
  PutOptions once;
  once.if_none_match = true;
  ASSERT_TRUE(store_->Put("commit/0001", "first", once).ok());
  Status s = store_->Put("commit/0001", "second", once);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->Get("commit/0001"), "first");
  EXPECT_EQ(AllFiles(), (std::vector<std::string>{"commit/0001"}));  // temp file removed
}

TEST_F(LocalStoreTest, ConditionalCreateThatTookEffectDespiteEexistIsOurs) {
  // On NFS (no RENAME_NOREPLACE: link(2) is used) a retransmitted LINK may answer EEXIST although
  // the first one linked our file (open(2), O_EXCL). Simulated: our temp file is already linked
  // under the key when the writer publishes it.
  PutOptions once;
  once.if_none_match = true;
  auto w = store_->NewWriter("commit/0001", once);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("ours").ok());
  auto token = (*w)->Prepare();
  ASSERT_TRUE(token.ok());
  ASSERT_EQ(::link((root_ / "commit" / *token).c_str(), (root_ / "commit/0001").c_str()), 0);
  Status s = (*w)->Close();
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*store_->Get("commit/0001"), "ours");
  EXPECT_EQ(AllFiles(), (std::vector<std::string>{"commit/0001"}));  // temp name removed
}

TEST_F(LocalStoreTest, ConcurrentConditionalWritersExactlyOneWins) {
  PutOptions once;
  once.if_none_match = true;
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Status s = store_->Put("race", "writer " + std::to_string(i), once);
      if (s.ok()) ++wins;
      if (s.code() == StatusCode::kAlreadyExists) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
}

TEST_F(LocalStoreTest, BadKeysAreRejected) {
  for (const char* k : {"", "/abs", "a//b", "a/../b", "./a", "a/", ".tmp-x", "d/.tmp-y"}) {
    SCOPED_TRACE(k);
    EXPECT_EQ(store_->Put(k, "x", {}).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(AllFiles().empty());
}

TEST_F(LocalStoreTest, RootThatIsAFileIsAClearError) {
  std::ofstream(dir_ / "plainfile") << "x";
  auto s = LocalObjectStore::Open("file://" + (dir_ / "plainfile" / "sub").string());
  ASSERT_TRUE(s.ok());
  Status st = (*s)->CheckAccess();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("Not a directory"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("plainfile"), std::string::npos);
  // Writing under a key whose "directory" is a file fails the same way.
  ASSERT_TRUE(store_->Put("f", "x", {}).ok());
  EXPECT_EQ(store_->Put("f/g", "x", {}).code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalStoreTest, PermissionDeniedIsAClearError) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  fs::path ro = dir_ / "ro";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  auto s = LocalObjectStore::Open("file://" + (ro / "out").string());
  ASSERT_TRUE(s.ok());
  Status st = (*s)->CheckAccess();
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("Permission denied"), std::string::npos);
  fs::permissions(ro, fs::perms::owner_all);
}

TEST_F(LocalStoreTest, UncreatableRootIsPermissionDeniedEvenForRoot) {
  // sysfs refuses new directories (EPERM) to every user, root included.
  auto s = LocalObjectStore::Open("file:///sys/binlake-test-dir");
  ASSERT_TRUE(s.ok());
  Status st = (*s)->CheckAccess();
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied) << st.message();
  EXPECT_EQ(st.message(),
            std::string("cannot create directory /sys/binlake-test-dir: ") + std::strerror(EPERM));
}

TEST(LocalStoreOpen, UrlForms) {
  EXPECT_FALSE(LocalObjectStore::Open("file://relative/x").ok());
  EXPECT_FALSE(LocalObjectStore::Open("/tmp/x").ok());
  auto s = LocalObjectStore::Open("file:///tmp/x///");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Describe(), "file:///tmp/x");
}

TEST(OpenObjectStore, DispatchesOnScheme) {
  TargetConfig c;
  c.url = "file:///tmp/binlake-open-test";
  auto s = OpenObjectStore(c);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Describe(), "file:///tmp/binlake-open-test");
  c.url = "gs://bucket/x";
  auto bad = OpenObjectStore(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unsupported target 'gs://bucket/x'"), std::string::npos);
  c.url = "";
  EXPECT_EQ(OpenObjectStore(c).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

// Two-phase publication: prepared bytes are durable but invisible until published, and a token
// lets another process (here: another store instance) publish them after the writer is gone.
TEST_F(LocalStoreTest, PreparedObjectIsInvisibleUntilPublishedFromItsToken) {
  std::string token;
  {
    auto w = store_->NewWriter("cdc/t/20240101-000000000.csv", {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("a,b\n").ok());
    auto t = (*w)->Prepare();
    ASSERT_TRUE(t.ok()) << t.status().message();
    token = *t;
    EXPECT_FALSE((*w)->Write("more").ok());  // nothing may follow Prepare but Close/Abort
  }  // destroyed without Close: a prepared object survives its writer
  auto listed = store_->List("cdc/");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(store_->Get("cdc/t/20240101-000000000.csv").status().code(), StatusCode::kNotFound);

  auto other = LocalObjectStore::Open("file://" + root_.string());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->PublishPrepared("cdc/t/20240101-000000000.csv", token).ok());
  EXPECT_EQ(*store_->Get("cdc/t/20240101-000000000.csv"), "a,b\n");
  // Idempotent: publishing again (a second recovery) succeeds and changes nothing.
  EXPECT_TRUE((*other)->PublishPrepared("cdc/t/20240101-000000000.csv", token).ok());
  EXPECT_EQ(AllFiles(), std::vector<std::string>{"cdc/t/20240101-000000000.csv"});
  // A token that names nothing, for a key that does not exist, is an error.
  EXPECT_FALSE(store_->PublishPrepared("cdc/t/other.csv", token).ok());
  EXPECT_FALSE(store_->PublishPrepared("cdc/t/other.csv", "../../etc/passwd").ok());
}

TEST_F(LocalStoreTest, CloseAfterPrepareFinishesAndAbortAfterPrepareDiscards) {
  auto w = store_->NewWriter("a.csv", {});
  ASSERT_TRUE((*w)->Write("x").ok());
  ASSERT_TRUE((*w)->Prepare().ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*store_->Get("a.csv"), "x");
  auto v = store_->NewWriter("b.csv", {});
  ASSERT_TRUE((*v)->Write("y").ok());
  ASSERT_TRUE((*v)->Prepare().ok());
  (*v)->Abort();
  EXPECT_EQ(AllFiles(), std::vector<std::string>{"a.csv"});
}

// A run may hold thousands of prepared parts until it publishes them (materialize/staged_parts.h):
// a prepared writer keeps no file open.
TEST_F(LocalStoreTest, PreparedWritersHoldNoFileDescriptor) {
  auto open_files = [] {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  const size_t before = open_files();
  std::vector<std::unique_ptr<ObjectWriter>> prepared;
  for (int i = 0; i < 40; ++i) {
    auto w = store_->NewWriter("db/t/part-" + std::to_string(100 + i) + ".csv", {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("row " + std::to_string(i) + "\n").ok());
    ASSERT_TRUE((*w)->Prepare().ok());
    prepared.push_back(std::move(*w));
  }
  EXPECT_EQ(open_files(), before);
  EXPECT_TRUE(store_->List("")->empty());
  for (auto& w : prepared) ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(store_->List("")->size(), 40u);
  EXPECT_EQ(*store_->Get("db/t/part-139.csv"), "row 39\n");
  EXPECT_FALSE(prepared[0]->Close().ok());  // once
  prepared[0]->Abort();                     // after Close: nothing happens
  EXPECT_EQ(*store_->Get("db/t/part-100.csv"), "row 0\n");
  EXPECT_EQ(open_files(), before);
}

TEST_F(LocalStoreTest, UncommittedTempFilesAreListedAndDiscarded) {
  std::string token;
  {
    auto w = store_->NewWriter("cdc/t/20240101-000000000.csv", {});
    ASSERT_TRUE((*w)->Write("a").ok());
    token = *(*w)->Prepare();
  }
  auto open = store_->NewWriter("cdc/u/20240101-000000001.csv", {});
  ASSERT_TRUE((*open)->Write("b").ok());
  ASSERT_TRUE(store_->Put("cdc/t/visible.csv", "v", {}).ok());
  auto listed = store_->ListUncommitted("cdc/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  std::map<std::string, std::string> by_key;
  for (const UncommittedObject& o : *listed) by_key[o.key] = o.id;
  ASSERT_EQ(by_key.size(), 2u);
  EXPECT_EQ(by_key["cdc/t/20240101-000000000.csv"], token);  // the id is the prepare token
  EXPECT_TRUE(by_key.count("cdc/u/20240101-000000001.csv"));
  // The prefix filters on the destination key.
  EXPECT_EQ(store_->ListUncommitted("cdc/u/")->size(), 1u);
  EXPECT_TRUE(store_->ListUncommitted("cdc/t/2025")->empty());
  EXPECT_TRUE(store_->ListUncommitted("other/")->empty());

  ASSERT_TRUE(store_->DiscardUncommitted({"cdc/t/20240101-000000000.csv", token}).ok());
  EXPECT_TRUE(store_->DiscardUncommitted({"cdc/t/20240101-000000000.csv", token}).ok());  // gone
  EXPECT_FALSE(store_->PublishPrepared("cdc/t/20240101-000000000.csv", token).ok());
  EXPECT_FALSE(store_->DiscardUncommitted({"cdc/t/x.csv", "../x"}).ok());
  EXPECT_EQ(store_->ListUncommitted("cdc/")->size(), 1u);
  (*open)->Abort();
  EXPECT_TRUE(store_->ListUncommitted("")->empty());
  EXPECT_EQ(AllFiles(), std::vector<std::string>{"cdc/t/visible.csv"});
}

}  // namespace
}  // namespace binlake
