#include "format/parquet/parquet_value.h"

#include <cstdint>
#include <limits>
#include <optional>

#include "common/integer_bits.h"
#include "common/parse_rendered_text.h"

namespace binlake::parquet {
namespace {

enum class Shape {
  kInteger,     // INT32 or INT64
  kBit,         // INT64
  kDecimalInt,  // INT32 / INT64 / FIXED_LEN_BYTE_ARRAY, DECIMAL(p,s)
  kFloat,
  kDouble,
  kDate,       // INT32
  kTimestamp,  // INT64, MILLIS or MICROS
  kText,       // BYTE_ARRAY: render_text's text
  kBytes,      // BYTE_ARRAY: raw bytes
};

Shape ShapeOf(const ColumnType& type) {
  switch (type.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
    case SqlType::kYear:
      return Shape::kInteger;
    case SqlType::kBit:
      return Shape::kBit;
    case SqlType::kDecimal:
      return type.precision == 0 || type.precision > 38 ? Shape::kText : Shape::kDecimalInt;
    case SqlType::kFloat:
      return Shape::kFloat;
    case SqlType::kDouble:
      return Shape::kDouble;
    case SqlType::kDate:
      return Shape::kDate;
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      return Shape::kTimestamp;
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kGeometry:
    case SqlType::kVector:
      return Shape::kBytes;
    default:  // TIME, CHAR, VARCHAR, TEXT, ENUM, SET, JSON
      return Shape::kText;
  }
}

std::string PhysicalName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "physical type " + std::to_string(static_cast<int>(t));
}

// The timestamp unit of a TIMESTAMP column: true for MILLIS, false for MICROS; nullopt otherwise.
std::optional<bool> TimestampMillis(const ParquetColumn& c) {
  if (c.logical.kind == LogicalKind::kTimestamp) {
    if (c.logical.unit == TimeUnit::kMillis) return true;
    if (c.logical.unit == TimeUnit::kMicros) return false;
    return std::nullopt;
  }
  if (c.converted_type == ConvertedType::kTimestampMillis) return true;
  if (c.converted_type == ConvertedType::kTimestampMicros) return false;
  return std::nullopt;
}

// [min, max] of an integer column of `type` (as 128-bit values).
void IntegerRange(const ColumnType& type, __int128* min, __int128* max) {
  if (type.type == SqlType::kYear) {
    *min = 0;
    *max = 9999;
    return;
  }
  const int bits = IntegerBits(type);
  if (type.is_unsigned) {
    *min = 0;
    *max = (static_cast<__int128>(1) << bits) - 1;
  } else {
    *min = -(static_cast<__int128>(1) << (bits - 1));
    *max = (static_cast<__int128>(1) << (bits - 1)) - 1;
  }
}

// "[-]int[.frac]" with exactly `scale` fraction digits, as the server prints DECIMAL(p,s).
void AppendDecimalText(__int128 unscaled, int scale, std::string* out) {
  const bool negative = unscaled < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(unscaled) : unscaled;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  if (negative) out->push_back('-');
  const size_t int_digits = digits.size() - static_cast<size_t>(scale);
  out->append(digits, 0, int_digits);
  if (scale > 0) {
    out->push_back('.');
    out->append(digits, int_digits, std::string::npos);
  }
}

Status Bad(const ColumnType& type, const RenderOptions& render, const std::string& what) {
  return Corruption("a " + RenderedTypeLabel(type, render) + " value " + what);
}

}  // namespace

bool CivilFromDays(int64_t days, DateTimeParts* out) {
  // Howard Hinnant's civil_from_days (proleptic Gregorian calendar).
  if (days < -800000000 || days > 800000000) return false;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1 || y > 9999) return false;
  *out = DateTimeParts{};
  out->year = static_cast<uint16_t>(y);
  out->month = static_cast<uint8_t>(m);
  out->day = static_cast<uint8_t>(d);
  return true;
}

Status CheckParquetColumn(const ParquetColumn& column, const ColumnType& type) {
  const RenderOptions hex;
  auto refuse = [&](const std::string& why) {
    return Unsupported("column " + column.name + " is " + PhysicalName(column.type) +
                       " in the file" + why + ", not as binlake writes a " +
                       RenderedTypeLabel(type, hex) + " column");
  };
  const PhysicalType p = column.type;
  switch (ShapeOf(type)) {
    case Shape::kInteger:
      if (p != PhysicalType::kInt32 && p != PhysicalType::kInt64) return refuse("");
      if (column.precision >= 0) return refuse(" (DECIMAL)");
      return Status::Ok();
    case Shape::kBit:
      if (p != PhysicalType::kInt64) return refuse("");
      return Status::Ok();
    case Shape::kDecimalInt: {
      const bool physical_ok = p == PhysicalType::kInt32 || p == PhysicalType::kInt64 ||
                               (p == PhysicalType::kFixedLenByteArray && column.type_length >= 1 &&
                                column.type_length <= 16);
      if (!physical_ok) return refuse("");
      if (column.precision != type.precision || column.scale != type.scale) {
        return refuse(" DECIMAL(" + std::to_string(column.precision) + "," +
                      std::to_string(column.scale) + ")");
      }
      return Status::Ok();
    }
    case Shape::kFloat:
      return p == PhysicalType::kFloat ? Status::Ok() : refuse("");
    case Shape::kDouble:
      return p == PhysicalType::kDouble ? Status::Ok() : refuse("");
    case Shape::kDate:
      if (p != PhysicalType::kInt32 || (column.logical.kind != LogicalKind::kDate &&
                                        column.converted_type != ConvertedType::kDate)) {
        return refuse("");
      }
      return Status::Ok();
    case Shape::kTimestamp:
      if (p != PhysicalType::kInt64 || !TimestampMillis(column))
        return refuse(" (no MILLIS/MICROS timestamp)");
      return Status::Ok();
    case Shape::kText:
    case Shape::kBytes:
      return p == PhysicalType::kByteArray ? Status::Ok() : refuse("");
  }
  return refuse("");
}

Status ParquetToValue(const Field& field, const ParquetColumn& column, const ColumnType& type,
                      const RenderOptions& render, Value* out, std::string* scratch) {
  if (field.null) {
    *out = Value::Null();
    return Status::Ok();
  }
  switch (ShapeOf(type)) {
    case Shape::kInteger: {
      __int128 v = field.i;
      if (type.is_unsigned) {
        v = column.type == PhysicalType::kInt32
                ? static_cast<__int128>(static_cast<uint32_t>(field.i))
                : static_cast<__int128>(static_cast<uint64_t>(field.i));
      }
      __int128 min = 0, max = 0;
      IntegerRange(type, &min, &max);
      if (v < min || v > max) {
        std::string text;
        AppendDecimalText(v, 0, &text);
        return Bad(type, render, text + " is out of range");
      }
      *out = type.is_unsigned ? Value::UInt(static_cast<uint64_t>(v))
                              : Value::Int(static_cast<int64_t>(v));
      return Status::Ok();
    }
    case Shape::kBit: {
      const uint64_t v = static_cast<uint64_t>(field.i);
      if (type.length > 0 && type.length < 64 && (v >> type.length) != 0) {
        return Bad(type, render, std::to_string(v) + " is out of range");
      }
      *out = Value::Bit(v);
      return Status::Ok();
    }
    case Shape::kDecimalInt: {
      __int128 unscaled = field.i;
      if (column.type == PhysicalType::kFixedLenByteArray) {
        const std::string_view b = field.bytes;
        if (b.empty() || b.size() > 16) return Bad(type, render, "has a bad width");
        unscaled = static_cast<int8_t>(b[0]);  // sign-extended big-endian two's complement
        for (size_t k = 1; k < b.size(); ++k) {
          unscaled = unscaled * 256 + static_cast<uint8_t>(b[k]);
        }
      }
      scratch->clear();
      AppendDecimalText(unscaled, type.scale, scratch);
      // Checks the digit counts against DECIMAL(p,s) and gives the Value viewing *scratch.
      Status s = ParseRenderedText(type, *scratch, render, out, scratch);
      if (!s.ok()) return Bad(type, render, "out of range (" + *scratch + ")");
      return Status::Ok();
    }
    case Shape::kFloat:
      *out = Value::Float(static_cast<float>(field.d));
      return Status::Ok();
    case Shape::kDouble:
      *out = Value::Double(field.d);
      return Status::Ok();
    case Shape::kDate: {
      DateTimeParts p;
      if (!CivilFromDays(field.i, &p)) {
        return Bad(type, render, "of " + std::to_string(field.i) + " days is out of range");
      }
      *out = Value::Date(p.year, p.month, p.day);
      return Status::Ok();
    }
    case Shape::kTimestamp: {
      const std::optional<bool> millis = TimestampMillis(column);
      if (!millis) return Bad(type, render, "has no MILLIS/MICROS unit");
      constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
      const int64_t limit = std::numeric_limits<int64_t>::max() / 1000;
      if (*millis && (field.i > limit || field.i < -limit)) {
        return Bad(type, render, "is out of range");
      }
      const int64_t us = *millis ? field.i * 1000 : field.i;
      int64_t days = us / kMicrosPerDay;
      int64_t rest = us % kMicrosPerDay;
      if (rest < 0) {
        rest += kMicrosPerDay;
        --days;
      }
      DateTimeParts p;
      if (!CivilFromDays(days, &p)) return Bad(type, render, "is out of range");
      const int64_t seconds = rest / 1000000;
      p.hour = static_cast<uint8_t>(seconds / 3600);
      p.minute = static_cast<uint8_t>(seconds / 60 % 60);
      p.second = static_cast<uint8_t>(seconds % 60);
      p.micros = static_cast<uint32_t>(rest % 1000000);
      *out = type.type == SqlType::kTimestamp ? Value::Timestamp(p) : Value::DateTime(p);
      return Status::Ok();
    }
    case Shape::kText:
      return ParseRenderedText(type, field.bytes, render, out, scratch);
    case Shape::kBytes:
      *out = Value::Bytes(field.bytes);
      return Status::Ok();
  }
  return Internal("unhandled Parquet column shape");
}

}  // namespace binlake::parquet
