#include "binlog/json_binary.h"

#include <charconv>
#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "binlog/binlog_format.h"
#include "binlog/decimal.h"
#include "binlog/temporal.h"
#include "common/render_text.h"

namespace binlake::binlog {
namespace {

enum JsonType : uint8_t {
  kSmallObject = 0,
  kLargeObject = 1,
  kSmallArray = 2,
  kLargeArray = 3,
  kLiteral = 4,
  kInt16 = 5,
  kUInt16 = 6,
  kInt32 = 7,
  kUInt32 = 8,
  kInt64 = 9,
  kUInt64 = 10,
  kDouble = 11,
  kString = 12,
  kOpaque = 15,
};

constexpr int kMaxDepth = 150;  // MySQL limits documents to depth 100

Status Bad(std::string_view what) {
  return Corruption("invalid binary JSON: " + std::string(what));
}

// Variable-length length: 7 bits per byte, low bits first, at most 5 bytes.
Status ReadVarLength(ByteView data, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int i = 0; i < 5; ++i) {
    if (*pos >= data.size()) return Bad("truncated length");
    uint8_t b = data[(*pos)++];
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = v;
      return Status::Ok();
    }
  }
  return Bad("length longer than 5 bytes");
}

template <typename T>
void AppendNumber(T v, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendJsonDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {  // not representable in JSON; MySQL never stores these
    out->append("null");
    return;
  }
  size_t start = out->size();
  AppendNumber(d, out);
  if (out->find_first_of(".eE", start) == std::string::npos) out->append(".0");
}

Status AppendOpaque(ByteView data, size_t pos, std::string* out) {
  if (pos >= data.size()) return Bad("truncated opaque value");
  uint8_t field_type = data[pos++];
  uint64_t len = 0;
  RETURN_IF_ERROR(ReadVarLength(data, &pos, &len));
  if (len > data.size() - pos) return Bad("opaque value beyond the document");
  ByteView v = data.subspan(pos, len);
  switch (static_cast<FieldType>(field_type)) {
    case FieldType::kNewDecimal: {
      if (v.size() < 2) return Bad("short decimal");
      int precision = v[0], scale = v[1];
      size_t need = DecimalBinarySize(precision, scale);
      if (need == 0 || v.size() - 2 < need) return Bad("decimal size");
      char buf[kMaxDecimalText];
      ASSIGN_OR_RETURN(size_t n, DecodeDecimal(v.data() + 2, precision, scale, buf));
      out->append(buf, n);
      return Status::Ok();
    }
    case FieldType::kDate:
    case FieldType::kDateTime:
    case FieldType::kTimestamp:
    case FieldType::kTime: {
      if (v.size() < 8) return Bad("short temporal value");
      int64_t packed = static_cast<int64_t>(LoadLe64(v.data()));
      out->push_back('"');
      if (field_type == static_cast<uint8_t>(FieldType::kTime)) {
        AppendTime(TimeFromPacked(packed), 6, out);
      } else if (field_type == static_cast<uint8_t>(FieldType::kDate)) {
        AppendDate(DateTimeFromPacked(packed), out);
      } else {
        AppendDateTime(DateTimeFromPacked(packed), 6, out);
      }
      out->push_back('"');
      return Status::Ok();
    }
    default:
      out->append("\"base64:type");
      AppendNumber(static_cast<unsigned>(field_type), out);
      out->push_back(':');
      AppendBase64(AsStringView(v), out);
      out->push_back('"');
      return Status::Ok();
  }
}

Status AppendValue(ByteView data, uint8_t type, size_t pos, int depth, std::string* out);

// `data` starts at the container (after its type byte).
Status AppendContainer(ByteView data, bool object, bool large, int depth, std::string* out) {
  if (depth > kMaxDepth) return Bad("nesting too deep");
  const size_t off_size = large ? 4 : 2;
  if (data.size() < 2 * off_size) return Bad("truncated container header");
  uint64_t count = LoadLe(data.data(), off_size);
  uint64_t size = LoadLe(data.data() + off_size, off_size);
  if (size > data.size()) return Bad("container larger than its document");
  data = data.first(size);
  const size_t key_entry = off_size + 2;
  const size_t value_entry = 1 + off_size;
  size_t header = 2 * off_size;
  if (size < header) return Bad("container smaller than its header");
  uint64_t need = (object ? count * key_entry : 0) + count * value_entry;
  if (count > size || need > size - header) return Bad("entries beyond the container");
  out->push_back(object ? '{' : '[');
  for (uint64_t i = 0; i < count; ++i) {
    if (i > 0) out->push_back(',');
    if (object) {
      const uint8_t* ke = data.data() + header + i * key_entry;
      uint64_t key_off = LoadLe(ke, off_size);
      uint16_t key_len = LoadLe16(ke + off_size);
      if (key_off > size || key_len > size - key_off) return Bad("key beyond the container");
      AppendJsonString(AsStringView(data.subspan(key_off, key_len)), out);
      out->push_back(':');
    }
    size_t ve_pos = header + (object ? count * key_entry : 0) + i * value_entry;
    uint8_t vtype = data[ve_pos];
    // Literals and small integers are inlined in the value entry.
    bool inlined = vtype == kLiteral || vtype == kInt16 || vtype == kUInt16 ||
                   (large && (vtype == kInt32 || vtype == kUInt32));
    if (inlined) {
      RETURN_IF_ERROR(AppendValue(data, vtype, ve_pos + 1, depth + 1, out));
    } else {
      uint64_t off = LoadLe(data.data() + ve_pos + 1, off_size);
      if (off >= size) return Bad("value beyond the container");
      RETURN_IF_ERROR(AppendValue(data, vtype, off, depth + 1, out));
    }
  }
  out->push_back(object ? '}' : ']');
  return Status::Ok();
}

// Appends the value of `type` stored at `pos` of `data`.
Status AppendValue(ByteView data, uint8_t type, size_t pos, int depth, std::string* out) {
  auto need = [&](size_t n) { return pos <= data.size() && data.size() - pos >= n; };
  switch (type) {
    case kSmallObject:
    case kLargeObject:
    case kSmallArray:
    case kLargeArray:
      if (pos > data.size()) return Bad("container offset");
      return AppendContainer(data.subspan(pos), type <= kLargeObject,
                             type == kLargeObject || type == kLargeArray, depth, out);
    case kLiteral:
      if (!need(1)) return Bad("truncated literal");
      switch (data[pos]) {
        case 0:
          out->append("null");
          return Status::Ok();
        case 1:
          out->append("true");
          return Status::Ok();
        case 2:
          out->append("false");
          return Status::Ok();
        default:
          return Bad("unknown literal");
      }
    case kInt16:
      if (!need(2)) return Bad("truncated int16");
      AppendNumber(static_cast<int16_t>(LoadLe16(data.data() + pos)), out);
      return Status::Ok();
    case kUInt16:
      if (!need(2)) return Bad("truncated uint16");
      AppendNumber(LoadLe16(data.data() + pos), out);
      return Status::Ok();
    case kInt32:
      if (!need(4)) return Bad("truncated int32");
      AppendNumber(static_cast<int32_t>(LoadLe32(data.data() + pos)), out);
      return Status::Ok();
    case kUInt32:
      if (!need(4)) return Bad("truncated uint32");
      AppendNumber(LoadLe32(data.data() + pos), out);
      return Status::Ok();
    case kInt64:
      if (!need(8)) return Bad("truncated int64");
      AppendNumber(static_cast<int64_t>(LoadLe64(data.data() + pos)), out);
      return Status::Ok();
    case kUInt64:
      if (!need(8)) return Bad("truncated uint64");
      AppendNumber(LoadLe64(data.data() + pos), out);
      return Status::Ok();
    case kDouble: {
      if (!need(8)) return Bad("truncated double");
      double d;
      std::memcpy(&d, data.data() + pos, 8);
      AppendJsonDouble(d, out);
      return Status::Ok();
    }
    case kString: {
      uint64_t len = 0;
      RETURN_IF_ERROR(ReadVarLength(data, &pos, &len));
      if (!need(len)) return Bad("string beyond the document");
      AppendJsonString(AsStringView(data.subspan(pos, len)), out);
      return Status::Ok();
    }
    case kOpaque:
      return AppendOpaque(data, pos, out);
    default:
      return Bad("unknown value type " + std::to_string(type));
  }
}

}  // namespace

namespace {

// True if any of the 8 bytes of `v` is < 0x20, '"' or '\\' (SWAR; bytes >= 0x80 never match).
inline bool NeedsEscape8(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  uint64_t control = (v - kOnes * 0x20) & ~v & kHigh;
  return (control | has_zero(v ^ (kOnes * '"')) | has_zero(v ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending unescaped run
  size_t i = 0;
  while (i < s.size()) {
#if defined(__SSE2__)
    if (i + 16 <= s.size()) {  // 16 bytes at a time: any byte < 0x20, '"' or '\\'?
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
      __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
      __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
      if (_mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) == 0) {
        i += 16;
        continue;
      }
    }
#endif
    if (i + 8 <= s.size()) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      if (!NeedsEscape8(v)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out->append(s.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

Status AppendJsonFromBinary(ByteView doc, std::string* out) {
  if (doc.empty()) {
    out->append("null");
    return Status::Ok();
  }
  return AppendValue(doc.subspan(1), doc[0], 0, 0, out);
}

}  // namespace binlake::binlog
