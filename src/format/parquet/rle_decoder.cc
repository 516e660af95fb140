#include "format/parquet/rle_decoder.h"

#include <algorithm>
#include <cstring>

namespace binlake::parquet {
namespace {

// Unpacks 8 values of `bw` bits (LSB first) from p, which has at least bw + 8 readable bytes.
template <typename T>
inline void Unpack8(const uint8_t* p, int bw, uint64_t mask, T* out) {
  if (bw == 1) {
    uint8_t b = p[0];
    for (int i = 0; i < 8; ++i) out[i] = static_cast<T>((b >> i) & 1);
    return;
  }
  for (int i = 0; i < 8; ++i) {
    unsigned bit = static_cast<unsigned>(i * bw);
    uint64_t w;
    std::memcpy(&w, p + (bit >> 3), 8);
    out[i] = static_cast<T>((w >> (bit & 7)) & mask);
  }
}

// As Unpack8 for a group with only `avail` (< bw + 8) readable bytes: the missing bytes are 0.
template <typename T>
inline void Unpack8Tail(const uint8_t* p, size_t avail, int bw, uint64_t mask, T* out) {
  uint8_t buf[48] = {};
  std::memcpy(buf, p, std::min<size_t>(avail, static_cast<size_t>(bw)));
  Unpack8(buf, bw, mask, out);
}

}  // namespace

void RleDecoder::Reset(std::string_view data, int bit_width) {
  pos_ = reinterpret_cast<const uint8_t*>(data.data());
  end_ = pos_ + data.size();
  bit_width_ = bit_width;
  mask_ = bit_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  error_ = nullptr;
  rle_left_ = 0;
  packed_left_ = 0;
  group_pos_ = group_len_ = 0;
}

bool RleDecoder::NextRun() {
  if (error_ != nullptr) return false;
  if (pos_ >= end_) return Fail("fewer values than expected");
  uint64_t header = 0;
  for (int i = 0;; ++i) {
    if (pos_ >= end_) return Fail("truncated run header");
    if (i == 5) return Fail("run header over 5 bytes");
    uint8_t b = *pos_++;
    header |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) break;
  }
  if (header > UINT32_MAX) return Fail("run header over 32 bits");
  uint64_t count = header >> 1;
  if (count == 0) return Fail("empty run");
  if ((header & 1) == 0) {
    size_t bytes = static_cast<size_t>((bit_width_ + 7) / 8);
    if (static_cast<size_t>(end_ - pos_) < bytes) return Fail("truncated RLE run");
    uint32_t v = 0;
    for (size_t b = 0; b < bytes; ++b) v |= static_cast<uint32_t>(pos_[b]) << (8 * b);
    pos_ += bytes;
    if (v > mask_) return Fail("RLE value wider than the bit width");
    rle_value_ = v;
    rle_left_ = count;
    return true;
  }
  // count groups of 8 values, bit_width bytes each.
  uint64_t bytes = count * static_cast<uint64_t>(bit_width_);
  uint64_t avail = static_cast<uint64_t>(end_ - pos_);
  packed_ = pos_;
  if (bytes <= avail) {
    packed_left_ = count * 8;
    pos_ += bytes;
  } else {
    packed_left_ = avail * 8 / static_cast<uint64_t>(bit_width_);  // bit_width_ > 0 here
    pos_ = end_;
    if (packed_left_ == 0) return Fail("truncated bit-packed run");
  }
  packed_end_ = pos_;
  return true;
}

template <typename T>
bool RleDecoder::GetImpl(T* out, size_t n) {
  if (error_ != nullptr) return false;
  const int bw = bit_width_;
  while (n > 0) {
    if (group_pos_ < group_len_) {
      size_t take = std::min<size_t>(n, static_cast<size_t>(group_len_ - group_pos_));
      for (size_t i = 0; i < take; ++i) out[i] = static_cast<T>(group_[group_pos_ + i]);
      group_pos_ += static_cast<int>(take);
      out += take;
      n -= take;
      continue;
    }
    if (rle_left_ > 0) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(n, rle_left_));
      std::fill_n(out, take, static_cast<T>(rle_value_));
      rle_left_ -= take;
      out += take;
      n -= take;
      continue;
    }
    if (packed_left_ > 0) {
      if (bw == 0) {
        size_t take = static_cast<size_t>(std::min<uint64_t>(n, packed_left_));
        std::fill_n(out, take, T{0});
        packed_left_ -= take;
        out += take;
        n -= take;
        continue;
      }
      // Whole groups straight into out while they have 8 readable bytes beyond them.
      while (n >= 8 && packed_left_ >= 8 &&
             static_cast<size_t>(end_ - packed_) >= static_cast<size_t>(bw) + 8) {
        Unpack8(packed_, bw, mask_, out);
        packed_ += bw;
        packed_left_ -= 8;
        out += 8;
        n -= 8;
      }
      if (n == 0 || packed_left_ == 0) continue;
      // One group through the buffer.
      Unpack8Tail(packed_, static_cast<size_t>(packed_end_ - packed_), bw, mask_, group_);
      group_len_ = static_cast<int>(std::min<uint64_t>(8, packed_left_));
      group_pos_ = 0;
      packed_left_ -= static_cast<uint64_t>(group_len_);
      packed_ = std::min(packed_ + bw, packed_end_);
      continue;
    }
    if (!NextRun()) return false;
  }
  return true;
}

bool RleDecoder::Get(uint32_t* out, size_t n) { return GetImpl(out, n); }
bool RleDecoder::Get(uint8_t* out, size_t n) { return GetImpl(out, n); }

}  // namespace binlake::parquet
