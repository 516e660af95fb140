#include "common/parse_rendered_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>

#include "common/integer_bits.h"

namespace binlake {
namespace {

constexpr size_t kExcerptBytes = 40;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A one-line, printable excerpt of untrusted text for an error message.
std::string Excerpt(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size() && i < kExcerptBytes; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\' || c == '\'') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (text.size() > kExcerptBytes) out += "...";
  return out;
}

Status Bad(const ColumnType& type, const RenderOptions& options, std::string_view text,
           std::string_view why) {
  return Corruption("not a " + RenderedTypeLabel(type, options) + " value as binlake writes it (" +
                    std::string(why) + "): '" + Excerpt(text) + "' (" +
                    std::to_string(text.size()) + " bytes)");
}

// "0" or [1-9][0-9]* that fits a uint64_t.
bool ParseCanonicalUInt(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > 20 || (s[0] == '0' && s.size() > 1)) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// A canonical uint64 or "-" and a canonical non-zero magnitude, that fits an int64_t.
bool ParseCanonicalInt(std::string_view s, int64_t* v) {
  std::string_view digits = s;
  if (!s.empty() && s[0] == '-') {
    digits.remove_prefix(1);
    if (digits == "0") return false;
  }
  if (digits.empty() || digits.size() > 19 || (digits[0] == '0' && digits.size() > 1)) {
    return false;
  }
  for (char c : digits) {
    if (!IsDigit(c)) return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Parses exactly `n` digits at s[pos].
bool FixedDigits(std::string_view s, size_t pos, size_t n, uint32_t* out) {
  if (pos > s.size() || s.size() - pos < n) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}

// The shortest-text float/double of render_text, and nothing else.
template <typename T>
bool ParseShortest(std::string_view s, T* v) {
  if (s.empty() || s.size() > 32) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  char buf[48];
  auto w = std::to_chars(buf, buf + sizeof buf, *v);
  return w.ec == std::errc() && std::string_view(buf, w.ptr - buf) == s;
}

// The accepted range of an integer column's values.
void IntegerRange(const ColumnType& t, int64_t* min, uint64_t* max) {
  const int bits = IntegerBits(t);
  if (t.is_unsigned) {
    *min = 0;
    *max = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  } else {
    *min = bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
    *max = bits == 64 ? uint64_t{std::numeric_limits<int64_t>::max()}
                      : (uint64_t{1} << (bits - 1)) - 1;
  }
}

Status ParseInteger(const ColumnType& type, std::string_view text, const RenderOptions& options,
                    Value* out) {
  int64_t min;
  uint64_t max;
  IntegerRange(type, &min, &max);
  if (type.is_unsigned) {
    uint64_t v;
    if (!ParseCanonicalUInt(text, &v)) return Bad(type, options, text, "expected digits");
    if (v > max) return Bad(type, options, text, "out of range");
    *out = Value::UInt(v);
  } else {
    int64_t v;
    if (!ParseCanonicalInt(text, &v)) return Bad(type, options, text, "expected [-]digits");
    if (v < min || (v > 0 && static_cast<uint64_t>(v) > max)) {
      return Bad(type, options, text, "out of range");
    }
    *out = Value::Int(v);
  }
  return Status::Ok();
}

// [-]int[.frac] with int "0" or without leading zeros; with a known precision, exactly `scale`
// fraction digits and at most precision - scale integer digits (as the server and the binlog
// decoder print DECIMAL).
Status ParseDecimalText(const ColumnType& type, std::string_view text, const RenderOptions& options,
                        Value* out) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  size_t int_begin = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  size_t int_digits = i - int_begin;
  if (int_digits == 0) return Bad(type, options, text, "expected [-]digits[.digits]");
  if (text[int_begin] == '0' && int_digits > 1) return Bad(type, options, text, "leading zero");
  size_t frac_digits = 0;
  bool point = false;
  if (i < text.size()) {
    if (text[i] != '.') return Bad(type, options, text, "expected [-]digits[.digits]");
    point = true;
    ++i;
    size_t frac_begin = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    frac_digits = i - frac_begin;
    if (frac_digits == 0 || i != text.size()) {
      return Bad(type, options, text, "expected [-]digits[.digits]");
    }
  }
  if (type.precision > 0) {
    if (frac_digits != type.scale || point != (type.scale > 0)) {
      return Bad(type, options, text,
                 "expected " + std::to_string(type.scale) + " digits after the point");
    }
    size_t max_int = type.precision > type.scale ? type.precision - type.scale : 0;
    bool zero_int = int_digits == 1 && text[int_begin] == '0';
    if (!zero_int && int_digits > max_int) return Bad(type, options, text, "too many digits");
  }
  *out = Value::Decimal(text);
  return Status::Ok();
}

// ".ffffff" with exactly min(fsp, 6) digits at text[pos..] to the end (nothing when fsp is 0).
bool ParseFraction(std::string_view text, size_t pos, int fsp, uint32_t* micros) {
  if (fsp > 6) fsp = 6;
  *micros = 0;
  if (fsp <= 0) return pos == text.size();
  if (text.size() - pos != static_cast<size_t>(fsp) + 1 || text[pos] != '.') return false;
  uint32_t v;
  if (!FixedDigits(text, pos + 1, fsp, &v)) return false;
  for (int k = fsp; k < 6; ++k) v *= 10;
  *micros = v;
  return true;
}

// ".fff" for an error message: the fraction a column of this precision is written with.
std::string FractionPattern(int fsp) {
  return fsp > 0 ? "." + std::string(fsp > 6 ? 6 : fsp, 'f') : std::string();
}

// "YYYY-MM-DD" at the start of `text`.
bool ParseDatePart(std::string_view text, DateTimeParts* p) {
  uint32_t y, mo, d;
  if (!FixedDigits(text, 0, 4, &y) || text.size() < 10 || text[4] != '-' ||
      !FixedDigits(text, 5, 2, &mo) || text[7] != '-' || !FixedDigits(text, 8, 2, &d)) {
    return false;
  }
  *p = DateTimeParts{
      static_cast<uint16_t>(y), static_cast<uint8_t>(mo), static_cast<uint8_t>(d), 0, 0, 0, 0};
  return true;
}

Status ParseDate(const ColumnType& type, std::string_view text, const RenderOptions& options,
                 Value* out) {
  DateTimeParts p;
  if (text.size() != 10 || !ParseDatePart(text, &p)) {
    return Bad(type, options, text, "expected YYYY-MM-DD");
  }
  if (p.month > 12 || p.day > 31) return Bad(type, options, text, "month or day out of range");
  *out = Value::Date(p.year, p.month, p.day);
  return Status::Ok();
}

Status ParseDateTime(const ColumnType& type, std::string_view text, const RenderOptions& options,
                     Value* out) {
  DateTimeParts p;
  uint32_t h, mi, s, us;
  if (!ParseDatePart(text, &p) || text.size() < 19 || text[10] != ' ' ||
      !FixedDigits(text, 11, 2, &h) || text[13] != ':' || !FixedDigits(text, 14, 2, &mi) ||
      text[16] != ':' || !FixedDigits(text, 17, 2, &s) || !ParseFraction(text, 19, type.fsp, &us)) {
    return Bad(type, options, text, "expected YYYY-MM-DD HH:MM:SS" + FractionPattern(type.fsp));
  }
  if (p.month > 12 || p.day > 31 || h > 23 || mi > 59 || s > 59) {
    return Bad(type, options, text, "field out of range");
  }
  p.hour = static_cast<uint8_t>(h);
  p.minute = static_cast<uint8_t>(mi);
  p.second = static_cast<uint8_t>(s);
  p.micros = us;
  *out = type.type == SqlType::kTimestamp ? Value::Timestamp(p) : Value::DateTime(p);
  return Status::Ok();
}

Status ParseTime(const ColumnType& type, std::string_view text, const RenderOptions& options,
                 Value* out) {
  TimeParts t;
  size_t pos = 0;
  if (!text.empty() && text[0] == '-') {
    t.negative = true;
    pos = 1;
  }
  size_t colon = text.find(':', pos);
  auto bad_format = [&] {
    return Bad(type, options, text, "expected [-]HH:MM:SS" + FractionPattern(type.fsp));
  };
  if (colon == std::string_view::npos) return bad_format();
  size_t n = colon - pos;
  // Two digits below 100 hours, the plain number from 100 on (render_text's AppendTime).
  uint32_t h, mi, s, us;
  if (n < 2 || n > 4 || (n > 2 && text[pos] == '0') || !FixedDigits(text, pos, n, &h) ||
      !FixedDigits(text, colon + 1, 2, &mi) || colon + 3 >= text.size() || text[colon + 3] != ':' ||
      !FixedDigits(text, colon + 4, 2, &s) || !ParseFraction(text, colon + 6, type.fsp, &us)) {
    return bad_format();
  }
  if (h > 838 || mi > 59 || s > 59) return Bad(type, options, text, "field out of range");
  t.hours = h;
  t.minute = static_cast<uint8_t>(mi);
  t.second = static_cast<uint8_t>(s);
  t.micros = us;
  *out = Value::Time(t);
  return Status::Ok();
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // render_text writes lowercase only
}

int Base64Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool DecodeHex(std::string_view text, std::string* out) {
  if (text.size() % 2 != 0) return false;
  out->resize(text.size() / 2);
  char* p = out->data();
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexNibble(text[i]);
    int lo = HexNibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    *p++ = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

// Canonical padded base64 (RFC 4648 alphabet): what AppendBase64 writes, the unused bits of the
// last group zero.
bool DecodeBase64(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  out->clear();
  out->reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    int s[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4 - pad; ++k) {
      s[k] = Base64Sextet(text[i + k]);
      if (s[k] < 0) return false;
    }
    uint32_t n = (static_cast<uint32_t>(s[0]) << 18) | (static_cast<uint32_t>(s[1]) << 12) |
                 (static_cast<uint32_t>(s[2]) << 6) | static_cast<uint32_t>(s[3]);
    out->push_back(static_cast<char>(n >> 16));
    if (pad == 2) {
      if ((n & 0xffff) != 0) return false;  // non-zero bits after the last byte
    } else {
      out->push_back(static_cast<char>((n >> 8) & 0xff));
      if (pad == 1) {
        if ((n & 0xff) != 0) return false;
      } else {
        out->push_back(static_cast<char>(n & 0xff));
      }
    }
  }
  return true;
}

Status ParseBinary(const ColumnType& type, std::string_view text, const RenderOptions& options,
                   Value* out, std::string* scratch) {
  if (options.binary_encoding == BinaryEncoding::kBase64) {
    if (!DecodeBase64(text, scratch)) return Bad(type, options, text, "expected padded base64");
  } else if (!DecodeHex(text, scratch)) {
    return Bad(type, options, text, "expected lowercase hex digit pairs");
  }
  *out = Value::Bytes(*scratch);
  return Status::Ok();
}

// "[f1,f2,...]": float32 values, little-endian as MySQL stores them (render_text's AppendVector).
Status ParseVector(const ColumnType& type, std::string_view text, const RenderOptions& options,
                   Value* out, std::string* scratch) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return Bad(type, options, text, "expected [f1,f2,...]");
  }
  std::string_view body = text.substr(1, text.size() - 2);
  scratch->clear();
  while (!body.empty()) {
    size_t comma = body.find(',');
    std::string_view item = body.substr(0, comma);
    float f;
    if (!ParseShortest(item, &f)) return Bad(type, options, text, "expected [f1,f2,...]");
    char bytes[4];
    std::memcpy(bytes, &f, 4);
    scratch->append(bytes, 4);
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
    if (body.empty()) return Bad(type, options, text, "expected [f1,f2,...]");  // "[1,]"
  }
  *out = Value::Bytes(*scratch);
  return Status::Ok();
}

}  // namespace

std::string RenderedTypeLabel(const ColumnType& type, const RenderOptions& options) {
  std::string label(SqlTypeName(type.type));
  for (char& c : label) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  switch (type.type) {
    case SqlType::kDecimal:
      if (type.precision > 0) {
        label += "(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
      }
      break;
    case SqlType::kBit:
      if (type.length > 0) label += "(" + std::to_string(type.length) + ")";
      break;
    case SqlType::kTime:
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      if (type.fsp > 0) label += "(" + std::to_string(type.fsp) + ")";
      break;
    default:
      break;
  }
  if (type.is_unsigned && (type.IsInteger() || type.type == SqlType::kYear)) label += " UNSIGNED";
  const bool binary_text = (type.type == SqlType::kChar || type.type == SqlType::kVarChar ||
                            type.type == SqlType::kText || type.type == SqlType::kEnum ||
                            type.type == SqlType::kSet || type.type == SqlType::kNull) &&
                           type.collation_id == kBinaryCollationId;
  if (type.IsBinary() || binary_text) {
    if (binary_text) label += " (binary collation)";
    label += options.binary_encoding == BinaryEncoding::kBase64 ? " (base64)" : " (hex)";
  }
  return label;
}

Status ParseRenderedText(const ColumnType& type, std::string_view text,
                         const RenderOptions& options, Value* out, std::string* scratch) {
  switch (type.type) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
      return ParseInteger(type, text, options, out);
    case SqlType::kYear: {
      // Four digits: render_text pads every YEAR value (0 and 1901..2155 on MySQL) to four.
      uint32_t y;
      if (text.size() != 4 || !FixedDigits(text, 0, 4, &y)) {
        return Bad(type, options, text, "expected four digits");
      }
      *out = type.is_unsigned ? Value::UInt(y) : Value::Int(y);
      return Status::Ok();
    }
    case SqlType::kDecimal:
      return ParseDecimalText(type, text, options, out);
    case SqlType::kFloat: {
      float f;
      if (!ParseShortest(text, &f)) return Bad(type, options, text, "expected shortest float text");
      *out = Value::Float(f);
      return Status::Ok();
    }
    case SqlType::kDouble: {
      double d;
      if (!ParseShortest(text, &d)) {
        return Bad(type, options, text, "expected shortest double text");
      }
      *out = Value::Double(d);
      return Status::Ok();
    }
    case SqlType::kBit: {
      uint64_t v;
      if (!ParseCanonicalUInt(text, &v)) return Bad(type, options, text, "expected digits");
      if (type.length > 0 && type.length < 64 && (v >> type.length) != 0) {
        return Bad(type, options, text, "out of range");
      }
      *out = Value::Bit(v);
      return Status::Ok();
    }
    case SqlType::kDate:
      return ParseDate(type, text, options, out);
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      return ParseDateTime(type, text, options, out);
    case SqlType::kTime:
      return ParseTime(type, text, options, out);
    case SqlType::kBinary:
    case SqlType::kVarBinary:
    case SqlType::kBlob:
    case SqlType::kGeometry:
      return ParseBinary(type, text, options, out, scratch);
    case SqlType::kVector:
      return ParseVector(type, text, options, out, scratch);
    case SqlType::kJson:
      *out = Value::Json(text);
      return Status::Ok();
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
    case SqlType::kEnum:
    case SqlType::kSet:
    case SqlType::kNull:
      // As the full load reads them (source/text_value.cc): binary-collation text is bytes.
      if (type.collation_id == kBinaryCollationId) {
        return ParseBinary(type, text, options, out, scratch);
      }
      *out = Value::String(text);
      return Status::Ok();
  }
  return Corruption("cannot parse the text of column type " +
                    std::to_string(static_cast<int>(type.type)));
}

}  // namespace binlake
