#include "lake/sql_lexer.h"

#include <algorithm>
#include <cctype>

namespace binlake::sql {
namespace {

bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int executable = 0;  // open /*! ... */ comments
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.substr(i, 3) == "/*!" || s.substr(i, 4) == "/*M!") {
      i += s[i + 2] == '!' ? 3 : 4;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      ++executable;
    } else if (executable > 0 && s.substr(i, 2) == "*/") {
      i += 2;
      --executable;
    } else if (s.substr(i, 2) == "/*") {
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '#' ||
               (s.substr(i, 2) == "--" &&
                (i + 2 >= s.size() || std::isspace(static_cast<unsigned char>(s[i + 2]))))) {
      size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '`' || c == '\'' || c == '"') {
      Token t;
      t.kind = c == '`' ? Token::Kind::kQuoted : Token::Kind::kString;
      ++i;
      while (i < s.size()) {
        if (s[i] == c) {
          if (i + 1 < s.size() && s[i + 1] == c) {
            t.text += c;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c != '`' && s[i] == '\\' && i + 1 < s.size()) {
          const char e = s[i + 1];
          t.text += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
          i += 2;
          continue;
        }
        t.text += s[i++];
      }
      out.push_back(std::move(t));
    } else if (WordChar(c)) {
      size_t start = i;
      while (i < s.size() && WordChar(s[i])) ++i;
      Token t;
      t.text = std::string(s.substr(start, i - start));
      bool digits = true;
      for (char d : t.text) digits = digits && std::isdigit(static_cast<unsigned char>(d));
      t.kind = digits ? Token::Kind::kNumber : Token::Kind::kWord;
      if (!digits) t.upper = Upper(t.text);
      out.push_back(std::move(t));
    } else {
      Token t;
      t.kind = Token::Kind::kPunct;
      t.text = std::string(1, c);
      out.push_back(std::move(t));
      ++i;
    }
  }
  return out;
}

bool OneOf(const std::string& upper, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (upper == w) return true;
  }
  return false;
}

bool InWords(std::string_view words, const std::string& upper) {
  if (upper.empty()) return false;
  for (size_t at = words.find(upper); at != std::string_view::npos;
       at = words.find(upper, at + 1)) {
    if (at > 0 && words[at - 1] == ' ' && at + upper.size() < words.size() &&
        words[at + upper.size()] == ' ') {
      return true;
    }
  }
  return false;
}

namespace {

uint32_t Arg(const std::vector<Token>& args, size_t i, uint32_t fallback) {
  size_t seen = 0;
  for (const Token& t : args) {
    if (t.kind != Token::Kind::kNumber) continue;
    if (seen++ == i) return static_cast<uint32_t>(std::stoul(t.text.substr(0, 9)));
  }
  return fallback;
}

}  // namespace

std::optional<ColumnType> ColumnTypeOf(const std::string& name, const std::vector<Token>& args,
                                       bool is_unsigned, bool binary_charset) {
  ColumnType t;
  t.is_unsigned = is_unsigned;
  using S = SqlType;
  auto is = [&](std::initializer_list<std::string_view> words) { return OneOf(name, words); };
  if (is({"TINYINT", "INT1", "BOOL", "BOOLEAN"})) {
    t.type = S::kTinyInt;
  } else if (is({"SMALLINT", "INT2"})) {
    t.type = S::kSmallInt;
  } else if (is({"MEDIUMINT", "INT3", "MIDDLEINT"})) {
    t.type = S::kMediumInt;
  } else if (is({"INT", "INTEGER", "INT4"})) {
    t.type = S::kInt;
  } else if (is({"BIGINT", "INT8"})) {
    t.type = S::kBigInt;
  } else if (name == "SERIAL") {
    t.type = S::kBigInt;
    t.is_unsigned = true;
  } else if (is({"DECIMAL", "DEC", "NUMERIC", "FIXED"})) {
    t.type = S::kDecimal;
    t.precision = static_cast<uint8_t>(Arg(args, 0, 10));
    t.scale = static_cast<uint8_t>(Arg(args, 1, 0));
  } else if (is({"FLOAT", "FLOAT4"})) {
    t.type = Arg(args, 0, 0) > 24 ? S::kDouble : S::kFloat;
  } else if (is({"DOUBLE", "REAL", "FLOAT8"})) {
    t.type = S::kDouble;
  } else if (name == "BIT") {
    t.type = S::kBit;
    t.length = Arg(args, 0, 1);
  } else if (name == "YEAR") {
    t.type = S::kYear;
  } else if (name == "DATE") {
    t.type = S::kDate;
  } else if (is({"TIME", "DATETIME", "TIMESTAMP"})) {
    t.type = name == "TIME" ? S::kTime : name == "DATETIME" ? S::kDateTime : S::kTimestamp;
    t.fsp = static_cast<uint8_t>(std::min<uint32_t>(Arg(args, 0, 0), 6));
  } else if (is({"CHAR", "CHARACTER", "NCHAR"})) {
    t.type = binary_charset ? S::kBinary : S::kChar;
    t.length = Arg(args, 0, 1);
  } else if (is({"VARCHAR", "NVARCHAR", "VARCHAR2"})) {
    t.type = binary_charset ? S::kVarBinary : S::kVarChar;
    t.length = Arg(args, 0, 0);
  } else if (is({"TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT"})) {
    t.type = binary_charset ? S::kBlob : S::kText;
  } else if (name == "BINARY") {
    t.type = S::kBinary;
    t.length = Arg(args, 0, 1);
  } else if (name == "VARBINARY") {
    t.type = S::kVarBinary;
    t.length = Arg(args, 0, 0);
  } else if (is({"TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB"})) {
    t.type = S::kBlob;
  } else if (is({"ENUM", "SET"})) {
    t.type = name == "ENUM" ? S::kEnum : S::kSet;
    for (const Token& a : args) {
      if (a.kind == Token::Kind::kString) t.elements.push_back(a.text);
    }
  } else if (name == "JSON") {
    t.type = S::kJson;
  } else if (is({"GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
                 "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION"})) {
    t.type = S::kGeometry;
  } else if (name == "VECTOR") {
    t.type = S::kVector;
    t.length = Arg(args, 0, 0);
  } else if (is({"UUID", "INET4", "INET6"})) {
    t.type = S::kChar;  // as the full load renders them (source/catalog.cc)
  } else {
    return std::nullopt;
  }
  if (t.type == S::kBinary || t.type == S::kVarBinary || t.type == S::kBlob) {
    t.collation_id = kBinaryCollationId;
  }
  return t;
}

}  // namespace binlake::sql
