// SameValue, for tests: two Values equal field by field. Floats by their bits (so -0 stays -0
// and a NaN equals the same NaN), text kinds by their bytes, dates and times by every field.
#pragma once

#include <cstring>

#include "common/value.h"

namespace binlake::testing {

inline bool SameValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kInt:
      return a.int_value() == b.int_value();
    case Value::Kind::kUInt:
    case Value::Kind::kBit:
    case Value::Kind::kEnumIndex:
    case Value::Kind::kSetBits:
      return a.uint_value() == b.uint_value();
    case Value::Kind::kFloat: {
      const float x = a.float_value(), y = b.float_value();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Value::Kind::kDouble: {
      const double x = a.double_value(), y = b.double_value();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kJson:
      return a.text() == b.text();
    case Value::Kind::kDate:
    case Value::Kind::kDateTime:
    case Value::Kind::kTimestamp: {
      const DateTimeParts &x = a.datetime(), &y = b.datetime();
      return x.year == y.year && x.month == y.month && x.day == y.day && x.hour == y.hour &&
             x.minute == y.minute && x.second == y.second && x.micros == y.micros;
    }
    case Value::Kind::kTime: {
      const TimeParts &x = a.time(), &y = b.time();
      return x.negative == y.negative && x.hours == y.hours && x.minute == y.minute &&
             x.second == y.second && x.micros == y.micros;
    }
  }
  return false;
}

}  // namespace binlake::testing
