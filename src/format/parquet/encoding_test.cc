// Byte-level tests of the encoders: Thrift compact protocol, RLE/bit-packed hybrid, dictionary,
// statistics ordering. The RLE tests decode with an independent decoder written from the spec.
#include <gtest/gtest.h>

#include <random>

#include "format/parquet/dictionary.h"
#include "format/parquet/metadata.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/statistics.h"
#include "format/parquet/thrift_compact.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {
namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

TEST(ThriftCompact, FieldHeadersVarintsAndZigZag) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 1);        // delta 1, type 5: 0x15, zigzag(1) = 2
  w.FieldI64(3, -1);       // delta 2, type 6: 0x26, zigzag(-1) = 1
  w.FieldBinary(4, "ab");  // delta 1, type 8: 0x18, len 2
  w.FieldBool(5, true);    // delta 1, type 1: 0x11
  w.FieldI32(40, 300);     // delta 35 > 15: type byte 0x05, zigzag(40) = 80 = 0x50, zigzag(300)=600
  w.EndStruct();
  EXPECT_EQ(Hex(out),
            "1502"
            "2601"
            "18026162"
            "11"
            "0550d804"
            "00");
}

TEST(ThriftCompact, ListsAndNestedStructs) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldListBegin(2, CompactType::kI32, 3);  // 0x29, then size 3 << 4 | 5 = 0x35
  w.ListI32(0);
  w.ListI32(3);
  w.ListI32(8);
  w.FieldListBegin(3, CompactType::kBinary, 20);  // size >= 15: 0xF8 then varint 20
  for (int i = 0; i < 20; ++i) w.ListBinary("");
  w.FieldStructBegin(4);  // 0x1c
  w.FieldI32(1, 7);       // nested ids restart: 0x15 0x0e
  w.EndStruct();
  w.FieldI32(5, 1);  // after the nested struct, delta from 4: 0x15
  w.EndStruct();
  EXPECT_EQ(Hex(out),
            "29"
            "35"
            "000610"
            "19"
            "f8"
            "14" +
                std::string(40, '0') +
                "1c"
                "150e"
                "00"
                "1502"
                "00");
}

TEST(ThriftCompact, PageHeaderV1) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 10;
  h.num_values = 3;
  h.encoding = Encoding::kPlain;
  std::string out;
  SerializePageHeader(h, &out);
  // 1:type=0, 2:14(zz 20), 3:14, 5:{1:3(zz 6), 2:0, 3:RLE=3(zz 6), 4:6} stop stop
  EXPECT_EQ(Hex(out),
            "1500"
            "1514"
            "1514"
            "2c"
            "1506"
            "1500"
            "1506"
            "1506"
            "00"
            "00");
}

// Decoder written from Encodings.md, independent of the encoder.
std::vector<uint32_t> DecodeRle(const std::string& bytes, int bit_width, size_t count) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto varint = [&]() {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      uint8_t b = bytes.at(pos++);
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (out.size() < count) {
    uint64_t header = varint();
    if (header & 1) {
      size_t n = (header >> 1) * 8;
      uint64_t bitpos = 0;
      size_t start = pos;
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bitpos) {
          uint8_t byte = bytes.at(start + bitpos / 8);
          v |= uint32_t((byte >> (bitpos % 8)) & 1) << b;
        }
        if (out.size() < count) out.push_back(v);
      }
      pos = start + (header >> 1) * bit_width;
    } else {
      uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b)
        v |= uint32_t(uint8_t(bytes.at(pos++))) << (8 * b);
      for (uint64_t i = 0; i < (header >> 1); ++i) out.push_back(v);
    }
  }
  EXPECT_EQ(pos, bytes.size());
  return out;
}

TEST(RleHybrid, SpecBitPackingExample) {
  // Encodings.md: 0..7 with bit width 3 packs into 10001000 11000110 11111010.
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 3, &out);
  EXPECT_EQ(Hex(out), "0388c6fa");
}

TEST(RleHybrid, RunsBecomeRleRuns) {
  std::vector<uint32_t> v(100, 5);
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 3, &out);
  EXPECT_EQ(Hex(out), "c80105");  // varint(100 << 1) = c8 01, value 5 in one byte
  std::string rep;
  EncodeRleRepeated(1, 100, 1, &rep);
  EXPECT_EQ(Hex(rep), "c80101");
}

TEST(RleHybrid, RandomRoundTrip) {
  std::mt19937 rng(42);
  for (int bit_width : {1, 2, 7, 8, 9, 16, 20, 32}) {
    for (int trial = 0; trial < 20; ++trial) {
      size_t n = rng() % 3000 + 1;
      std::vector<uint32_t> v(n);
      uint64_t limit = bit_width == 32 ? 0xFFFFFFFFull : (1ull << bit_width) - 1;
      for (size_t i = 0; i < n;) {
        uint32_t x = static_cast<uint32_t>(rng() % (limit + 1));
        size_t run = rng() % 4 == 0 ? rng() % 40 + 1 : 1;  // mix runs and literals
        for (size_t k = 0; k < run && i < n; ++k) v[i++] = x;
      }
      std::string out;
      EncodeRleHybrid(v.data(), n, bit_width, &out);
      ASSERT_EQ(DecodeRle(out, bit_width, n), v) << "bit width " << bit_width << " n " << n;
    }
  }
}

TEST(RleHybrid, Uint8Levels) {
  std::vector<uint8_t> v = {1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
  std::string out;
  EncodeRleHybrid(v.data(), v.size(), 1, &out);
  std::vector<uint32_t> expected(v.begin(), v.end());
  EXPECT_EQ(DecodeRle(out, 1, v.size()), expected);
}

TEST(Dictionary, IndicesAndPlainPage) {
  DictionaryBuilder d(0);
  EXPECT_EQ(d.GetOrInsert("b"), 0u);
  EXPECT_EQ(d.GetOrInsert("a"), 1u);
  EXPECT_EQ(d.GetOrInsert("b"), 0u);
  EXPECT_EQ(d.GetOrInsert(""), 2u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(Hex(d.plain()),
            "0100000062"
            "0100000061"
            "00000000");
  // Many entries force the table to grow; indices stay stable.
  DictionaryBuilder f(4);
  for (uint32_t i = 0; i < 5000; ++i) {
    EXPECT_EQ(f.GetOrInsert(std::string_view(reinterpret_cast<const char*>(&i), 4)), i);
  }
  for (uint32_t i = 0; i < 5000; i += 7) {
    EXPECT_EQ(f.GetOrInsert(std::string_view(reinterpret_cast<const char*>(&i), 4)), i);
  }
  EXPECT_EQ(f.plain().size(), 20000u);
}

TEST(Statistics, UnsignedAndByteOrders) {
  StatisticsCollector u(SortOrder::kUnsigned32);
  u.AddInt32(-1);  // 4294967295 unsigned
  u.AddInt32(5);
  u.AddNull();
  Statistics s = u.ToThrift();
  EXPECT_EQ(s.null_count, 1);
  EXPECT_EQ(Hex(s.min_value), "05000000");
  EXPECT_EQ(Hex(s.max_value), "ffffffff");
  EXPECT_FALSE(s.write_legacy_min_max);

  StatisticsCollector b(SortOrder::kBytesUnsigned);
  b.Add("\xc3\xa9");  // é sorts after ASCII as unsigned bytes
  b.Add("z");
  b.Add("A");
  s = b.ToThrift();
  EXPECT_EQ(s.min_value, "A");
  EXPECT_EQ(s.max_value, "\xc3\xa9");

  StatisticsCollector d(SortOrder::kFixedSigned);
  d.Add(std::string("\xff\x00", 2));  // -256
  d.Add(std::string("\x00\x05", 2));  // 5
  d.Add(std::string("\x80\x00", 2));  // -32768
  s = d.ToThrift();
  EXPECT_EQ(Hex(s.min_value), "8000");
  EXPECT_EQ(Hex(s.max_value), "0005");

  StatisticsCollector f(SortOrder::kDouble);
  double zero = 0.0, one = 1.0;
  f.Add(std::string_view(reinterpret_cast<const char*>(&zero), 8));
  f.Add(std::string_view(reinterpret_cast<const char*>(&one), 8));
  s = f.ToThrift();
  EXPECT_EQ(Hex(s.min_value), "0000000000000080");  // -0.0 for a zero minimum
}

TEST(TypeMapping, DaysDecimalsAndWidths) {
  int32_t days = 99;
  ASSERT_TRUE(DaysFromCivil(1970, 1, 1, &days));
  EXPECT_EQ(days, 0);
  ASSERT_TRUE(DaysFromCivil(1969, 12, 31, &days));
  EXPECT_EQ(days, -1);
  ASSERT_TRUE(DaysFromCivil(2000, 3, 1, &days));
  EXPECT_EQ(days, 11017);
  ASSERT_TRUE(DaysFromCivil(1000, 1, 1, &days));
  EXPECT_EQ(days, -354285);
  EXPECT_FALSE(DaysFromCivil(2021, 2, 29, &days));
  EXPECT_FALSE(DaysFromCivil(0, 1, 1, &days));
  EXPECT_FALSE(DaysFromCivil(2020, 0, 10, &days));

  __int128 v = 0;
  ASSERT_TRUE(ParseDecimal("-0.5", 3, 2, &v));
  EXPECT_EQ(static_cast<int64_t>(v), -50);
  ASSERT_TRUE(ParseDecimal("12.30", 4, 2, &v));
  EXPECT_EQ(static_cast<int64_t>(v), 1230);
  ASSERT_TRUE(ParseDecimal("7.100", 3, 1, &v));  // extra zero digits are harmless
  EXPECT_EQ(static_cast<int64_t>(v), 71);
  EXPECT_FALSE(ParseDecimal("1.25", 3, 1, &v));     // would lose a digit
  EXPECT_FALSE(ParseDecimal("1000.00", 5, 2, &v));  // 6 digits in DECIMAL(5,2)
  EXPECT_FALSE(ParseDecimal("-", 5, 2, &v));
  EXPECT_FALSE(ParseDecimal("1e5", 5, 0, &v));
  __int128 positive = 0;
  ASSERT_TRUE(ParseDecimal("-" + std::string(38, '9'), 38, 0, &v));
  ASSERT_TRUE(ParseDecimal(std::string(38, '9'), 38, 0, &positive));
  EXPECT_TRUE(v < 0 && -v == positive);
  EXPECT_FALSE(ParseDecimal(std::string(39, '9'), 38, 0, &v));

  EXPECT_EQ(DecimalByteWidth(1), 1);
  EXPECT_EQ(DecimalByteWidth(2), 1);  // 99 < 127
  EXPECT_EQ(DecimalByteWidth(3), 2);  // 999 > 127
  EXPECT_EQ(DecimalByteWidth(9), 4);
  EXPECT_EQ(DecimalByteWidth(18), 8);
  EXPECT_EQ(DecimalByteWidth(19), 9);
  EXPECT_EQ(DecimalByteWidth(38), 16);
}

}  // namespace
}  // namespace binlake::parquet
