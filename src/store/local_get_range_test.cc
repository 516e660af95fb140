// GetRange (object_store.h) of the local directory store and of the in-memory fake: the contract's
// cases, a multi-MiB object read in chunks, and proof that the local store reads only the slice.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "common/testing/temp_dir.h"
#include "store/local_object_store.h"
#include "store/testing/get_range_contract.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using testing::ExpectChunkedReadEqualsObject;
using testing::ExpectGetRangeContract;

std::string RandomBytes(size_t n) {
  std::mt19937_64 rng(7);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

class LocalGetRangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = LocalObjectStore::Open("file://" + temp_.path() + "/out");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->CheckAccess().ok());
  }
  TempDir temp_{"binlake-local-range"};
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalGetRangeTest, Contract) { ExpectGetRangeContract(*store_, "db/t/"); }

TEST_F(LocalGetRangeTest, MultiMiBObjectReadInChunks) {
  const std::string object = RandomBytes((3u << 20) + 17);
  ASSERT_TRUE(store_->Put("big/object.bin", object, {}).ok());
  ExpectChunkedReadEqualsObject(*store_, "big/object.bin", object, 1u << 20);
  ExpectChunkedReadEqualsObject(*store_, "big/object.bin", object, (1u << 20) + 1);
}

TEST_F(LocalGetRangeTest, DirectoriesAndBadKeysAreNotObjects) {
  ASSERT_TRUE(store_->Put("d/x", "x", {}).ok());
  EXPECT_EQ(store_->GetRange("d", 0, 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("d/x/y", 0, 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("../x", 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetRange("", 0, 0).status().code(), StatusCode::kInvalidArgument);
}

// A 1 TiB sparse file: its last bytes come back at once; a store that read (or allocated) the
// whole file to slice it would fail to allocate or take hours.
TEST_F(LocalGetRangeTest, ReadsOnlyTheSliceOfAHugeFile) {
  ASSERT_TRUE(store_->Put("huge", "", {}).ok());
  const std::string path = store_->root() + "/huge";
  constexpr off_t kSize = off_t{1} << 40;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const bool sparse = ::ftruncate(fd, kSize) == 0;
  const bool tail = sparse && ::pwrite(fd, "tail", 4, kSize - 4) == 4;
  ::close(fd);
  if (!sparse) GTEST_SKIP() << "this file system has no 1 TiB sparse files";
  ASSERT_TRUE(tail);
  Result<std::string> got = store_->GetRange("huge", kSize - 6, 100);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, std::string("\0\0tail", 6));
  EXPECT_EQ(*store_->GetRange("huge", 1u << 20, 3), std::string(3, '\0'));
}

TEST(MemoryGetRangeTest, Contract) {
  MemoryObjectStore store;
  ExpectGetRangeContract(store, "db/t/");
}

TEST(MemoryGetRangeTest, MultiMiBObjectReadInChunks) {
  MemoryObjectStore store;
  const std::string object = RandomBytes((2u << 20) + 5);
  ASSERT_TRUE(store.Put("big", object, {}).ok());
  ExpectChunkedReadEqualsObject(store, "big", object, 1u << 20);
}

}  // namespace
}  // namespace binlake
