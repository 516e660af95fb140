#include "store/part_buffer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

namespace binlake::s3 {
namespace {

std::string Pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed) % 251);
  return s;
}

// Resident memory of this process in KiB (VmRSS), or -1 where /proc is missing.
long ResidentKiB() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(PartBufferTest, HoldsWhatWasAppendedUpToItsCapacity) {
  // Past 8 MiB and not a multiple of a page: the huge-page extents and the edges around them.
  const size_t capacity = (8u << 20) + 12345;
  const std::string all = Pattern(capacity, 7);
  PartBuffer b;
  EXPECT_EQ(b.capacity(), 0u);
  b.Allocate(capacity);
  EXPECT_EQ(b.capacity(), capacity);
  EXPECT_TRUE(b.empty());
  for (size_t at = 0; at < capacity;) {
    size_t n = std::min<size_t>(capacity - at, 1 + (at * 7) % 300000);
    b.Append(std::string_view(all).substr(at, n));
    at += n;
  }
  EXPECT_EQ(b.size(), capacity);
  EXPECT_TRUE(b.view() == all);
  EXPECT_THROW(b.Append("x"), std::length_error);
  EXPECT_EQ(b.size(), capacity);
  b.Append("");  // nothing more is fine
}

TEST(PartBufferTest, ClearKeepsTheMemoryForTheNextPart) {
  PartBuffer b;
  b.Allocate(1 << 20);
  b.Append(Pattern(1 << 20, 1));
  b.Clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 1u << 20);
  b.Append("second part");
  EXPECT_EQ(b.view(), "second part");
}

TEST(PartBufferTest, MovesAndSwapsOwnership) {
  PartBuffer a;
  a.Allocate(4096);
  a.Append("abc");
  PartBuffer b(std::move(a));
  EXPECT_EQ(a.capacity(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(b.view(), "abc");
  PartBuffer c;
  c.Allocate(8192);
  c.Append("old");
  c = std::move(b);  // releases c's own memory
  EXPECT_EQ(c.view(), "abc");
  EXPECT_EQ(c.capacity(), 4096u);
  PartBuffer d;
  swap(c, d);
  EXPECT_EQ(c.capacity(), 0u);
  EXPECT_EQ(d.view(), "abc");
}

TEST(PartBufferTest, AllocatingTwiceOrNothingIsABug) {
  PartBuffer b;
  EXPECT_THROW(b.Allocate(0), std::logic_error);
  b.Allocate(100);
  EXPECT_THROW(b.Allocate(100), std::logic_error);
}

TEST(PartBufferTest, OnlyWrittenPagesBecomeResident) {
  if (ResidentKiB() < 0) GTEST_SKIP() << "no /proc/self/status";
  const long before = ResidentKiB();
  PartBuffer b;
  b.Allocate(size_t{256} << 20);  // a part of 256 MiB ...
  b.Append(Pattern(4096, 3));     // ... holding 4 KiB
  const long after = ResidentKiB();
  EXPECT_LT(after - before, 4 * 1024) << "KiB resident for 4 KiB held";
  EXPECT_EQ(b.view(), Pattern(4096, 3));
}

}  // namespace
}  // namespace binlake::s3
