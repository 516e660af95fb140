// A small SQL lexer for the DDL statements TablePlan replays (lake/ddl_statement.h), and the
// ColumnType a column definition's type names.
//
// Tokens: words (identifiers and keywords, upper-cased copy kept), `quoted` names, 'strings' and
// "strings" (unescaped: doubled quotes, backslash escapes), numbers, punctuation. Comments
// (-- , #, /* */) are dropped; the contents of MySQL's executable comments /*!NNNNN ... */ and
// MariaDB's /*M!NNNNN ... */ are kept, as the server executes them.
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"

namespace binlake::sql {

struct Token {
  enum class Kind { kEnd, kWord, kQuoted, kString, kNumber, kPunct };
  Kind kind = Kind::kEnd;
  std::string text;   // a word as written, a quoted name or string unescaped, a punctuation char
  std::string upper;  // kWord: upper-cased
};

std::vector<Token> Tokenize(std::string_view statement);

std::string Upper(std::string_view s);
// Whether `upper` is one of `words`.
bool OneOf(const std::string& upper, std::initializer_list<std::string_view> words);
// Whether `upper` is one of the space-separated `words` (" A B C ").
bool InWords(std::string_view words, const std::string& upper);

// The ColumnType of a definition's type: `name` upper-cased with multi-word names folded
// (DOUBLE PRECISION -> DOUBLE, CHARACTER VARYING -> VARCHAR ...), `args` the tokens inside its
// parentheses, UNSIGNED, and CHARACTER SET binary (or BYTE). nullopt for a type it does not know.
std::optional<ColumnType> ColumnTypeOf(const std::string& name, const std::vector<Token>& args,
                                       bool is_unsigned, bool binary_charset);

}  // namespace binlake::sql
