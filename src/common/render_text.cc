#include "common/render_text.h"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace binlake {
namespace {

template <typename T>
void AppendNumber(T v, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// Appends `v` as exactly `width` decimal digits (v < 10^width).
void AppendPadded(uint32_t v, int width, std::string* out) {
  char buf[10];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(buf, width);
}

void AppendFraction(uint32_t micros, int fsp, std::string* out) {
  if (fsp <= 0) return;
  if (fsp > 6) fsp = 6;
  char buf[6];
  uint32_t v = micros % 1000000;
  for (int i = 5; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->push_back('.');
  out->append(buf, fsp);
}

void AppendEnumLabel(uint64_t index, const ColumnType& type, std::string* out) {
  if (index == 0) return;  // MySQL's "" error value
  if (index <= type.elements.size()) {
    out->append(type.elements[index - 1]);
  } else {
    AppendNumber(index, out);  // labels unknown (minimal metadata, no schema)
  }
}

void AppendSetLabels(uint64_t bits, const ColumnType& type, std::string* out) {
  if (type.elements.empty() && bits != 0) {
    AppendNumber(bits, out);
    return;
  }
  bool first = true;
  for (size_t i = 0; i < type.elements.size() && i < 64; ++i) {
    if ((bits >> i) & 1u) {
      if (!first) out->push_back(',');
      out->append(type.elements[i]);
      first = false;
    }
  }
}

void AppendVector(std::string_view bytes, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    float f;
    std::memcpy(&f, bytes.data() + i, 4);  // little-endian float32, as MySQL stores it
    if (i) out->push_back(',');
    AppendShortestFloat(f, out);
  }
  out->push_back(']');
}

}  // namespace

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  size_t pos = out->size();
  out->resize(pos + bytes.size() * 2);
  char* p = out->data() + pos;
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out->push_back(kAlphabet[n >> 18]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(kAlphabet[(n >> 6) & 63]);
    out->push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = b[i] << 16;
    out->push_back(kAlphabet[n >> 18]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    uint32_t n = (b[i] << 16) | (b[i + 1] << 8);
    out->push_back(kAlphabet[n >> 18]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(kAlphabet[(n >> 6) & 63]);
    out->push_back('=');
  }
}

void AppendShortestFloat(float v, std::string* out) { AppendNumber(v, out); }
void AppendShortestDouble(double v, std::string* out) { AppendNumber(v, out); }

void AppendDate(const DateTimeParts& p, std::string* out) {
  AppendPadded(p.year % 10000, 4, out);
  out->push_back('-');
  AppendPadded(p.month % 100, 2, out);
  out->push_back('-');
  AppendPadded(p.day % 100, 2, out);
}

void AppendDateTime(const DateTimeParts& p, int fsp, std::string* out) {
  AppendDate(p, out);
  out->push_back(' ');
  AppendPadded(p.hour % 100, 2, out);
  out->push_back(':');
  AppendPadded(p.minute % 100, 2, out);
  out->push_back(':');
  AppendPadded(p.second % 100, 2, out);
  AppendFraction(p.micros, fsp, out);
}

void AppendTime(const TimeParts& t, int fsp, std::string* out) {
  if (t.negative) out->push_back('-');
  if (t.hours < 100) {
    AppendPadded(t.hours, 2, out);
  } else {
    AppendNumber(t.hours, out);
  }
  out->push_back(':');
  AppendPadded(t.minute % 100, 2, out);
  out->push_back(':');
  AppendPadded(t.second % 100, 2, out);
  AppendFraction(t.micros, fsp, out);
}

bool AppendCanonicalJson(std::string_view text, std::string* out) {
  auto doc = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (doc.is_discarded()) return false;
  out->append(
      doc.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace));
  return true;
}

void AppendValueText(const Value& value, const ColumnType& type, const RenderOptions& options,
                     std::string* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kInt:
      if (type.type == SqlType::kYear && value.int_value() >= 0 && value.int_value() < 10000) {
        AppendPadded(static_cast<uint32_t>(value.int_value()), 4, out);
      } else {
        AppendNumber(value.int_value(), out);
      }
      return;
    case Value::Kind::kUInt:
      if (type.type == SqlType::kYear && value.uint_value() < 10000) {
        AppendPadded(static_cast<uint32_t>(value.uint_value()), 4, out);
      } else {
        AppendNumber(value.uint_value(), out);
      }
      return;
    case Value::Kind::kBit:
      AppendNumber(value.uint_value(), out);
      return;
    case Value::Kind::kFloat:
      AppendShortestFloat(value.float_value(), out);
      return;
    case Value::Kind::kDouble:
      AppendShortestDouble(value.double_value(), out);
      return;
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
      out->append(value.text());
      return;
    case Value::Kind::kBytes:
      if (type.type == SqlType::kVector) {
        AppendVector(value.text(), out);
      } else if (options.binary_encoding == BinaryEncoding::kBase64) {
        AppendBase64(value.text(), out);
      } else {
        AppendHex(value.text(), out);
      }
      return;
    case Value::Kind::kEnumIndex:
      AppendEnumLabel(value.uint_value(), type, out);
      return;
    case Value::Kind::kSetBits:
      AppendSetLabels(value.uint_value(), type, out);
      return;
    case Value::Kind::kDate:
      AppendDate(value.datetime(), out);
      return;
    case Value::Kind::kTime:
      AppendTime(value.time(), type.fsp, out);
      return;
    case Value::Kind::kDateTime:
    case Value::Kind::kTimestamp:
      AppendDateTime(value.datetime(), type.fsp, out);
      return;
    case Value::Kind::kJson:
      if (!AppendCanonicalJson(value.text(), out)) out->append(value.text());
      return;
  }
}

}  // namespace binlake
