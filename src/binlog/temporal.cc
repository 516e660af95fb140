#include "binlog/temporal.h"

#include "binlog/byte_reader.h"

namespace binlake::binlog {
namespace {

uint32_t FractionMicros(const uint8_t* p, int fsp) {
  switch (FractionBytes(fsp)) {
    case 1:
      return static_cast<uint32_t>(p[0]) * 10000;
    case 2:
      return static_cast<uint32_t>(LoadBe(p, 2)) * 100;
    case 3:
      return static_cast<uint32_t>(LoadBe(p, 3));
    default:
      return 0;
  }
}

// Days since 1970-01-01 -> civil date (proleptic Gregorian), H. Hinnant's algorithm.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

}  // namespace

DateTimeParts DecodeDate(const uint8_t* p) {
  uint32_t v = static_cast<uint32_t>(LoadLe(p, 3));
  DateTimeParts t;
  t.day = static_cast<uint8_t>(v & 31);
  t.month = static_cast<uint8_t>((v >> 5) & 15);
  t.year = static_cast<uint16_t>(v >> 9);
  return t;
}

DateTimeParts DateTimeFromPacked(int64_t packed) {
  uint64_t tmp = packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  DateTimeParts t;
  t.micros = static_cast<uint32_t>(tmp % (1ULL << 24));
  uint64_t ymdhms = tmp >> 24;
  uint64_t ymd = ymdhms >> 17;
  uint64_t ym = ymd >> 5;
  uint64_t hms = ymdhms % (1ULL << 17);
  t.day = static_cast<uint8_t>(ymd % 32);
  t.month = static_cast<uint8_t>(ym % 13);
  t.year = static_cast<uint16_t>(ym / 13);
  t.second = static_cast<uint8_t>(hms % 64);
  t.minute = static_cast<uint8_t>((hms >> 6) % 64);
  t.hour = static_cast<uint8_t>(hms >> 12);
  return t;
}

TimeParts TimeFromPacked(int64_t packed) {
  TimeParts t;
  t.negative = packed < 0;
  uint64_t tmp = t.negative ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  uint64_t hms = tmp >> 24;
  t.micros = static_cast<uint32_t>(tmp % (1ULL << 24));
  t.hours = static_cast<uint32_t>((hms >> 12) % (1u << 10));
  t.minute = static_cast<uint8_t>((hms >> 6) % 64);
  t.second = static_cast<uint8_t>(hms % 64);
  return t;
}

DateTimeParts DecodeDateTime2(const uint8_t* p, int fsp) {
  int64_t intpart = static_cast<int64_t>(LoadBe(p, 5)) - 0x8000000000LL;
  int64_t packed = intpart * (1LL << 24) + FractionMicros(p + 5, fsp);
  return DateTimeFromPacked(packed);
}

TimeParts DecodeTime2(const uint8_t* p, int fsp) {
  constexpr int64_t kIntOfs = 0x800000LL;
  int64_t packed = 0;
  switch (FractionBytes(fsp)) {
    case 0:
      packed = (static_cast<int64_t>(LoadBe(p, 3)) - kIntOfs) * (1LL << 24);
      break;
    case 1: {
      int64_t intpart = static_cast<int64_t>(LoadBe(p, 3)) - kIntOfs;
      int64_t frac = p[3];
      if (intpart < 0 && frac != 0) {
        intpart++;
        frac -= 0x100;
      }
      packed = intpart * (1LL << 24) + frac * 10000;
      break;
    }
    case 2: {
      int64_t intpart = static_cast<int64_t>(LoadBe(p, 3)) - kIntOfs;
      int64_t frac = static_cast<int64_t>(LoadBe(p + 3, 2));
      if (intpart < 0 && frac != 0) {
        intpart++;
        frac -= 0x10000;
      }
      packed = intpart * (1LL << 24) + frac * 100;
      break;
    }
    default:
      packed = static_cast<int64_t>(LoadBe(p, 6)) - 0x800000000000LL;
      break;
  }
  return TimeFromPacked(packed);
}

DateTimeParts TimestampToUtc(int64_t seconds, uint32_t micros) {
  DateTimeParts t;
  if (seconds == 0 && micros == 0) return t;  // the zero TIMESTAMP 0000-00-00 00:00:00
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  t.year = static_cast<uint16_t>(y);
  t.month = static_cast<uint8_t>(m);
  t.day = static_cast<uint8_t>(d);
  t.hour = static_cast<uint8_t>(rem / 3600);
  t.minute = static_cast<uint8_t>(rem / 60 % 60);
  t.second = static_cast<uint8_t>(rem % 60);
  t.micros = micros;
  return t;
}

DateTimeParts DecodeTimestamp2(const uint8_t* p, int fsp) {
  return TimestampToUtc(static_cast<int64_t>(LoadBe(p, 4)), FractionMicros(p + 4, fsp));
}

DateTimeParts DecodeDateTimeOld(uint64_t v) {
  DateTimeParts t;
  uint64_t date = v / 1000000, time = v % 1000000;
  t.year = static_cast<uint16_t>(date / 10000 % 10000);
  t.month = static_cast<uint8_t>(date / 100 % 100);
  t.day = static_cast<uint8_t>(date % 100);
  t.hour = static_cast<uint8_t>(time / 10000);
  t.minute = static_cast<uint8_t>(time / 100 % 100);
  t.second = static_cast<uint8_t>(time % 100);
  return t;
}

TimeParts DecodeTimeOld(int32_t v) {
  TimeParts t;
  t.negative = v < 0;
  uint32_t a = t.negative ? static_cast<uint32_t>(-static_cast<int64_t>(v)) : v;
  t.hours = a / 10000;
  t.minute = static_cast<uint8_t>(a / 100 % 100);
  t.second = static_cast<uint8_t>(a % 100);
  return t;
}

}  // namespace binlake::binlog
