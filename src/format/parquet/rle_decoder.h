// Decoder of the RLE / bit-packing hybrid (parquet-format Encodings.md, "Run Length Encoding /
// Bit-Packing Hybrid (RLE = 3)"; the grammar is in rle_encoder.h) for the reader: definition
// levels, dictionary indices (Encodings.md "Dictionary Encoding") and RLE booleans.
//
// The bytes are untrusted. A run header is a ULEB128 of at most 5 bytes (a 32-bit value); a run
// of 0 values, an RLE value of 2^bit_width or more, or running out of runs before the values
// asked for is an error. A bit-packed run whose groups are cut short by the end of the data
// yields the values its bytes hold (as Arrow does for the last run of a page); asking for more
// is the same error. Nothing is allocated: runs are decoded straight into the caller's array,
// whole groups of 8 at a time.
//
// Thread-safety: one thread; borrows the data, which must outlive the decoder's use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace binlake::parquet {

class RleDecoder {
 public:
  RleDecoder() = default;
  // REQUIRES: 0 <= bit_width <= 32.
  RleDecoder(std::string_view data, int bit_width) { Reset(data, bit_width); }
  void Reset(std::string_view data, int bit_width);

  // The next n values into out[0..n). False on an error (then error() says which; the decoder
  // stays failed).
  bool Get(uint32_t* out, size_t n);
  // REQUIRES: bit_width <= 8.
  bool Get(uint8_t* out, size_t n);

  const char* error() const { return error_; }
  int bit_width() const { return bit_width_; }

 private:
  template <typename T>
  bool GetImpl(T* out, size_t n);
  bool NextRun();
  bool Fail(const char* what) {
    if (error_ == nullptr) error_ = what;
    return false;
  }

  const uint8_t* pos_ = nullptr;  // next run header
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  uint64_t mask_ = 0;
  const char* error_ = nullptr;
  // The current run: RLE (rle_left_ copies of rle_value_) or bit-packed (packed_left_ values
  // from packed_, whose bytes end at packed_end_).
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  const uint8_t* packed_ = nullptr;
  const uint8_t* packed_end_ = nullptr;
  // A group of 8 bit-packed values unpacked ahead, when the caller asked for part of it.
  uint32_t group_[8] = {};
  int group_pos_ = 0;
  int group_len_ = 0;
};

}  // namespace binlake::parquet
