// Temporal column formats of rows events -> DateTimeParts / TimeParts (common/value.h).
// Spec: https://dev.mysql.com/doc/dev/mysql-server/latest/my__time_8h.html
// (my_*_packed_from_binary)
//       https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/ (column data formats)
//
//   DATE        3 bytes LE: day 5 bits | month 4 bits | year 15 bits
//   DATETIME2   5 bytes BE, minus 0x8000000000: 1 sign bit, 17 bits year*13+month, 5 day,
//               5 hour, 6 minute, 6 second; then (fsp+1)/2 bytes BE of fraction
//   TIME2       3 bytes BE minus 0x800000 (fsp 0-4, + 1-2 signed fraction bytes) or 6 bytes BE
//               minus 0x800000000000 (fsp 5-6): a "packed time" (hms << 24 | micros), signed
//   TIMESTAMP2  4 bytes BE seconds since the epoch (UTC), then the fraction as DATETIME2
//   TIMESTAMP   4 bytes LE seconds (pre-5.6)
//   DATETIME    8 bytes LE integer YYYYMMDDhhmmss (pre-5.6)
//   TIME        3 bytes LE signed integer [-]HHMMSS (pre-5.6)
//   fraction    1 byte: value * 10000 us; 2 bytes: value * 100 us; 3 bytes: value us
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/value.h"

namespace binlake::binlog {

// Bytes of the fractional part for `fsp` digits (0..6).
inline size_t FractionBytes(int fsp) { return static_cast<size_t>((fsp + 1) / 2); }

DateTimeParts DecodeDate(const uint8_t* p);
DateTimeParts DecodeDateTime2(const uint8_t* p, int fsp);
TimeParts DecodeTime2(const uint8_t* p, int fsp);
// UTC calendar time of a TIMESTAMP; seconds == 0 && micros == 0 is the zero date 0000-00-00.
DateTimeParts TimestampToUtc(int64_t seconds, uint32_t micros);
DateTimeParts DecodeTimestamp2(const uint8_t* p, int fsp);
DateTimeParts DecodeDateTimeOld(uint64_t packed_decimal);
TimeParts DecodeTimeOld(int32_t packed_decimal);

// MySQL's in-memory "packed" longlong forms (used by JSON opaque values):
// datetime: ((((year*13+month) << 5 | day) << 17 | hour << 12 | minute << 6 | second) << 24) + us
DateTimeParts DateTimeFromPacked(int64_t packed);
// time: ((hour << 12 | minute << 6 | second) << 24) + us, negated for negative times
TimeParts TimeFromPacked(int64_t packed);

}  // namespace binlake::binlog
