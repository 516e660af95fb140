#include "binlog/xa.h"

#include <strings.h>

#include "common/ascii.h"

namespace binlake::binlog {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Consumes `word` (case-insensitive) followed by a blank or the end.
bool ConsumeWord(std::string_view* s, std::string_view word) {
  if (s->size() < word.size() || strncasecmp(s->data(), word.data(), word.size()) != 0) {
    return false;
  }
  if (s->size() > word.size() && !IsBlank((*s)[word.size()])) return false;
  s->remove_prefix(word.size());
  *s = TrimBlanks(*s);
  return true;
}

// Reads X'<hex>' from the front of `s` into `out`.
bool ConsumeHexLiteral(std::string_view* s, std::string* out) {
  if (s->size() < 3 || ((*s)[0] != 'X' && (*s)[0] != 'x') || (*s)[1] != '\'') return false;
  size_t close = s->find('\'', 2);
  if (close == std::string_view::npos) return false;
  std::string_view hex = s->substr(2, close - 2);
  if (hex.size() % 2 != 0 || hex.size() / 2 > kXaMaxPartLength) return false;
  out->clear();
  if (!AppendHexBytes(hex, out)) return false;
  s->remove_prefix(close + 1);
  return true;
}

bool ConsumeComma(std::string_view* s) {
  *s = TrimBlanks(*s);
  if (s->empty() || s->front() != ',') return false;
  s->remove_prefix(1);
  *s = TrimBlanks(*s);
  return true;
}

// A decimal number, optionally negative, kept modulo 2^32 (see the header).
bool ConsumeFormatId(std::string_view* s, uint32_t* out) {
  bool negative = !s->empty() && s->front() == '-';
  if (negative) s->remove_prefix(1);
  size_t n = 0;
  uint64_t v = 0;
  while (n < s->size() && n < 20 && (*s)[n] >= '0' && (*s)[n] <= '9') {
    v = v * 10 + static_cast<uint64_t>((*s)[n] - '0');
    ++n;
  }
  if (n == 0 || (n < s->size() && (*s)[n] >= '0' && (*s)[n] <= '9')) return false;
  s->remove_prefix(n);
  *out = static_cast<uint32_t>(negative ? 0 - v : v);
  return true;
}

}  // namespace

std::string XaXid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  auto hex = [](const std::string& bytes) {
    std::string out = "X'";
    for (unsigned char c : bytes) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out + "'";
  };
  return hex(gtrid) + "," + hex(bqual) + "," + std::to_string(format_id);
}

Result<XaXid> ParseXaXid(std::string_view text) {
  std::string_view s = TrimBlanks(text);
  XaXid xid;
  if (!ConsumeHexLiteral(&s, &xid.gtrid) || xid.gtrid.empty() || !ConsumeComma(&s) ||
      !ConsumeHexLiteral(&s, &xid.bqual) || !ConsumeComma(&s) ||
      !ConsumeFormatId(&s, &xid.format_id) || !TrimBlanks(s).empty()) {
    return Corruption("XA transaction id \"" + std::string(text.substr(0, 300)) +
                      "\" is not in the server's form X'<gtrid hex>',X'<bqual hex>',<formatID>");
  }
  return xid;
}

Result<std::optional<XaStatement>> ParseXaStatement(std::string_view statement) {
  std::string_view s = TrimBlanks(statement);
  if (!ConsumeWord(&s, "XA")) return std::optional<XaStatement>();
  XaStatement st;
  if (ConsumeWord(&s, "START") || ConsumeWord(&s, "BEGIN")) {
    st.verb = XaVerb::kStart;
  } else if (ConsumeWord(&s, "END")) {
    st.verb = XaVerb::kEnd;
  } else if (ConsumeWord(&s, "PREPARE")) {
    st.verb = XaVerb::kPrepare;
  } else if (ConsumeWord(&s, "COMMIT")) {
    st.verb = XaVerb::kCommit;
  } else if (ConsumeWord(&s, "ROLLBACK")) {
    st.verb = XaVerb::kRollback;
  } else {
    return Corruption("unknown XA statement \"" + std::string(statement.substr(0, 100)) + "\"");
  }
  static constexpr std::string_view kOnePhase = "ONE PHASE";
  if (st.verb == XaVerb::kCommit && s.size() > kOnePhase.size() &&
      strncasecmp(s.data() + s.size() - kOnePhase.size(), kOnePhase.data(), kOnePhase.size()) ==
          0 &&
      IsBlank(s[s.size() - kOnePhase.size() - 1])) {
    st.one_phase = true;
    s.remove_suffix(kOnePhase.size());
  }
  Result<XaXid> xid = ParseXaXid(s);
  if (!xid.ok()) {
    return xid.status().WithContext("in \"" + std::string(statement.substr(0, 100)) + "\"");
  }
  st.xid = std::move(xid).value();
  return std::optional<XaStatement>(std::move(st));
}

}  // namespace binlake::binlog
