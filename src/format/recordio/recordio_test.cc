#include "format/recordio/recordio.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

const std::string kMagic = Bytes({0x0a, 0x23, 0xd7, 0xce});  // 0xced7230a, little-endian

TEST(RecordIoTest, AWholeRecordIsMagicLengthDataAndPaddingToFourBytes) {
  std::string out;
  ASSERT_TRUE(AppendRecordIo("hello", &out).ok());
  EXPECT_EQ(out, kMagic + Bytes({5, 0, 0, 0}) + "hello" + Bytes({0, 0, 0}));
  EXPECT_EQ(RecordIoFramedSize("hello"), out.size());

  std::string aligned;
  ASSERT_TRUE(AppendRecordIo("abcd", &aligned).ok());
  EXPECT_EQ(aligned, kMagic + Bytes({4, 0, 0, 0}) + "abcd");
  std::string empty;
  ASSERT_TRUE(AppendRecordIo("", &empty).ok());
  EXPECT_EQ(empty, kMagic + Bytes({0, 0, 0, 0}));
}

TEST(RecordIoTest, ARecordHoldingTheMagicWordAtAnAlignedOffsetIsSplitThere) {
  // "abcd" MAGIC "efgh" MAGIC "xy": three parts (cflag 1, 2, 3), the magic words dropped.
  const std::string record = "abcd" + kMagic + "efgh" + kMagic + "xy";
  std::string out;
  ASSERT_TRUE(AppendRecordIo(record, &out).ok());
  EXPECT_EQ(out, kMagic + Bytes({4, 0, 0, 1 << 5}) + "abcd" +      // cflag 1 in the top 3 bits
                     kMagic + Bytes({4, 0, 0, 2 << 5}) + "efgh" +  // cflag 2
                     kMagic + Bytes({2, 0, 0, 3 << 5}) + "xy" + Bytes({0, 0}));  // cflag 3
  EXPECT_EQ(RecordIoFramedSize(record), out.size());

  // At the very start: an empty first part.
  std::string first;
  ASSERT_TRUE(AppendRecordIo(kMagic + "zz", &first).ok());
  EXPECT_EQ(first, kMagic + Bytes({0, 0, 0, 1 << 5}) + kMagic + Bytes({2, 0, 0, 3 << 5}) + "zz" +
                       Bytes({0, 0}));
  EXPECT_EQ(RecordIoFramedSize(kMagic + "zz"), first.size());

  // Not at an aligned offset: left as it is.
  const std::string unaligned = "ab" + kMagic + "cd";
  std::string whole;
  ASSERT_TRUE(AppendRecordIo(unaligned, &whole).ok());
  EXPECT_EQ(whole, kMagic + Bytes({8, 0, 0, 0}) + unaligned);
}

TEST(RecordIoTest, ARecordLongerThanTheLengthFieldIsRefused) {
  std::string big(kRecordIoMaxRecord + 1, 'x');
  std::string out;
  Status s = AppendRecordIo(big, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace binlake
