// ReadAhead: every byte in order whatever the chunking and threads; errors in order.
#include "pipe/read_ahead.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"
#include "store/target_config.h"
#include "store/testing/failing_reads_store.h"

namespace binlake::pipe {
namespace {

std::string Bytes(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return s;
}

TEST(ReadAheadTest, DeliversEveryByteInOrder) {
  TempDir dir("pipe-ra");
  TargetConfig config;
  config.url = "file://" + dir.path();
  auto store = OpenObjectStore(config);
  ASSERT_TRUE(store.ok());
  std::vector<size_t> sizes = {0, 1, 4096, 4095, 4097, 100000, 0, 12288, 7};
  std::vector<ObjectRef> refs;
  std::string expected;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string key = "o" + std::to_string(i);
    std::string data = Bytes(sizes[i], static_cast<int>(i));
    ASSERT_TRUE((*store)->Put(key, data, {}).ok());
    refs.push_back(ObjectRef{store->get(), key, sizes[i], key});
    expected += data;
  }
  for (int threads : {1, 3}) {
    ReadAhead ra(refs, ReadAheadOptions{4096, 3 * 4096, threads});
    std::string got;
    size_t objects_ended = 0;
    while (ReadAhead::Chunk* c = ra.Next()) {
      ASSERT_TRUE(c->status.ok()) << c->status.ToString();
      got += c->data;
      if (c->last) ++objects_ended;
      ra.Release(c);
    }
    EXPECT_EQ(got, expected) << threads;
    EXPECT_EQ(objects_ended, sizes.size());
  }
}

TEST(ReadAheadTest, ErrorArrivesInOrderAfterTheBytesBeforeIt) {
  TempDir dir("pipe-ra");
  TargetConfig config;
  config.url = "file://" + dir.path();
  auto store = OpenObjectStore(config);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", Bytes(10000, 1), {}).ok());
  ASSERT_TRUE((*store)->Put("b", Bytes(10000, 2), {}).ok());
  ASSERT_TRUE((*store)->Put("c", Bytes(10000, 3), {}).ok());
  testing::FailingReadsStore failing(store->get(), "b", "connection reset (injected)");
  std::vector<ObjectRef> refs = {{&failing, "a", 10000, "s3://x/a"},
                                 {&failing, "b", 10000, "s3://x/b"},
                                 {&failing, "c", 10000, "s3://x/c"}};
  ReadAhead ra(refs, ReadAheadOptions{4096, 8 * 4096, 3});
  std::string got;
  Status error;
  while (ReadAhead::Chunk* c = ra.Next()) {
    if (!c->status.ok()) {
      error = c->status;
      ra.Release(c);
      break;
    }
    got += c->data;
    ra.Release(c);
  }
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.message().find("reading s3://x/b"), std::string::npos) << error.message();
  EXPECT_EQ(got, Bytes(10000, 1) + Bytes(10000, 2).substr(0, 4096));
}

}  // namespace
}  // namespace binlake::pipe
