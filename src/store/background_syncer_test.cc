#include "store/background_syncer.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "common/testing/temp_dir.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

// Open descriptors of this process.
int OpenFds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

class BackgroundSyncerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = temp_.path(); }
  TempDir temp_{"binlake-syncer"};

  std::string MakeFile(const std::string& name, size_t bytes) {
    std::string path = (dir_ / name).string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0);
    std::string data(bytes, 'x');
    EXPECT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ::close(fd);
    return path;
  }

  // Polls until `syncer` completed `n` flushes (false after 10 s).
  static bool WaitForFlushes(const BackgroundSyncer& syncer, uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (syncer.flushes() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  fs::path dir_;
};

TEST_F(BackgroundSyncerTest, FlushesRequestedFilesAndAcceptsTheNextRequestAfterwards) {
  BackgroundSyncer syncer;
  auto file = BackgroundSyncer::File::Open(MakeFile("a", 1 << 20));
  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(syncer.Request(file));
  ASSERT_TRUE(WaitForFlushes(syncer, 1));
  // The first flush is over: a new request is queued again, and runs.
  EXPECT_TRUE(syncer.Request(file));
  ASSERT_TRUE(WaitForFlushes(syncer, 2));
}

TEST_F(BackgroundSyncerTest, OneFileHasAtMostOneFlushPending) {
  BackgroundSyncer syncer;
  auto file = BackgroundSyncer::File::Open(MakeFile("a", 4 << 20));
  ASSERT_NE(file, nullptr);
  int queued = 0;
  for (int i = 0; i < 100; ++i) queued += syncer.Request(file) ? 1 : 0;
  ASSERT_TRUE(WaitForFlushes(syncer, static_cast<uint64_t>(queued)));
  EXPECT_GE(queued, 1);
  EXPECT_EQ(syncer.flushes(), static_cast<uint64_t>(queued));
  EXPECT_LT(queued, 100);  // requests made while one was pending were not queued
}

TEST_F(BackgroundSyncerTest, NoFileNoFlush) {
  BackgroundSyncer syncer;
  EXPECT_EQ(BackgroundSyncer::File::Open((dir_ / "missing").string()), nullptr);
  EXPECT_FALSE(syncer.Request(nullptr));
  EXPECT_EQ(syncer.flushes(), 0u);
}

TEST_F(BackgroundSyncerTest, DescriptorsCloseWithTheirLastHolderAndTheSyncerStopsWithWorkQueued) {
  const int before = OpenFds();
  {
    BackgroundSyncer syncer;
    for (int i = 0; i < 20; ++i) {
      auto file = BackgroundSyncer::File::Open(MakeFile("f" + std::to_string(i), 256 << 10));
      ASSERT_NE(file, nullptr);
      syncer.Request(file);  // the queue keeps the file open after this holder lets go
    }
    // Destroyed with requests possibly still queued: it drops them and joins its thread.
  }
  EXPECT_EQ(OpenFds(), before);
}

}  // namespace
}  // namespace binlake
