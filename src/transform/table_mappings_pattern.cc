// NamePattern: DMS table-mapping wildcards (see table_mappings.h).
#include "transform/table_mappings.h"

namespace binlake {
namespace {

// Code points that are not characters stand for bytes of invalid UTF-8, so such names still
// match byte for byte.
constexpr uint32_t kInvalidByteBase = 0x110000;

// Decodes the code point at `*pos` and advances past it.
uint32_t NextCodePoint(std::string_view s, size_t* pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = *pos;
  unsigned char b = p[i];
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    *pos = i + 1;
    return kInvalidByteBase + b;
  }
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) {
      *pos = i + 1;
      return kInvalidByteBase + b;
    }
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  *pos = i + len;
  return cp;
}

std::vector<uint32_t> Decode(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) out.push_back(NextCodePoint(s, &pos));
  return out;
}

}  // namespace

Result<NamePattern> NamePattern::Compile(std::string_view pattern) {
  NamePattern p;
  p.text_ = std::string(pattern);
  for (size_t pos = 0; pos < pattern.size();) {
    uint32_t cp = NextCodePoint(pattern, &pos);
    Token t;
    if (cp == '%') {
      p.has_percent_ = true;
      p.is_literal_ = false;
      if (!p.tokens_.empty() && p.tokens_.back().kind == Token::kAnyMany) continue;
      t.kind = Token::kAnyMany;
    } else if (cp == '_') {
      p.is_literal_ = false;
      t.kind = Token::kAnyOne;
    } else if (cp == '[') {
      std::vector<uint32_t> members;
      bool closed = false;
      while (pos < pattern.size()) {
        uint32_t m = NextCodePoint(pattern, &pos);
        if (m == ']') {
          closed = true;
          break;
        }
        members.push_back(m);
      }
      if (!closed) return InvalidArgument("unclosed '['");
      if (members.empty()) return InvalidArgument("empty set '[]'");
      t.kind = Token::kSet;
      for (size_t i = 0; i < members.size(); ++i) {
        // "a-d" is a range; '-' first or last is literal.
        if (i + 2 < members.size() && members[i + 1] == '-') {
          if (members[i] > members[i + 2]) return InvalidArgument("reversed range in '[...]'");
          t.ranges.emplace_back(members[i], members[i + 2]);
          i += 2;
        } else {
          t.ranges.emplace_back(members[i], members[i]);
        }
      }
      if (t.ranges.size() == 1 && t.ranges[0].first == t.ranges[0].second) {
        t.kind = Token::kChar;  // "[_]", "[%]": one literal character
        t.ch = t.ranges[0].first;
        t.ranges.clear();
      } else {
        p.is_literal_ = false;
      }
    } else {
      t.ch = cp;
    }
    p.tokens_.push_back(std::move(t));
  }
  return p;
}

NamePattern NamePattern::Literal(std::string_view name) {
  NamePattern p;
  p.text_ = std::string(name);
  for (size_t pos = 0; pos < name.size();) {
    Token t;
    t.ch = NextCodePoint(name, &pos);
    p.tokens_.push_back(std::move(t));
  }
  return p;
}

bool NamePattern::TokenMatches(const Token& t, uint32_t cp) const {
  switch (t.kind) {
    case Token::kChar:
      return t.ch == cp;
    case Token::kAnyOne:
      return true;
    case Token::kAnyMany:
      return false;  // handled by Matches
    case Token::kSet:
      for (const auto& [lo, hi] : t.ranges) {
        if (cp >= lo && cp <= hi) return true;
      }
      return false;
  }
  return false;
}

bool NamePattern::Matches(std::string_view name_text) const {
  // Greedy match with backtracking to the last '%': O(len(name) * len(pattern)) worst case.
  const std::vector<uint32_t> name = Decode(name_text);
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t p = 0, n = 0, star_p = kNone, star_n = 0;
  while (n < name.size()) {
    if (p < tokens_.size() && tokens_[p].kind == Token::kAnyMany) {
      star_p = p++;
      star_n = n;
    } else if (p < tokens_.size() && TokenMatches(tokens_[p], name[n])) {
      ++p;
      ++n;
    } else if (star_p != kNone) {
      p = star_p + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < tokens_.size() && tokens_[p].kind == Token::kAnyMany) ++p;
  return p == tokens_.size();
}

}  // namespace binlake
