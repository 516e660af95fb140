// ByteReader: a bounds-checked cursor over untrusted bytes. Every read checks the remaining length
// and returns a kCorruption Status naming the offset on failure; nothing here asserts on input.
//
// Integers in the binlog are little-endian unless a decoder says otherwise (DECIMAL, DATETIME2,
// TIME2, TIMESTAMP2 and BIT are big-endian and are read with the *Be helpers).
//
// Thread-safety: a ByteReader is a value; it does not own the bytes it reads.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::binlog {

using ByteView = std::span<const uint8_t>;

inline std::string_view AsStringView(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Unchecked loads; callers check the length first.
inline uint64_t LoadLe(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
inline uint64_t LoadBe(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t LoadLe24(const uint8_t* p) {
  return static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
}
inline uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // little-endian host (x86-64, aarch64)
  return v;
}
inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

class ByteReader {
 public:
  // `base` is added to positions in error messages (e.g. the offset of `data` in its event).
  explicit ByteReader(ByteView data, size_t base = 0) : data_(data), base_(base) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ >= data_.size(); }
  const uint8_t* current() const { return data_.data() + pos_; }
  ByteView Rest() const { return data_.subspan(pos_); }

  // A kCorruption Status: "<what> at byte <offset>".
  Status Error(std::string_view what) const {
    return Corruption(std::string(what) + " at byte " + std::to_string(base_ + pos_));
  }
  Status Truncated(std::string_view what, size_t need) const {
    return Corruption(std::string(what) + ": need " + std::to_string(need) + " bytes at byte " +
                      std::to_string(base_ + pos_) + ", have " + std::to_string(remaining()));
  }

  Status Skip(size_t n, std::string_view what = "data") {
    if (n > remaining()) return Truncated(what, n);
    pos_ += n;
    return Status::Ok();
  }
  Status ReadU8(uint8_t* out, std::string_view what = "uint8") {
    if (remaining() < 1) return Truncated(what, 1);
    *out = data_[pos_++];
    return Status::Ok();
  }
  Status ReadU16(uint16_t* out, std::string_view what = "uint16") {
    if (remaining() < 2) return Truncated(what, 2);
    *out = LoadLe16(current());
    pos_ += 2;
    return Status::Ok();
  }
  Status ReadU32(uint32_t* out, std::string_view what = "uint32") {
    if (remaining() < 4) return Truncated(what, 4);
    *out = LoadLe32(current());
    pos_ += 4;
    return Status::Ok();
  }
  Status ReadU64(uint64_t* out, std::string_view what = "uint64") {
    if (remaining() < 8) return Truncated(what, 8);
    *out = LoadLe64(current());
    pos_ += 8;
    return Status::Ok();
  }
  // Little-endian unsigned integer of `n` (0..8) bytes.
  Status ReadUIntLe(size_t n, uint64_t* out, std::string_view what = "integer") {
    if (remaining() < n) return Truncated(what, n);
    *out = LoadLe(current(), n);
    pos_ += n;
    return Status::Ok();
  }
  // MySQL length-encoded integer (net_field_length): <251 itself, 0xfc +2, 0xfd +3, 0xfe +8.
  // 0xfb (SQL NULL) and 0xff are invalid here.
  Status ReadPackedInt(uint64_t* out, std::string_view what = "packed integer") {
    if (remaining() < 1) return Truncated(what, 1);
    uint8_t b = data_[pos_];
    size_t n = b < 251 ? 0 : b == 0xfc ? 2 : b == 0xfd ? 3 : b == 0xfe ? 8 : 99;
    if (n == 99) return Error(std::string(what) + ": invalid length prefix");
    if (remaining() < 1 + n) return Truncated(what, 1 + n);
    *out = n == 0 ? b : LoadLe(current() + 1, n);
    pos_ += 1 + n;
    return Status::Ok();
  }
  // mysql::serialization variable-length unsigned integer (MySQL 8.3+ GTID_TAGGED events and
  // tagged GTID sets; libs/mysql/serialization/readme.md): the number of trailing one bits of the
  // first byte + 1 is the length (1..8 bytes, value = those LE bytes >> length); a first byte of
  // 0xff means 9 bytes, the value being the following 8.
  Status ReadVarUInt(uint64_t* out, std::string_view what = "varlen integer") {
    if (remaining() < 1) return Truncated(what, 1);
    const size_t n = static_cast<size_t>(std::countr_one(data_[pos_])) + 1;
    if (n > 8) {
      pos_ += 1;
      return ReadU64(out, what);
    }
    uint64_t raw = 0;
    RETURN_IF_ERROR(ReadUIntLe(n, &raw, what));
    *out = raw >> n;
    return Status::Ok();
  }
  Status ReadBytes(size_t n, ByteView* out, std::string_view what = "bytes") {
    if (n > remaining()) return Truncated(what, n);
    *out = data_.subspan(pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  Status ReadString(size_t n, std::string_view* out, std::string_view what = "string") {
    ByteView b;
    RETURN_IF_ERROR(ReadBytes(n, &b, what));
    *out = AsStringView(b);
    return Status::Ok();
  }

 private:
  ByteView data_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

}  // namespace binlake::binlog
