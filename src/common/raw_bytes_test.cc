#include "common/raw_bytes.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace binlake {
namespace {

TEST(RawBytesTest, HugePageSizesAreAlignedOthersJustAllocated) {
  RawBytes huge(RawBytes::kHugePage * 2);
  ASSERT_NE(huge.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(huge.data()) % RawBytes::kHugePage, 0u);
  EXPECT_EQ(huge.size(), RawBytes::kHugePage * 2);
  huge.data()[huge.size() - 1] = 7;  // the whole size is usable
  RawBytes small(1000);
  ASSERT_NE(small.data(), nullptr);
  EXPECT_EQ(small.size(), 1000u);
  EXPECT_EQ(RawBytes().size(), 0u);
}

TEST(RawBytesTest, GrowKeepsThePrefixAndNeverShrinks) {
  RawBytes b(4096);
  for (size_t i = 0; i < 4096; ++i) b.data()[i] = static_cast<uint8_t>(i * 7);
  b.Grow(RawBytes::kHugePage, 3000);  // grows into a huge-page buffer
  ASSERT_EQ(b.size(), RawBytes::kHugePage);
  for (size_t i = 0; i < 3000; ++i) ASSERT_EQ(b.data()[i], static_cast<uint8_t>(i * 7)) << i;
  const uint8_t* before = b.data();
  b.Grow(100, 100);
  EXPECT_EQ(b.size(), RawBytes::kHugePage);
  EXPECT_EQ(b.data(), before);
}

TEST(RawBytesTest, ReserveRoundsToHugePagesAndDoubles) {
  RawBytes b;
  b.Reserve(10, 0);
  EXPECT_EQ(b.size(), RawBytes::kHugePage);
  b.data()[9] = 42;
  b.Reserve(RawBytes::kHugePage + 1, 10);  // twice the size beats the rounded need
  EXPECT_EQ(b.size(), 2 * RawBytes::kHugePage);
  EXPECT_EQ(b.data()[9], 42);
  b.Reserve(7 * RawBytes::kHugePage - 5, 10);  // the rounded need beats twice the size
  EXPECT_EQ(b.size(), 7 * RawBytes::kHugePage);
  EXPECT_EQ(b.data()[9], 42);
  b.Reserve(100, 10);
  EXPECT_EQ(b.size(), 7 * RawBytes::kHugePage);
}

}  // namespace
}  // namespace binlake
