#include "format/parquet/rle_encoder.h"

namespace binlake::parquet {
namespace {

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void AppendRleRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  AppendVarint(static_cast<uint64_t>(count) << 1, out);
  for (int b = 0; b < (bit_width + 7) / 8; ++b) out->push_back(static_cast<char>(value >> (8 * b)));
}

template <typename T>
bool EightEqual(const T* v) {
  for (int k = 1; k < 8; ++k) {
    if (v[k] != v[0]) return false;
  }
  return true;
}

template <typename T>
void Encode(const T* v, size_t n, int bit_width, std::string* out) {
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && v[i + run] == v[i]) ++run;
    if (run >= 8) {
      AppendRleRun(v[i], run, bit_width, out);
      i += run;
      continue;
    }
    // A bit-packed run: whole groups of 8 until the data ends or a group of 8 equal values
    // (the start of an RLE run) begins.
    size_t start = i;
    size_t groups = 0;
    do {
      ++groups;
      i += 8;
    } while (i + 8 <= n && !EightEqual(v + i));
    if (i + 8 > n && i < n) {
      // Fewer than 8 values left: they join this run (padded) rather than start a new one.
      ++groups;
      i += 8;
    }
    AppendVarint((groups << 1) | 1, out);
    size_t end = start + groups * 8;
    uint64_t acc = 0;
    int bits = 0;
    for (size_t k = start; k < end; ++k) {
      uint64_t value = k < n ? static_cast<uint64_t>(v[k]) : 0;
      acc |= value << bits;
      bits += bit_width;
      while (bits >= 8) {
        out->push_back(static_cast<char>(acc & 0xFF));
        acc >>= 8;
        bits -= 8;
      }
    }
    if (i > n) i = n;
  }
}

}  // namespace

void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}

void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}

void EncodeRleRepeated(uint32_t value, size_t n, int bit_width, std::string* out) {
  if (n > 0) AppendRleRun(value, n, bit_width, out);
}

}  // namespace binlake::parquet
