// The RLE / bit-packing hybrid encoding of Parquet (Encodings.md, "Run Length Encoding /
// Bit-Packing Hybrid (RLE = 3)"), used for definition levels and dictionary indices:
//   encoded-data  := run*
//   run           := rle-run | bit-packed-run
//   rle-run       := varint(count << 1) value      value: ceil(bit_width / 8) bytes, little endian
//   bit-packed-run:= varint(groups << 1 | 1) bytes groups of 8 values, each group bit_width bytes,
//                    values packed least significant bit first
// Runs of 8 or more equal values become RLE runs; everything else is bit-packed in groups of 8
// (the final group is padded with zeros, which readers ignore because they know the count).
// The caller adds any framing (the 4-byte length of v1 levels, the bit-width byte of indices).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace binlake::parquet {

// Bits needed to represent `max_value` (0 for 0).
inline int BitWidth(uint64_t max_value) {
  return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

// Appends the hybrid encoding of values[0..n). REQUIRES: every value < 2^bit_width,
// 0 <= bit_width <= 32.
void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out);
void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out);

// Appends `n` copies of `value` as RLE runs (used for a page without nulls).
void EncodeRleRepeated(uint32_t value, size_t n, int bit_width, std::string* out);

}  // namespace binlake::parquet
