// ObjectStore::OpenRanges (object_store.h), on the local directory store (an open file, pread
// and copy_file_range) and on the in-memory fake (the default): slices, copies into a writer of
// the same store and of another, and a copy past the end.
#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "store/testing/memory_object_store.h"
#include "store/testing/store_of_kind.h"

namespace binlake {
namespace {

class ObjectRangesTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    Status opened = kind_.Open(GetParam(), temp_.path() + "/out");
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    store_ = kind_.get();
    for (int i = 0; i < 100000; ++i) data_ += static_cast<char>('a' + i % 26);
    ASSERT_TRUE(store_->Put("d/obj", data_, {}).ok());
  }

  TempDir temp_{"binlake-object-ranges"};
  testing::StoreOfKind kind_;
  ObjectStore* store_ = nullptr;
  std::string data_;
};

TEST_P(ObjectRangesTest, SlicesAndCopiesIntoAnyWriter) {
  EXPECT_EQ(store_->OpenRanges("d/none").status().code(), StatusCode::kNotFound);
  auto ranges = store_->OpenRanges("d/obj");
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_EQ((*ranges)->size(), data_.size());
  std::string out = "x";
  ASSERT_TRUE((*ranges)->AppendRange(26, 3, &out).ok());
  ASSERT_TRUE((*ranges)->AppendRange(99998, 10, &out).ok());  // the object ends first
  EXPECT_EQ(out, "xabc" + data_.substr(99998));

  // Into a writer of this store (local: copied in the kernel) and of another, with writes
  // between the copies.
  MemoryObjectStore other;
  for (ObjectStore* into : {store_, static_cast<ObjectStore*>(&other)}) {
    auto writer = into->NewWriter("d/copy", {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write("<").ok());
    ASSERT_TRUE((*ranges)->CopyRange(1000, 70000, writer->get()).ok());
    ASSERT_TRUE((*writer)->Write("|").ok());
    ASSERT_TRUE((*ranges)->CopyRange(0, 5, writer->get()).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    auto copy = into->Get("d/copy");
    ASSERT_TRUE(copy.ok());
    EXPECT_TRUE(*copy == "<" + data_.substr(1000, 70000) + "|" + data_.substr(0, 5));
  }

  // Past the end: kCorruption, and the object is not written.
  auto writer = store_->NewWriter("d/short", {});
  ASSERT_TRUE(writer.ok());
  Status s = (*ranges)->CopyRange(99000, 2000, writer->get());
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  (*writer)->Abort();
  EXPECT_EQ(store_->Get("d/short").status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectRangesTest,
                         ::testing::Values(testing::StoreKind::kMemory, testing::StoreKind::kLocal,
                                           testing::StoreKind::kS3),
                         [](const auto& info) { return testing::StoreKindName(info.param); });

}  // namespace
}  // namespace binlake
