#include "cdc/ddl_target.h"

#include <cctype>
#include <vector>

namespace binlake {
namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  void SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        size_t end = s_.find("*/", i_ + 2);
        i_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else if (s_.substr(i_, 2) == "--" || s_[i_] == '#') {
        size_t end = s_.find('\n', i_);
        i_ = end == std::string_view::npos ? s_.size() : end + 1;
      } else {
        return;
      }
    }
  }

  // Next keyword or bare identifier, upper-cased; "" at the end or before a quoted name.
  std::string Word() {
    SkipSpaceAndComments();
    size_t start = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '$')) {
      ++i_;
    }
    std::string w(s_.substr(start, i_ - start));
    for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return w;
  }

  bool PeekWord(std::string_view upper) {
    size_t save = i_;
    bool match = Word() == upper;
    if (!match) i_ = save;
    return match;
  }

  // An identifier, backquoted or bare, case kept; "" if none.
  std::string Identifier() {
    SkipSpaceAndComments();
    if (i_ < s_.size() && s_[i_] == '`') {
      std::string id;
      ++i_;
      while (i_ < s_.size()) {
        if (s_[i_] == '`') {
          if (i_ + 1 < s_.size() && s_[i_ + 1] == '`') {
            id += '`';
            i_ += 2;
            continue;
          }
          ++i_;
          break;
        }
        id += s_[i_++];
      }
      return id;
    }
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              s_[i_] == '$' || static_cast<unsigned char>(s_[i_]) >= 0x80)) {
      ++i_;
    }
    return std::string(s_.substr(start, i_ - start));
  }

  bool Consume(char c) {
    SkipSpaceAndComments();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<DdlTarget> ParseDdlTarget(std::string_view statement,
                                        std::string_view default_schema) {
  Lexer lex(statement);
  DdlTarget t;
  t.kind = lex.Word();
  if (t.kind == "CREATE") {
    lex.PeekWord("OR") && lex.PeekWord("REPLACE");
    if (lex.PeekWord("TEMPORARY")) return std::nullopt;
  } else if (t.kind == "DROP") {
    if (lex.PeekWord("TEMPORARY")) return std::nullopt;
  } else if (t.kind == "ALTER") {
    lex.PeekWord("ONLINE");
    lex.PeekWord("IGNORE");
  } else if (t.kind != "TRUNCATE" && t.kind != "RENAME") {
    return std::nullopt;
  }
  if (!lex.PeekWord("TABLE") && t.kind != "TRUNCATE") return std::nullopt;
  if (lex.PeekWord("IF")) {
    lex.PeekWord("NOT");
    if (!lex.PeekWord("EXISTS")) return std::nullopt;
  }
  std::string first = lex.Identifier();
  if (first.empty()) return std::nullopt;
  if (lex.Consume('.')) {
    t.schema = first;
    t.table = lex.Identifier();
  } else {
    t.schema = std::string(default_schema);
    t.table = first;
  }
  if (t.table.empty() || t.schema.empty()) return std::nullopt;
  return t;
}

}  // namespace binlake
