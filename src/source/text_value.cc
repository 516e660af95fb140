#include "source/text_value.h"

#include <charconv>
#include <cstdlib>

#include "source/mysql_connection.h"

namespace binlake {
namespace {

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Parses exactly `n` digits at s[pos].
bool Digits(std::string_view s, size_t pos, size_t n, uint32_t* out) {
  if (pos + n > s.size()) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}

// Parses ".ffffff" (1-6 digits) at s[pos..] into microseconds; empty is 0.
bool Fraction(std::string_view s, size_t pos, uint32_t* micros) {
  *micros = 0;
  if (pos == s.size()) return true;
  if (s[pos] != '.') return false;
  size_t n = s.size() - pos - 1;
  if (n == 0 || n > 6) return false;
  uint32_t v = 0;
  if (!Digits(s, pos + 1, n, &v)) return false;
  for (size_t i = n; i < 6; ++i) v *= 10;
  *micros = v;
  return true;
}

Status BadValue(std::string_view text, const ColumnType& type) {
  return Corruption("unexpected " + std::string(SqlTypeName(type.type)) + " text from server: '" +
                    std::string(text.substr(0, 40)) + "'");
}

}  // namespace

bool ParseDateTimeText(std::string_view s, DateTimeParts* out) {
  uint32_t y, mo, d;
  if (s.size() < 10 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return false;
  }
  *out = DateTimeParts{
      static_cast<uint16_t>(y), static_cast<uint8_t>(mo), static_cast<uint8_t>(d), 0, 0, 0, 0};
  if (s.size() == 10) return true;
  uint32_t h, mi, se, us;
  if (s.size() < 19 || s[10] != ' ' || !Digits(s, 11, 2, &h) || s[13] != ':' ||
      !Digits(s, 14, 2, &mi) || s[16] != ':' || !Digits(s, 17, 2, &se) || !Fraction(s, 19, &us)) {
    return false;
  }
  out->hour = static_cast<uint8_t>(h);
  out->minute = static_cast<uint8_t>(mi);
  out->second = static_cast<uint8_t>(se);
  out->micros = us;
  return true;
}

bool ParseTimeText(std::string_view s, TimeParts* out) {
  *out = TimeParts{};
  size_t pos = 0;
  if (!s.empty() && s[0] == '-') {
    out->negative = true;
    pos = 1;
  }
  size_t colon = s.find(':', pos);
  if (colon == std::string_view::npos || colon == pos || colon - pos > 4) return false;
  uint32_t h, mi, se, us;
  if (!Digits(s, pos, colon - pos, &h) || !Digits(s, colon + 1, 2, &mi) || colon + 3 >= s.size() ||
      s[colon + 3] != ':' || !Digits(s, colon + 4, 2, &se) || !Fraction(s, colon + 6, &us)) {
    return false;
  }
  out->hours = h;
  out->minute = static_cast<uint8_t>(mi);
  out->second = static_cast<uint8_t>(se);
  out->micros = us;
  return true;
}

std::string SnapshotSelectExpression(const Column& column) {
  std::string q = QuoteIdentifier(column.name);
  if (column.type.type == SqlType::kFloat) return "(" + q + " + 0e0)";
  return q;
}

Status ParseTextValue(std::string_view text, const ColumnType& type, Value* out) {
  switch (type.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
    case SqlType::kYear:
      if (type.is_unsigned) {
        uint64_t v;
        if (!ParseNumber(text, &v)) return BadValue(text, type);
        *out = Value::UInt(v);
      } else {
        int64_t v;
        if (!ParseNumber(text, &v)) return BadValue(text, type);
        *out = Value::Int(v);
      }
      return Status::Ok();
    case SqlType::kDecimal:
      *out = Value::Decimal(text);
      return Status::Ok();
    case SqlType::kFloat:
    case SqlType::kDouble: {
      double d;
      // from_chars(double) handles "1e300", "-0", "0.30000000000000004" exactly.
      if (!ParseNumber(text, &d)) return BadValue(text, type);
      *out = type.type == SqlType::kFloat ? Value::Float(static_cast<float>(d)) : Value::Double(d);
      return Status::Ok();
    }
    case SqlType::kBit: {
      if (text.size() > 8) return BadValue(text, type);
      uint64_t v = 0;
      for (unsigned char c : text) v = (v << 8) | c;  // big-endian bytes
      *out = Value::Bit(v);
      return Status::Ok();
    }
    case SqlType::kDate: {
      DateTimeParts p;
      if (text.size() != 10 || !ParseDateTimeText(text, &p)) return BadValue(text, type);
      *out = Value::Date(p.year, p.month, p.day);
      return Status::Ok();
    }
    case SqlType::kDateTime:
    case SqlType::kTimestamp: {
      DateTimeParts p;
      if (!ParseDateTimeText(text, &p)) return BadValue(text, type);
      *out = type.type == SqlType::kTimestamp ? Value::Timestamp(p) : Value::DateTime(p);
      return Status::Ok();
    }
    case SqlType::kTime: {
      TimeParts t;
      if (!ParseTimeText(text, &t)) return BadValue(text, type);
      *out = Value::Time(t);
      return Status::Ok();
    }
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kGeometry:
    case SqlType::kVector:
      *out = Value::Bytes(text);
      return Status::Ok();
    case SqlType::kJson:
      *out = Value::Json(text);
      return Status::Ok();
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
    case SqlType::kEnum:
    case SqlType::kSet:
    case SqlType::kNull:
      if (type.collation_id == kBinaryCollationId) {
        *out = Value::Bytes(text);
      } else {
        *out = Value::String(text);
      }
      return Status::Ok();
  }
  return BadValue(text, type);
}

}  // namespace binlake
