// DECIMAL (MYSQL_TYPE_NEWDECIMAL) binary format -> the text the server prints.
//
// Format (strings/decimal.cc, bin2decimal): the digits are split into groups of 9 decimal digits
// stored as 4-byte big-endian integers, counted outwards from the decimal point; a leading
// (integer) or trailing (fraction) partial group of k digits takes dig2bytes[k] bytes:
//   dig2bytes = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4}
//   size = intg/9*4 + dig2bytes[intg%9] + scale/9*4 + dig2bytes[scale%9], intg = precision-scale
// The top bit of the first byte is the sign (1 = positive); a negative number has all bits
// inverted. Spec: https://dev.mysql.com/doc/dev/mysql-server/latest/strings_2decimal_8cc.html
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace binlake::binlog {

// Bytes a DECIMAL(precision, scale) value occupies; 0 for invalid precision/scale. Columns are
// limited to 65 digits, but decimals inside binary JSON may use up to 81
// (DECIMAL_MAX_POSSIBLE_PRECISION), so up to 81 is accepted.
size_t DecimalBinarySize(int precision, int scale);

// Longest text DecodeDecimal writes: sign, 81 digits, point, leading "0".
inline constexpr size_t kMaxDecimalText = 90;

// Decodes the `DecimalBinarySize(precision, scale)` bytes at `in` (the caller checked they are
// there) into `out` (at least kMaxDecimalText bytes): all `scale` fraction digits, no leading
// zeros, "0" before the point of a pure fraction, "-" for negative non-zero values. Returns the
// text length, or a kCorruption Status for a digit group out of range.
Result<size_t> DecodeDecimal(const uint8_t* in, int precision, int scale, char* out);

}  // namespace binlake::binlog
