#include "format/parquet/type_mapping.h"

#include <cstdint>
#include <limits>

namespace binlake::parquet {
namespace {

using u128 = unsigned __int128;

ColumnSpec Base(std::string name) {
  ColumnSpec s;
  s.element.name = std::move(name);
  s.element.repetition = Repetition::kOptional;
  return s;
}

void SetString(ColumnSpec* s) {
  s->element.type = PhysicalType::kByteArray;
  s->element.converted_type = ConvertedType::kUtf8;
  s->element.logical.kind = LogicalKind::kString;
  s->sort_order = SortOrder::kBytesUnsigned;
  s->conversion = Conversion::kText;
}

// An integer column: INT32 for bit widths up to 32 (INT64 for 64), with INT(bits, signed).
void SetInteger(ColumnSpec* s, int bits, bool is_signed) {
  static constexpr ConvertedType kSigned[] = {ConvertedType::kInt8, ConvertedType::kInt16,
                                              ConvertedType::kInt32, ConvertedType::kInt64};
  static constexpr ConvertedType kUnsigned[] = {ConvertedType::kUint8, ConvertedType::kUint16,
                                                ConvertedType::kUint32, ConvertedType::kUint64};
  int k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
  s->element.type = bits == 64 ? PhysicalType::kInt64 : PhysicalType::kInt32;
  s->element.converted_type = is_signed ? kSigned[k] : kUnsigned[k];
  s->element.logical.kind = LogicalKind::kInteger;
  s->element.logical.bit_width = static_cast<int8_t>(bits);
  s->element.logical.is_signed = is_signed;
  if (is_signed) {
    s->min_int = bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
    s->max_uint =
        bits == 64 ? std::numeric_limits<int64_t>::max() : (uint64_t{1} << (bits - 1)) - 1;
    s->conversion = bits == 64 ? Conversion::kInt64 : Conversion::kInt32;
    s->sort_order = bits == 64 ? SortOrder::kSigned64 : SortOrder::kSigned32;
  } else {
    s->max_uint = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
    s->conversion = bits == 64 ? Conversion::kUInt64 : Conversion::kUInt32;
    s->sort_order = bits == 64 ? SortOrder::kUnsigned64 : SortOrder::kUnsigned32;
  }
}

u128 Pow10(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string_view KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return "NULL";
    case Value::Kind::kInt:
      return "integer";
    case Value::Kind::kUInt:
      return "unsigned integer";
    case Value::Kind::kFloat:
      return "FLOAT";
    case Value::Kind::kDouble:
      return "DOUBLE";
    case Value::Kind::kDecimal:
      return "DECIMAL";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kBytes:
      return "bytes";
    case Value::Kind::kBit:
      return "BIT";
    case Value::Kind::kEnumIndex:
      return "ENUM index";
    case Value::Kind::kSetBits:
      return "SET bits";
    case Value::Kind::kDate:
      return "DATE";
    case Value::Kind::kTime:
      return "TIME";
    case Value::Kind::kDateTime:
      return "DATETIME";
    case Value::Kind::kTimestamp:
      return "TIMESTAMP";
    case Value::Kind::kJson:
      return "JSON";
  }
  return "?";
}

Status Mismatch(const ColumnSpec& spec, const Value& v, std::string_view what) {
  return InvalidArgument("column " + spec.element.name + ": " + std::string(KindName(v.kind())) +
                         " value " + std::string(what));
}

// The value as a signed 128-bit integer, if it is an integer kind.
bool IntegerOf(const Value& v, __int128* out) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      *out = v.int_value();
      return true;
    case Value::Kind::kUInt:
    case Value::Kind::kBit:
      *out = v.uint_value();
      return true;
    default:
      return false;
  }
}

bool DateParts(const DateTimeParts& p, int32_t* days) {
  return DaysFromCivil(p.year, p.month, p.day, days);
}

}  // namespace

bool DaysFromCivil(int year, int month, int day, int32_t* days) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return false;
  }
  // Howard Hinnant's days_from_civil (proleptic Gregorian calendar).
  int y = year - (month <= 2 ? 1 : 0);
  int era = y / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = era * 146097 + doe - 719468;
  return true;
}

bool ParseDecimal(std::string_view text, int precision, int scale, __int128* unscaled) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  u128 v = 0;
  int digits = 0;
  int fraction = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    ++digits;
    if (point) {
      if (fraction == scale) {
        if (c != '0') return false;  // more fraction digits than the scale holds
        continue;
      }
      ++fraction;
    }
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v >= Pow10(38)) return false;
  }
  if (digits == 0) return false;
  v *= Pow10(scale - fraction);
  if (v >= Pow10(precision)) return false;
  *unscaled = negative ? -static_cast<__int128>(v) : static_cast<__int128>(v);
  return true;
}

int DecimalByteWidth(int precision) {
  u128 limit = Pow10(precision) - 1;
  for (int n = 1; n < 16; ++n) {
    if (((u128{1} << (8 * n - 1)) - 1) >= limit) return n;
  }
  return 16;
}

ColumnSpec StringColumn(std::string name) {
  ColumnSpec s = Base(std::move(name));
  SetString(&s);
  return s;
}

ColumnSpec MapColumn(const Column& column, const MappingOptions& options) {
  ColumnSpec s = Base(column.name);
  const ColumnType& t = column.type;
  SchemaElement& e = s.element;
  switch (t.type) {
    case SqlType::kTinyInt:
      SetInteger(&s, 8, !t.is_unsigned);
      break;
    case SqlType::kSmallInt:
      SetInteger(&s, 16, !t.is_unsigned);
      break;
    case SqlType::kMediumInt:
    case SqlType::kInt:
      if (!t.is_unsigned) {
        SetInteger(&s, 32, true);
      } else if (options.version_2) {
        SetInteger(&s, 32, false);
      } else {
        // Parquet 1.0 readers do not know UINT_32: widen to a signed INT64, as Arrow does.
        SetInteger(&s, 64, true);
        s.min_int = 0;
        s.max_uint = std::numeric_limits<uint32_t>::max();
      }
      break;
    case SqlType::kBigInt:
      SetInteger(&s, 64, !t.is_unsigned);
      break;
    case SqlType::kBit:
      SetInteger(&s, 64, false);
      break;
    case SqlType::kYear:
      SetInteger(&s, 16, true);
      break;
    case SqlType::kDecimal: {
      int p = t.precision;
      if (p == 0 || p > 38) {  // unknown or wider than Parquet readers accept: keep the text
        SetString(&s);
        break;
      }
      s.conversion = Conversion::kDecimal;
      e.converted_type = ConvertedType::kDecimal;
      e.logical.kind = LogicalKind::kDecimal;
      e.logical.precision = e.precision = p;
      e.logical.scale = e.scale = t.scale;
      if (p <= 9) {
        e.type = PhysicalType::kInt32;
        s.sort_order = SortOrder::kSigned32;
      } else if (p <= 18) {
        e.type = PhysicalType::kInt64;
        s.sort_order = SortOrder::kSigned64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = DecimalByteWidth(p);
        s.sort_order = SortOrder::kFixedSigned;
      }
      break;
    }
    case SqlType::kFloat:
      e.type = PhysicalType::kFloat;
      s.sort_order = SortOrder::kFloat;
      s.conversion = Conversion::kFloat;
      break;
    case SqlType::kDouble:
      e.type = PhysicalType::kDouble;
      s.sort_order = SortOrder::kDouble;
      s.conversion = Conversion::kDouble;
      break;
    case SqlType::kDate:
      e.type = PhysicalType::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical.kind = LogicalKind::kDate;
      s.sort_order = SortOrder::kSigned32;
      s.conversion = Conversion::kDate;
      break;
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      e.type = PhysicalType::kInt64;
      e.converted_type = options.timestamp_millis ? ConvertedType::kTimestampMillis
                                                  : ConvertedType::kTimestampMicros;
      e.logical.kind = LogicalKind::kTimestamp;
      e.logical.adjusted_to_utc = t.type == SqlType::kTimestamp;
      e.logical.unit = options.timestamp_millis ? TimeUnit::kMillis : TimeUnit::kMicros;
      s.sort_order = SortOrder::kSigned64;
      s.conversion = Conversion::kTimestamp;
      s.timestamp_millis = options.timestamp_millis;
      break;
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kGeometry:
    case SqlType::kVector:
      e.type = PhysicalType::kByteArray;
      s.sort_order = SortOrder::kBytesUnsigned;
      s.conversion = Conversion::kBytes;
      break;
    default:  // TIME, CHAR, VARCHAR, TEXT, ENUM, SET, JSON, NULL
      SetString(&s);
      break;
  }
  return s;
}

Status ConvertValue(const Value& value, const ColumnSpec& spec, const ColumnType& type,
                    const RenderOptions& render, std::string* scratch, Cell* cell) {
  cell->kind = Cell::Kind::kNull;
  if (value.is_null()) return Status::Ok();
  __int128 n = 0;
  switch (spec.conversion) {
    case Conversion::kInt32:
    case Conversion::kInt64:
      if (!IntegerOf(value, &n)) return Mismatch(spec, value, "in an integer column");
      if (n < spec.min_int || n > static_cast<__int128>(spec.max_uint)) {
        return Mismatch(spec, value, "out of the column's range");
      }
      cell->kind = Cell::Kind::kInt;
      cell->i = static_cast<int64_t>(n);
      return Status::Ok();
    case Conversion::kUInt32:
    case Conversion::kUInt64:
      if (!IntegerOf(value, &n)) return Mismatch(spec, value, "in an integer column");
      if (n < 0 || n > static_cast<__int128>(spec.max_uint)) {
        return Mismatch(spec, value, "out of the column's range");
      }
      cell->kind = Cell::Kind::kInt;
      // The unsigned bits in the physical INT32/INT64 (INT(x, false) annotation).
      cell->i = spec.conversion == Conversion::kUInt32
                    ? static_cast<int32_t>(static_cast<uint32_t>(n))
                    : static_cast<int64_t>(static_cast<uint64_t>(n));
      return Status::Ok();
    case Conversion::kFloat:
    case Conversion::kDouble:
      if (value.kind() == Value::Kind::kFloat) {
        cell->d = value.float_value();
      } else if (value.kind() == Value::Kind::kDouble) {
        cell->d = value.double_value();
      } else {
        return Mismatch(spec, value, "in a FLOAT/DOUBLE column");
      }
      cell->kind = spec.conversion == Conversion::kFloat ? Cell::Kind::kFloat : Cell::Kind::kDouble;
      return Status::Ok();
    case Conversion::kDecimal: {
      const SchemaElement& e = spec.element;
      if (IntegerOf(value, &n)) {
        n *= static_cast<__int128>(Pow10(e.scale));
        if (n >= static_cast<__int128>(Pow10(e.precision)) ||
            -n >= static_cast<__int128>(Pow10(e.precision))) {
          return Mismatch(spec, value, "out of the column's DECIMAL range");
        }
      } else if (value.kind() == Value::Kind::kDecimal || value.kind() == Value::Kind::kString) {
        if (!ParseDecimal(value.text(), e.precision, e.scale, &n)) {
          return InvalidArgument("column " + e.name + ": \"" + std::string(value.text()) +
                                 "\" is not a DECIMAL(" + std::to_string(e.precision) + "," +
                                 std::to_string(e.scale) + ") value");
        }
      } else {
        return Mismatch(spec, value, "in a DECIMAL column");
      }
      if (e.type == PhysicalType::kFixedLenByteArray) {
        scratch->resize(e.type_length);
        for (int k = 0; k < e.type_length; ++k) {  // big-endian two's complement
          (*scratch)[e.type_length - 1 - k] = static_cast<char>(static_cast<uint8_t>(n >> (8 * k)));
        }
        cell->kind = Cell::Kind::kBytes;
        cell->bytes = *scratch;
      } else {
        cell->kind = Cell::Kind::kInt;
        cell->i = static_cast<int64_t>(n);
      }
      return Status::Ok();
    }
    case Conversion::kDate:
    case Conversion::kTimestamp: {
      if (value.kind() != Value::Kind::kDate && value.kind() != Value::Kind::kDateTime &&
          value.kind() != Value::Kind::kTimestamp) {
        return Mismatch(spec, value, "in a date/time column");
      }
      const DateTimeParts& p = value.datetime();
      int32_t days;
      if (!DateParts(p, &days)) return Status::Ok();  // zero or invalid date -> NULL
      cell->kind = Cell::Kind::kInt;
      if (spec.conversion == Conversion::kDate) {
        cell->i = days;
        return Status::Ok();
      }
      if (p.hour > 23 || p.minute > 59 || p.second > 59 || p.micros > 999999) {
        cell->kind = Cell::Kind::kNull;
        return Status::Ok();
      }
      int64_t seconds = int64_t{days} * 86400 + p.hour * 3600 + p.minute * 60 + p.second;
      cell->i =
          spec.timestamp_millis ? seconds * 1000 + p.micros / 1000 : seconds * 1000000 + p.micros;
      return Status::Ok();
    }
    case Conversion::kBytes:
      if (value.kind() == Value::Kind::kBytes || value.kind() == Value::Kind::kString) {
        cell->kind = Cell::Kind::kBytes;
        cell->bytes = value.text();
        return Status::Ok();
      }
      [[fallthrough]];
    case Conversion::kText:
      cell->kind = Cell::Kind::kBytes;
      if (value.kind() == Value::Kind::kString || value.kind() == Value::Kind::kDecimal) {
        cell->bytes = value.text();
      } else {
        scratch->clear();
        AppendValueText(value, type, render, scratch);
        cell->bytes = *scratch;
      }
      return Status::Ok();
  }
  return Internal("unhandled Parquet conversion");
}

}  // namespace binlake::parquet
