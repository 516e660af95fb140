#include "binlog/charset.h"

#include <errno.h>
#include <mysql.h>

#include <array>
#include <cstring>
#include <mutex>

namespace binlake::binlog {
namespace {

struct IconvName {
  const char* mysql;
  const char* iconv;
};

// MySQL charset name -> glibc iconv name. Charsets missing here (dec8, swe7, keybcs2, ...) fall
// back to TextEncoding::kUnknown.
constexpr IconvName kIconvNames[] = {
    {"big5", "BIG5"},          {"latin2", "ISO-8859-2"},   {"cp850", "CP850"},
    {"hp8", "HP-ROMAN8"},      {"koi8r", "KOI8-R"},        {"ujis", "EUC-JP"},
    {"sjis", "SHIFT_JIS"},     {"hebrew", "ISO-8859-8"},   {"tis620", "TIS-620"},
    {"euckr", "EUC-KR"},       {"koi8u", "KOI8-U"},        {"gb2312", "GB2312"},
    {"greek", "ISO-8859-7"},   {"cp1250", "CP1250"},       {"gbk", "GBK"},
    {"latin5", "ISO-8859-9"},  {"armscii8", "ARMSCII-8"},  {"ucs2", "UCS-2BE"},
    {"cp866", "CP866"},        {"macroman", "MACINTOSH"},  {"cp852", "CP852"},
    {"latin7", "ISO-8859-13"}, {"cp1251", "CP1251"},       {"utf16", "UTF-16BE"},
    {"utf16le", "UTF-16LE"},   {"cp1256", "CP1256"},       {"cp1257", "CP1257"},
    {"utf32", "UTF-32BE"},     {"geostd8", "GEORGIAN-PS"}, {"cp932", "CP932"},
    {"eucjpms", "EUC-JP-MS"},  {"gb18030", "GB18030"},
};

// U+0080..U+009F images of Windows-1252 bytes 0x80..0x9F as MySQL's latin1 defines them.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

CharsetInfo Resolve(uint32_t collation_id) {
  CharsetInfo info;
  if (collation_id == 0) return info;
  const MARIADB_CHARSET_INFO* cs = mariadb_get_charset_by_nr(collation_id);
  if (cs == nullptr || cs->csname == nullptr) return info;
  std::string_view name = cs->csname;
  info.name = name;
  info.mbmaxlen = static_cast<uint8_t>(cs->char_maxlen == 0 ? 1 : cs->char_maxlen);
  if (name == "utf8mb4" || name == "utf8mb3" || name == "utf8" || name == "ascii") {
    info.encoding = TextEncoding::kUtf8;
  } else if (name == "binary") {
    info.encoding = TextEncoding::kBinary;
  } else if (name == "latin1") {
    info.encoding = TextEncoding::kLatin1;
  } else {
    for (const IconvName& n : kIconvNames) {
      if (name == n.mysql) {
        info.encoding = TextEncoding::kIconv;
        info.iconv_name = n.iconv;
      }
    }
  }
  return info;
}

}  // namespace

CharsetInfo CharsetOfCollation(uint32_t collation_id) {
  // Collation ids are < 4096 in both servers; cache the lookups (the library scans a table).
  static std::array<CharsetInfo, 4096> cache;
  static std::array<bool, 4096> done{};
  static std::mutex mu;
  if (collation_id >= cache.size()) return Resolve(collation_id);
  std::lock_guard<std::mutex> lock(mu);
  if (!done[collation_id]) {
    cache[collation_id] = Resolve(collation_id);
    done[collation_id] = true;
  }
  return cache[collation_id];
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n) return false;
    for (size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string_view Latin1ToUtf8(std::string_view in, ScratchArena* arena) {
  size_t cap = in.size() * 3;
  char* out = arena->Allocate(cap);
  char* o = out;
  for (unsigned char c : in) {
    uint32_t cp = c < 0x80 ? c : c < 0xA0 ? kCp1252High[c - 0x80] : c;
    if (cp < 0x80) {
      *o++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  size_t used = static_cast<size_t>(o - out);
  arena->Shrink(cap, used);
  return {out, used};
}

IconvCache::~IconvCache() {
  for (auto& [name, cd] : open_) iconv_close(cd);
}

Result<std::string_view> IconvCache::ToUtf8(const char* from, std::string_view in,
                                            ScratchArena* arena) {
  auto it = open_.find(from);
  if (it == open_.end()) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      return Unsupported(std::string("iconv cannot convert from ") + from);
    }
    it = open_.emplace(from, cd).first;
  }
  iconv_t cd = it->second;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  size_t cap = in.size() * 4 + 4;
  char* out = arena->Allocate(cap);
  char* inbuf = const_cast<char*>(in.data());
  size_t inleft = in.size();
  char* outbuf = out;
  size_t outleft = cap;
  if (iconv(cd, &inbuf, &inleft, &outbuf, &outleft) == static_cast<size_t>(-1)) {
    arena->Shrink(cap, 0);
    return Corruption(std::string("invalid ") + from + " text (" + std::strerror(errno) + ")");
  }
  size_t used = cap - outleft;
  arena->Shrink(cap, used);
  return std::string_view(out, used);
}

}  // namespace binlake::binlog
