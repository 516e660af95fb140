#include "binlog/decimal.h"

#include <string>

#include "binlog/byte_reader.h"

namespace binlake::binlog {
namespace {

constexpr int kDigitsPerGroup = 9;
constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// Writes `v` as exactly `digits` decimal digits.
char* PutDigits(uint32_t v, int digits, char* p) {
  for (int i = digits - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + digits;
}

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  if (precision < 1 || precision > 81 || scale < 0 || scale > 30 || scale > precision) return 0;
  int intg = precision - scale;
  return static_cast<size_t>((intg / kDigitsPerGroup) * 4 + kDig2Bytes[intg % kDigitsPerGroup] +
                             (scale / kDigitsPerGroup) * 4 + kDig2Bytes[scale % kDigitsPerGroup]);
}

Result<size_t> DecodeDecimal(const uint8_t* in, int precision, int scale, char* out) {
  size_t size = DecimalBinarySize(precision, scale);
  if (size == 0) {
    return Corruption("invalid DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
                      ")");
  }
  uint8_t buf[48];  // max size is 37 bytes for DECIMAL(81,30)
  bool negative = (in[0] & 0x80) == 0;
  uint8_t mask = negative ? 0xff : 0x00;
  for (size_t i = 0; i < size; ++i) buf[i] = in[i] ^ mask;
  buf[0] ^= 0x80;

  int intg = precision - scale;
  int intg0 = intg / kDigitsPerGroup, intg0x = intg % kDigitsPerGroup;
  int frac0 = scale / kDigitsPerGroup, frac0x = scale % kDigitsPerGroup;
  const uint8_t* p = buf;
  char digits[96];  // integer digits, leading zeros included
  char* d = digits;
  auto group = [&](int ndigits, int& nbytes_out) -> Result<uint32_t> {
    int nbytes = ndigits == kDigitsPerGroup ? 4 : kDig2Bytes[ndigits];
    uint32_t v = static_cast<uint32_t>(LoadBe(p, static_cast<size_t>(nbytes)));
    p += nbytes;
    nbytes_out = nbytes;
    if (v >= kPow10[ndigits]) return Corruption("DECIMAL digit group out of range");
    return v;
  };
  int nb = 0;
  if (intg0x > 0) {
    ASSIGN_OR_RETURN(uint32_t v, group(intg0x, nb));
    d = PutDigits(v, intg0x, d);
  }
  for (int i = 0; i < intg0; ++i) {
    ASSIGN_OR_RETURN(uint32_t v, group(kDigitsPerGroup, nb));
    d = PutDigits(v, kDigitsPerGroup, d);
  }
  char frac[40];
  char* f = frac;
  for (int i = 0; i < frac0; ++i) {
    ASSIGN_OR_RETURN(uint32_t v, group(kDigitsPerGroup, nb));
    f = PutDigits(v, kDigitsPerGroup, f);
  }
  if (frac0x > 0) {
    ASSIGN_OR_RETURN(uint32_t v, group(frac0x, nb));
    f = PutDigits(v, frac0x, f);
  }

  // Strip leading zeros of the integer part.
  const char* int_begin = digits;
  while (int_begin < d && *int_begin == '0') ++int_begin;
  bool zero = int_begin == d;
  for (const char* q = frac; q < f && zero; ++q) zero = *q == '0';

  char* o = out;
  if (negative && !zero) *o++ = '-';
  if (int_begin == d) {
    *o++ = '0';
  } else {
    for (const char* q = int_begin; q < d; ++q) *o++ = *q;
  }
  if (scale > 0) {
    *o++ = '.';
    for (const char* q = frac; q < f; ++q) *o++ = *q;
  }
  return static_cast<size_t>(o - out);
}

}  // namespace binlake::binlog
