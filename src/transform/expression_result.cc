// The data-type half of expression.h: DMS data types, and converting a SQLite result to the
// rule's column type.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "common/ascii.h"
#include "common/decimal_text.h"
#include "common/integer_bits.h"
#include "common/parse_rendered_text.h"
#include "common/render_text.h"
#include "source/text_value.h"
#include "transform/expression.h"
#include "transform/expression_util.h"

namespace binlake {
namespace {

// A non-negative count from a JSON number or a string of digits (DMS accepts both).
bool JsonCount(const nlohmann::json& v, uint32_t* out) {
  uint64_t n = 0;
  if (v.is_number_unsigned()) {
    n = v.get<uint64_t>();
  } else if (v.is_number_integer()) {
    return false;  // negative
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  } else {
    return false;
  }
  if (n > std::numeric_limits<uint32_t>::max()) return false;
  *out = static_cast<uint32_t>(n);
  return true;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

// "[+-]digits[.digits]" rounded half away from zero to `scale` digits, as DECIMAL(precision,
// scale) text ("-12.30", "0.00"; no "-0") in *out. False when it is not such a number or has
// more than precision-scale integer digits. *work is scratch.
bool DecimalText(std::string_view s, int precision, int scale, std::string* work,
                 std::string* out) {
  std::optional<DecimalTextParts> parts = SplitDecimalText(s);
  if (!parts) return false;
  const bool negative = parts->negative;
  std::string_view whole = parts->whole, fraction = parts->fraction;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  // work = the digits of the value times 10^scale, truncated; then rounded up when needed.
  work->assign(whole);
  const size_t kept = std::min(fraction.size(), static_cast<size_t>(scale));
  work->append(fraction.substr(0, kept));
  work->append(static_cast<size_t>(scale) - kept, '0');
  if (fraction.size() > kept && fraction[kept] >= '5') {
    size_t i = work->size();
    while (i > 0 && (*work)[i - 1] == '9') (*work)[--i] = '0';
    if (i == 0) {
      work->insert(work->begin(), '1');
    } else {
      ++(*work)[i - 1];
    }
  }
  const size_t int_digits = work->size() - static_cast<size_t>(scale);
  if (int_digits > static_cast<size_t>(precision - scale)) return false;
  const bool zero = work->find_first_not_of('0') == std::string::npos;
  out->clear();
  if (negative && !zero) out->push_back('-');
  if (int_digits == 0) out->push_back('0');
  out->append(*work, 0, int_digits);
  if (scale > 0) {
    out->push_back('.');
    out->append(*work, int_digits, std::string::npos);
  }
  return true;
}

// Drops the microseconds beyond `fsp` fractional digits.
uint32_t TruncateMicros(uint32_t micros, int fsp) {
  uint32_t unit = 1;
  for (int i = fsp; i < 6; ++i) unit *= 10;
  return micros - micros % unit;
}

}  // namespace

Result<DmsDataType> ParseDmsDataType(const nlohmann::json& j) {
  if (!j.is_object()) {
    return InvalidArgument(
        "data-type must be an object like {\"type\": \"string\", \"length\": 50}");
  }
  DmsDataType out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "type") {
      if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        return InvalidArgument("data-type \"type\" must be a non-empty string");
      }
      out.type = AsciiLower(it->get_ref<const std::string&>());
    } else if (key == "length" || key == "precision" || key == "scale") {
      uint32_t n = 0;
      if (!JsonCount(*it, &n) || (key != "length" && n > 1000)) {
        return InvalidArgument("data-type \"" + key + "\" must be a non-negative integer, not " +
                               EscapedExcerpt(it->dump()));
      }
      if (key == "length") out.length = n;
      if (key == "precision") out.precision = static_cast<int>(n);
      if (key == "scale") out.scale = static_cast<int>(n);
    } else {
      return InvalidArgument("data-type has an unknown key \"" + EscapedExcerpt(key) +
                             "\" (expected type, length, precision, scale)");
    }
  }
  if (out.type.empty()) return InvalidArgument("data-type lacks \"type\"");
  return out;
}

Result<ColumnType> ColumnTypeForDmsDataType(const DmsDataType& d) {
  ColumnType t;
  const std::string& n = d.type;
  static constexpr std::pair<std::string_view, SqlType> kIntegers[] = {
      {"int1", SqlType::kTinyInt},
      {"int2", SqlType::kSmallInt},
      {"int4", SqlType::kInt},
      {"int8", SqlType::kBigInt},
  };
  for (const auto& [name, type] : kIntegers) {
    if (n == name || (n.size() == 5 && n[0] == 'u' && n.substr(1) == name)) {
      t.type = type;
      t.is_unsigned = n[0] == 'u';
      return t;
    }
  }
  if (n == "string" || n == "wstring") {
    t.type = d.length > 0 ? SqlType::kVarChar : SqlType::kText;
    t.length = d.length;
  } else if (n == "numeric") {
    const int scale = d.scale < 0 ? 0 : d.scale;
    if (d.precision < 1 || d.precision > 65 || scale > 30 || scale > d.precision) {
      return InvalidArgument(
          "data-type numeric needs a precision from 1 to 65 and a scale from 0 to 30 and at most "
          "the precision, not (" +
          std::to_string(d.precision) + "," + std::to_string(d.scale) + ")");
    }
    t.type = SqlType::kDecimal;
    t.precision = static_cast<uint8_t>(d.precision);
    t.scale = static_cast<uint8_t>(scale);
  } else if (n == "real4" || n == "real8") {
    t.type = n == "real4" ? SqlType::kFloat : SqlType::kDouble;
  } else if (n == "date") {
    t.type = SqlType::kDate;
  } else if (n == "time" || n == "datetime") {
    const int fsp = d.scale >= 0 ? d.scale : (d.precision >= 0 ? d.precision : 0);
    if (fsp > 9) {
      return InvalidArgument("data-type " + n + " has fractional precision " + std::to_string(fsp) +
                             "; DMS allows 0 to 9");
    }
    t.type = n == "time" ? SqlType::kTime : SqlType::kDateTime;
    t.fsp = static_cast<uint8_t>(std::min(fsp, 6));
  } else if (n == "boolean") {
    t.type = SqlType::kTinyInt;
    t.length = 1;
  } else if (n == "bytes" || n == "blob") {
    t.type = SqlType::kBlob;
    t.length = d.length;
  } else if (n == "clob" || n == "nclob") {
    t.type = SqlType::kText;
  } else {
    return InvalidArgument("data-type \"" + EscapedExcerpt(n) +
                           "\" is not a DMS type binlake writes (string, wstring, int1, int2, "
                           "int4, int8, uint1, uint2, uint4, uint8, numeric, real4, real8, date, "
                           "time, datetime, boolean, bytes, blob, clob, nclob)");
  }
  return t;
}

Result<Value> CompiledExpression::ConvertResult() {
  const int kind = sqlite3_column_type(stmt_, 0);
  if (kind == SQLITE_NULL) return Value::Null();
  const ColumnType& t = result_type_;
  auto fail = [&](std::string_view why = {}) -> Status {
    std::string shown;
    if (kind == SQLITE_BLOB) {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt_, 0));
      std::string hex;
      AppendHex(std::string_view(p ? p : "", sqlite3_column_bytes(stmt_, 0)).substr(0, 16), &hex);
      shown = "x'" + hex + "'";
    } else {
      const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, 0));
      shown = EscapedExcerpt(std::string_view(p ? p : "", sqlite3_column_bytes(stmt_, 0)));
      if (kind == SQLITE_TEXT) shown = "'" + shown + "'";
    }
    return Fail("the expression's result " + shown + " does not convert to " +
                RenderedTypeLabel(t, RenderOptions{}) + (why.empty() ? "" : ": ") +
                std::string(why));
  };
  auto text = [&]() {
    const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, 0));
    return std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt_, 0)));
  };

  if (t.IsInteger() || t.type == SqlType::kYear || t.type == SqlType::kBit) {
    __int128 v = 0;
    if (kind == SQLITE_INTEGER) {
      v = sqlite3_column_int64(stmt_, 0);
    } else if (kind == SQLITE_FLOAT) {
      const double d = sqlite3_column_double(stmt_, 0);
      if (!std::isfinite(d) || d != std::trunc(d) || d < -0x1p63 || d >= 0x1p64) {
        return fail("not a whole number");
      }
      v = d < 0 ? static_cast<__int128>(static_cast<int64_t>(d))
                : static_cast<__int128>(static_cast<uint64_t>(d));
    } else if (kind == SQLITE_TEXT) {
      std::string_view s = text();
      int64_t i = 0;
      uint64_t u = 0;
      if (auto r = std::from_chars(s.data(), s.data() + s.size(), i);
          !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        v = i;
      } else if (auto r2 = std::from_chars(s.data(), s.data() + s.size(), u);
                 !s.empty() && r2.ec == std::errc() && r2.ptr == s.data() + s.size()) {
        v = u;
      } else {
        return fail("not an integer");
      }
    } else {
      return fail();
    }
    __int128 lo, hi;
    if (t.type == SqlType::kBit) {
      const int bits = t.length > 0 && t.length < 64 ? static_cast<int>(t.length) : 64;
      lo = 0;
      hi = (static_cast<__int128>(1) << bits) - 1;
    } else if (t.type == SqlType::kYear) {
      lo = 0;
      hi = 2155;
      if (v > 0 && v < 1901) return fail("out of range");
    } else {
      const int bits = IntegerBits(t);
      lo = t.is_unsigned ? 0 : -(static_cast<__int128>(1) << (bits - 1));
      hi = t.is_unsigned ? (static_cast<__int128>(1) << bits) - 1
                         : (static_cast<__int128>(1) << (bits - 1)) - 1;
    }
    if (v < lo || v > hi) return fail("out of range");
    if (t.type == SqlType::kBit) return Value::Bit(static_cast<uint64_t>(v));
    if (t.is_unsigned) return Value::UInt(static_cast<uint64_t>(v));
    return Value::Int(static_cast<int64_t>(v));
  }

  switch (t.type) {
    case SqlType::kDecimal: {
      char buf[512];
      std::string_view s;
      if (kind == SQLITE_INTEGER) {
        auto r = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(stmt_, 0));
        s = std::string_view(buf, static_cast<size_t>(r.ptr - buf));
      } else if (kind == SQLITE_FLOAT) {
        const double d = sqlite3_column_double(stmt_, 0);
        const int n = std::isfinite(d) ? std::snprintf(buf, sizeof buf, "%.*f", t.scale, d) : -1;
        if (n < 0 || n >= static_cast<int>(sizeof buf)) return fail("out of range");
        s = std::string_view(buf, static_cast<size_t>(n));
      } else if (kind == SQLITE_TEXT) {
        s = text();
      } else {
        return fail();
      }
      if (!DecimalText(s, t.precision, t.scale, &work_, &result_)) {
        return fail("not a number with at most " + std::to_string(t.precision - t.scale) +
                    " integer digits");
      }
      return Value::Decimal(result_);
    }
    case SqlType::kFloat:
    case SqlType::kDouble: {
      double d = 0;
      if (kind == SQLITE_INTEGER || kind == SQLITE_FLOAT) {
        d = sqlite3_column_double(stmt_, 0);
      } else if (kind == SQLITE_TEXT) {
        std::string_view s = text();
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
          return fail("not a number");
        }
      } else {
        return fail();
      }
      if (!std::isfinite(d)) return fail("not finite");
      if (t.type == SqlType::kDouble) return Value::Double(d);
      if (std::fabs(d) > std::numeric_limits<float>::max()) return fail("out of range");
      return Value::Float(static_cast<float>(d));
    }
    case SqlType::kDate:
    case SqlType::kDateTime:
    case SqlType::kTimestamp: {
      DateTimeParts p;
      if (kind != SQLITE_TEXT || !ParseDateTimeText(text(), &p) || p.month > 12 || p.day > 31 ||
          p.hour > 23 || p.minute > 59 || p.second > 59) {
        return fail("not a date text 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]'");
      }
      if (t.type == SqlType::kDate) return Value::Date(p.year, p.month, p.day);
      p.micros = TruncateMicros(p.micros, t.fsp);
      return t.type == SqlType::kDateTime ? Value::DateTime(p) : Value::Timestamp(p);
    }
    case SqlType::kTime: {
      TimeParts tp;
      if (kind != SQLITE_TEXT || !ParseTimeText(text(), &tp) || tp.hours > 838 || tp.minute > 59 ||
          tp.second > 59) {
        return fail("not a time text '[-]H:MM:SS[.ffffff]' up to 838 hours");
      }
      tp.micros = TruncateMicros(tp.micros, t.fsp);
      return Value::Time(tp);
    }
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kGeometry:
    case SqlType::kVector: {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt_, 0));
      result_.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt_, 0)));
      if (t.length > 0 && t.type != SqlType::kVector && result_.size() > t.length) {
        return fail("longer than " + std::to_string(t.length) + " bytes");
      }
      return Value::Bytes(result_);
    }
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
    case SqlType::kEnum:
    case SqlType::kSet:
    case SqlType::kJson: {
      const bool binary = t.collation_id == kBinaryCollationId;
      if (kind == SQLITE_BLOB) {
        const char* p = static_cast<const char*>(sqlite3_column_blob(stmt_, 0));
        result_.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt_, 0)));
        if (!binary && !ValidUtf8(result_)) return fail("bytes that are not UTF-8");
      } else {
        result_.assign(text());
      }
      if (t.length > 0 && (t.type == SqlType::kChar || t.type == SqlType::kVarChar)) {
        const size_t n = binary ? result_.size() : CountCodePoints(result_);
        if (n > t.length) {
          return fail("longer than " + std::to_string(t.length) + " characters");
        }
      } else if (t.length > 0 && t.type == SqlType::kText && result_.size() > t.length) {
        return fail("longer than " + std::to_string(t.length) + " bytes");
      }
      if (binary) return Value::Bytes(result_);
      return t.type == SqlType::kJson ? Value::Json(result_) : Value::String(result_);
    }
    default:
      return fail();
  }
}

}  // namespace binlake
