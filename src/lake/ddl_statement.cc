#include "lake/ddl_statement.h"

#include <cctype>

#include "common/ascii.h"
#include "lake/sql_lexer.h"

namespace binlake {
namespace {

using sql::InWords;
using sql::OneOf;
using sql::Token;
using sql::Upper;

// Specs and table elements that leave the columns and the primary key alone.
// [-] digits [. digits] [e [+|-] digits], or [-] . digits ...: a number literal's text.
bool IsSqlNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  auto run = [&] {
    size_t n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++n;
    return n;
  };
  digits += run();
  if (i < s.size() && s[i] == '.') {
    ++i;
    digits += run();
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (run() == 0) return false;
  }
  return i == s.size();
}

constexpr std::string_view kIndexWords = " INDEX KEY FULLTEXT SPATIAL UNIQUE FOREIGN CHECK PERIOD ";
constexpr std::string_view kIgnoredAlterWords =
    " ENGINE AUTO_INCREMENT AVG_ROW_LENGTH DEFAULT CHARACTER CHARSET CHECKSUM COLLATE COMMENT"
    " COMPRESSION CONNECTION DATA INDEX DELAY_KEY_WRITE ENCRYPTION ENCRYPTED ENCRYPTION_KEY_ID"
    " INSERT_METHOD KEY_BLOCK_SIZE MAX_ROWS MIN_ROWS PACK_KEYS PASSWORD ROW_FORMAT"
    " STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES TABLESPACE UNION PAGE_CHECKSUM"
    " PAGE_COMPRESSED PAGE_COMPRESSION_LEVEL TRANSACTIONAL SECONDARY_ENGINE"
    " SECONDARY_ENGINE_ATTRIBUTE ENGINE_ATTRIBUTE AUTOEXTEND_SIZE ALGORITHM LOCK FORCE ENABLE"
    " DISABLE DISCARD IMPORT ORDER CONVERT WITHOUT SEQUENCE ";
// Partitioning: the rest of the statement (no column changes).
constexpr std::string_view kPartitionWords =
    " PARTITION ANALYZE COALESCE REORGANIZE EXCHANGE OPTIMIZE REBUILD REPAIR TRUNCATE REMOVE"
    " UPGRADE ";

class Parser {
 public:
  Parser(std::string_view statement, std::string_view default_schema)
      : tokens_(sql::Tokenize(statement)), default_schema_(default_schema) {}

  Result<DdlStatement> Statement() {
    DdlStatement st;
    const std::string verb = NextWord();
    if (verb == "CREATE") {
      if (Word("OR")) {
        if (!Word("REPLACE")) return Bad("CREATE OR without REPLACE");
        st.or_replace = true;
      }
      if (Word("TEMPORARY")) return Unsupported("a TEMPORARY table");
      if (!Word("TABLE")) return Unsupported("not a CREATE TABLE");
      st.if_not_exists = IfExists(/*not_exists=*/true);
      ASSIGN_OR_RETURN(TableName t, Table());
      st.tables.push_back(std::move(t));
      RETURN_IF_ERROR(CreateBody(&st));
    } else if (verb == "ALTER") {
      st.kind = DdlStatement::Kind::kAlter;
      Word("ONLINE");
      Word("IGNORE");
      if (!Word("TABLE")) return Unsupported("not an ALTER TABLE");
      IfExists(false);
      ASSIGN_OR_RETURN(TableName t, Table());
      st.tables.push_back(std::move(t));
      Wait();
      while (!AtEnd()) {
        RETURN_IF_ERROR(AlterSpec(&st));
        if (!Punct(',') && !AtEnd()) return Bad("unexpected '" + Peek().text + "'");
      }
    } else if (verb == "DROP") {
      st.kind = DdlStatement::Kind::kDrop;
      if (Word("TEMPORARY")) return Unsupported("a TEMPORARY table");
      if (!Word("TABLE") && !Word("TABLES")) return Unsupported("not a DROP TABLE");
      IfExists(false);
      do {
        ASSIGN_OR_RETURN(TableName t, Table());
        st.tables.push_back(std::move(t));
      } while (Punct(','));
    } else if (verb == "TRUNCATE") {
      st.kind = DdlStatement::Kind::kTruncate;
      Word("TABLE");
      ASSIGN_OR_RETURN(TableName t, Table());
      st.tables.push_back(std::move(t));
    } else if (verb == "RENAME") {
      st.kind = DdlStatement::Kind::kRename;
      if (!Word("TABLE") && !Word("TABLES")) return Unsupported("not a RENAME TABLE");
      IfExists(false);
      do {
        ASSIGN_OR_RETURN(TableName from, Table());
        Wait();
        if (!Word("TO")) return Bad("RENAME TABLE without TO");
        ASSIGN_OR_RETURN(TableName to, Table());
        st.renames.emplace_back(std::move(from), std::move(to));
      } while (Punct(','));
    } else {
      return Unsupported("not a table DDL");
    }
    return st;
  }

 private:
  static Status Bad(const std::string& what) { return Unsupported("cannot read it: " + what); }

  const Token& Peek(size_t ahead = 0) const {
    static const Token kEnd;
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : kEnd;
  }
  bool AtEnd() const { return Peek().kind == Token::Kind::kEnd || PeekPunct(';'); }
  bool PeekWord(std::string_view upper, size_t ahead = 0) const {
    return Peek(ahead).kind == Token::Kind::kWord && Peek(ahead).upper == upper;
  }
  bool PeekPunct(char c) const { return Peek().kind == Token::Kind::kPunct && Peek().text[0] == c; }
  bool Word(std::string_view upper) {
    if (!PeekWord(upper)) return false;
    ++pos_;
    return true;
  }
  bool Punct(char c) {
    if (!PeekPunct(c)) return false;
    ++pos_;
    return true;
  }
  // The next token's upper-cased text if it is a word ("" otherwise, not consumed).
  std::string NextWord() {
    if (Peek().kind != Token::Kind::kWord) return "";
    return tokens_[pos_++].upper;
  }
  // IF EXISTS / IF NOT EXISTS.
  bool IfExists(bool not_exists) {
    if (!PeekWord("IF")) return false;
    if (not_exists ? !(PeekWord("NOT", 1) && PeekWord("EXISTS", 2)) : !PeekWord("EXISTS", 1)) {
      return false;
    }
    pos_ += not_exists ? 3 : 2;
    return true;
  }
  // MariaDB's WAIT n | NOWAIT.
  void Wait() {
    if (Word("NOWAIT")) return;
    if (PeekWord("WAIT") && Peek(1).kind == Token::Kind::kNumber) pos_ += 2;
  }
  Result<std::string> Ident() {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kWord && t.kind != Token::Kind::kQuoted &&
        t.kind != Token::Kind::kNumber) {
      return Bad("expected a name, found '" + t.text + "'");
    }
    ++pos_;
    return t.text;
  }
  Result<TableName> Table() {
    ASSIGN_OR_RETURN(std::string first, Ident());
    TableName n;
    if (Punct('.')) {
      n.schema = std::move(first);
      ASSIGN_OR_RETURN(n.table, Ident());
    } else {
      if (default_schema_.empty()) return Bad("no database for table " + first);
      n.schema = std::string(default_schema_);
      n.table = std::move(first);
    }
    return n;
  }
  // Skips a parenthesized group (at '(').
  void SkipGroup() {
    int depth = 0;
    do {
      if (PeekPunct('(')) ++depth;
      if (PeekPunct(')')) --depth;
      ++pos_;
    } while (depth > 0 && Peek().kind != Token::Kind::kEnd);
  }
  // Skips to the ',' or ')' that ends this element or spec (not consumed), groups included.
  void SkipToEnd() {
    while (!AtEnd() && !PeekPunct(',') && !PeekPunct(')')) {
      if (PeekPunct('(')) {
        SkipGroup();
      } else {
        ++pos_;
      }
    }
  }
  // (a, b(10) DESC, ...) -> names.
  Result<std::vector<std::string>> KeyColumns() {
    while (!AtEnd() && !PeekPunct('(')) ++pos_;  // [index name] [USING BTREE]
    if (!Punct('(')) return Bad("a key without columns");
    std::vector<std::string> names;
    do {
      if (PeekPunct('(')) return Unsupported("a key on an expression");
      ASSIGN_OR_RETURN(std::string n, Ident());
      names.push_back(std::move(n));
      if (PeekPunct('(')) SkipGroup();
      Word("ASC") || Word("DESC");
    } while (Punct(','));
    if (!Punct(')')) return Bad("a key's column list does not end");
    return names;
  }

  Result<ColumnDef> ColumnDefinition(ColumnPlace* place);
  ColumnDefault DefaultClause();
  Status CreateBody(DdlStatement* st);
  Status AlterSpec(DdlStatement* st);
  Status AddColumns(DdlStatement* st, bool if_not_exists);

  std::vector<Token> tokens_;
  std::string_view default_schema_;
  size_t pos_ = 0;
};

// name type [attributes] [FIRST | AFTER c]; stops before the ',' or ')' that ends it.
Result<ColumnDef> Parser::ColumnDefinition(ColumnPlace* place) {
  ColumnDef def;
  ASSIGN_OR_RETURN(def.name, Ident());
  std::string type = NextWord();
  if (type.empty()) return Bad("column " + def.name + " has no type");
  if (type == "DOUBLE") {
    Word("PRECISION");
  } else if (type == "NATIONAL") {
    type = NextWord() == "VARCHAR" ? "VARCHAR" : "CHAR";
  } else if (type == "LONG") {
    type = Word("VARBINARY") ? "MEDIUMBLOB" : "MEDIUMTEXT";
    Word("VARCHAR") || (Word("CHAR") && Word("VARYING"));
  }
  if (OneOf(type, {"CHAR", "CHARACTER", "NCHAR"}) && Word("VARYING")) type = "VARCHAR";
  std::vector<Token> args;
  if (PeekPunct('(')) {
    const size_t start = pos_;
    SkipGroup();
    args.assign(tokens_.begin() + static_cast<std::ptrdiff_t>(start) + 1,
                tokens_.begin() + static_cast<std::ptrdiff_t>(pos_) - 1);
  }
  bool is_unsigned = false;
  bool binary_charset = false;
  while (true) {
    if (Word("UNSIGNED")) {
      is_unsigned = true;
    } else if (Word("SIGNED") || Word("ZEROFILL") || Word("ASCII") || Word("UNICODE")) {
    } else if (PeekWord("BYTE") || PeekWord("BINARY")) {
      // CHAR BYTE is BINARY; CHAR(n) BINARY is a binary collation, not a binary type.
      binary_charset = binary_charset || PeekWord("BYTE");
      ++pos_;
    } else if ((PeekWord("CHARACTER") && PeekWord("SET", 1)) || PeekWord("CHARSET") ||
               PeekWord("COLLATE")) {
      pos_ += PeekWord("CHARACTER") ? 2 : 1;
      Punct('=');
      ASSIGN_OR_RETURN(std::string charset, Ident());
      if (Upper(charset) == "BINARY") binary_charset = true;
    } else {
      break;
    }
  }
  def.type = sql::ColumnTypeOf(type, args, is_unsigned, binary_charset);
  std::string previous;
  while (!AtEnd() && !PeekPunct(',') && !PeekPunct(')')) {
    if (PeekPunct('(')) {
      SkipGroup();
      previous.clear();
      continue;
    }
    const std::string word = Peek().kind == Token::Kind::kWord ? Peek().upper : "";
    ++pos_;
    if (place != nullptr && word == "FIRST") {
      place->kind = ColumnPlace::Kind::kFirst;
    } else if (place != nullptr && word == "AFTER") {
      place->kind = ColumnPlace::Kind::kAfter;
      ASSIGN_OR_RETURN(place->after, Ident());
    } else if (word == "DEFAULT") {
      def.default_value = DefaultClause();
      previous.clear();
      continue;
    } else if (word == "NULL") {
      def.nullable = previous != "NOT";
    } else if (word == "KEY" && previous != "UNIQUE") {
      def.primary_key = true;  // KEY alone in a column definition means PRIMARY KEY
    }
    previous = word;
  }
  if (type == "SERIAL") def.nullable = false;
  return def;
}

// What follows DEFAULT (consumed): a literal, NULL, a bit or hex literal, or an expression.
ColumnDefault Parser::DefaultClause() {
  ColumnDefault d;
  const Token& t = Peek();
  auto is_punct = [](const Token& k, char c) {
    return k.kind == Token::Kind::kPunct && k.text[0] == c;
  };
  if (t.kind == Token::Kind::kString) {
    d.kind = ColumnDefault::Kind::kLiteral;
    d.text = t.text;
    ++pos_;
    return d;
  }
  if (t.kind == Token::Kind::kWord) {
    if (t.upper == "NULL") {
      d.kind = ColumnDefault::Kind::kNull;
      ++pos_;
      return d;
    }
    if (t.upper == "TRUE" || t.upper == "FALSE") {
      d.kind = ColumnDefault::Kind::kLiteral;
      d.text = t.upper == "TRUE" ? "1" : "0";
      ++pos_;
      return d;
    }
    // _utf8mb4'text', b'0101', x'0A'
    if (Peek(1).kind == Token::Kind::kString &&
        (t.upper == "B" || t.upper == "X" || t.upper.front() == '_')) {
      d.kind = t.upper.front() == '_' ? ColumnDefault::Kind::kLiteral : ColumnDefault::Kind::kBits;
      d.hex = t.upper == "X";
      d.text = Peek(1).text;
      pos_ += 2;
      std::string bytes;
      if (d.hex && !AppendHexBytes(d.text, &bytes)) d.kind = ColumnDefault::Kind::kExpression;
      if (d.hex && d.kind == ColumnDefault::Kind::kBits) d.text = std::move(bytes);
      return d;
    }
    if (t.upper.size() > 2 && t.upper.rfind("0X", 0) == 0) {  // 0x0A
      d.kind = ColumnDefault::Kind::kBits;
      d.hex = true;
      const std::string digits = (t.upper.size() % 2 != 0 ? "0" : "") + t.upper.substr(2);
      if (!AppendHexBytes(digits, &d.text)) d.kind = ColumnDefault::Kind::kExpression;
      ++pos_;
      return d;
    }
  }
  // A number: [+|-] digits [. digits] [e [+|-] digits], split by the lexer into several tokens.
  size_t at = pos_;
  std::string number;
  auto part = [&](size_t i) -> const Token& { return Peek(i - pos_); };
  if (is_punct(Peek(), '-') || is_punct(Peek(), '+')) number += part(at++).text;
  while (true) {
    const Token& k = part(at);
    const bool exponent_sign = (is_punct(k, '-') || is_punct(k, '+')) && !number.empty() &&
                               (number.back() == 'e' || number.back() == 'E');
    const bool numeric_word = k.kind == Token::Kind::kWord && !k.text.empty() &&
                              std::isdigit(static_cast<unsigned char>(k.text.front()));
    if (k.kind == Token::Kind::kNumber || is_punct(k, '.') || exponent_sign || numeric_word) {
      number += k.text;
      ++at;
      continue;
    }
    break;
  }
  if (IsSqlNumber(number)) {
    d.kind = ColumnDefault::Kind::kLiteral;
    d.text = number.front() == '+' ? number.substr(1) : number;
    pos_ = at;
    return d;
  }
  // An expression: a word (CURRENT_TIMESTAMP, NOW(), a function call) or a parenthesized one.
  d.kind = ColumnDefault::Kind::kExpression;
  if (PeekPunct('(')) {
    const size_t start = pos_;
    SkipGroup();
    for (size_t i = start; i < pos_; ++i) d.text += tokens_[i].text;
    return d;
  }
  d.text = Peek().text;
  ++pos_;
  if (PeekPunct('(')) {
    d.text += "(...)";
    SkipGroup();
  }
  return d;
}

Status Parser::CreateBody(DdlStatement* st) {
  auto like = [&]() -> Status {
    st->kind = DdlStatement::Kind::kCreateLike;
    ASSIGN_OR_RETURN(st->like, Table());
    return Status::Ok();
  };
  if (Word("LIKE")) return like();
  if (!Punct('(')) return Unsupported("CREATE TABLE without a column list (... SELECT)");
  if (Word("LIKE")) {
    RETURN_IF_ERROR(like());
    return Punct(')') ? Status::Ok() : Bad("CREATE TABLE (LIKE ...) does not end");
  }
  do {
    const bool constraint = Word("CONSTRAINT");
    if (constraint && !PeekWord("PRIMARY") && !PeekWord("UNIQUE") && !PeekWord("FOREIGN") &&
        !PeekWord("CHECK")) {
      ++pos_;  // its name
    }
    if (PeekWord("PRIMARY") && PeekWord("KEY", 1)) {
      pos_ += 2;
      ASSIGN_OR_RETURN(st->primary_key, KeyColumns());
      SkipToEnd();
    } else if (constraint ||
               (Peek().kind == Token::Kind::kWord && InWords(kIndexWords, Peek().upper))) {
      SkipToEnd();
    } else {
      ASSIGN_OR_RETURN(ColumnDef def, ColumnDefinition(nullptr));
      if (def.primary_key) st->primary_key = {def.name};
      st->columns.push_back(std::move(def));
    }
  } while (Punct(','));
  if (!Punct(')')) return Bad("the column list does not end");
  // Table options, partitioning; rows from a SELECT would bring columns of their own.
  while (!AtEnd()) {
    if (PeekWord("SELECT") || PeekWord("AS") || PeekWord("IGNORE") || PeekWord("REPLACE")) {
      return Unsupported("CREATE TABLE ... SELECT");
    }
    if (PeekWord("WITH") && PeekWord("SYSTEM", 1)) {
      return Unsupported("a system-versioned table");
    }
    if (PeekPunct('(')) {
      SkipGroup();
    } else {
      ++pos_;
    }
  }
  return Status::Ok();
}

Status Parser::AddColumns(DdlStatement* st, bool if_not_exists) {
  if (Punct('(')) {
    do {
      AlterAction a;
      a.kind = AlterAction::Kind::kAddColumn;
      a.if_exists = if_not_exists;
      if (Peek().kind == Token::Kind::kWord &&
          (InWords(kIndexWords, Peek().upper) || PeekWord("PRIMARY") || PeekWord("CONSTRAINT"))) {
        return Unsupported("a key inside ADD (...)");
      }
      ASSIGN_OR_RETURN(a.def, ColumnDefinition(nullptr));
      st->actions.push_back(std::move(a));
    } while (Punct(','));
    return Punct(')') ? Status::Ok() : Bad("ADD (...) does not end");
  }
  AlterAction a;
  a.kind = AlterAction::Kind::kAddColumn;
  a.if_exists = if_not_exists;
  ASSIGN_OR_RETURN(a.def, ColumnDefinition(&a.place));
  st->actions.push_back(std::move(a));
  return Status::Ok();
}

Status Parser::AlterSpec(DdlStatement* st) {
  const Token& first = Peek();
  if (first.kind != Token::Kind::kWord) return Bad("unexpected '" + first.text + "'");
  const std::string word = NextWord();
  auto primary_key = [&]() -> Status {
    AlterAction a;
    a.kind = AlterAction::Kind::kAddPrimaryKey;
    ASSIGN_OR_RETURN(a.key, KeyColumns());
    st->actions.push_back(std::move(a));
    SkipToEnd();
    return Status::Ok();
  };
  if (word == "ADD") {
    if (Word("COLUMN")) return AddColumns(st, IfExists(true));
    if (PeekWord("SYSTEM")) return Unsupported("ADD SYSTEM VERSIONING");
    if (Word("CONSTRAINT")) {
      if (!PeekWord("PRIMARY") && !PeekWord("UNIQUE") && !PeekWord("FOREIGN") &&
          !PeekWord("CHECK")) {
        ++pos_;
      }
    }
    if (PeekWord("PRIMARY") && PeekWord("KEY", 1)) {
      pos_ += 2;
      return primary_key();
    }
    if (Peek().kind == Token::Kind::kWord && InWords(kIndexWords, Peek().upper)) {
      SkipToEnd();
      return Status::Ok();
    }
    if (Word("PARTITION")) {
      SkipToEnd();
      return Status::Ok();
    }
    return AddColumns(st, IfExists(true));
  }
  if (word == "DROP") {
    if (PeekWord("PRIMARY") && PeekWord("KEY", 1)) {
      pos_ += 2;
      AlterAction a;
      a.kind = AlterAction::Kind::kDropPrimaryKey;
      st->actions.push_back(std::move(a));
      return Status::Ok();
    }
    if (PeekWord("SYSTEM")) return Unsupported("DROP SYSTEM VERSIONING");
    if (Peek().kind == Token::Kind::kWord &&
        (InWords(kIndexWords, Peek().upper) || PeekWord("CONSTRAINT") || PeekWord("PARTITION"))) {
      SkipToEnd();
      return Status::Ok();
    }
    Word("COLUMN");
    AlterAction a;
    a.kind = AlterAction::Kind::kDropColumn;
    a.if_exists = IfExists(false);
    ASSIGN_OR_RETURN(a.column, Ident());
    st->actions.push_back(std::move(a));
    Word("RESTRICT") || Word("CASCADE");
    return Status::Ok();
  }
  if (word == "CHANGE" || word == "MODIFY") {
    Word("COLUMN");
    AlterAction a;
    a.kind = AlterAction::Kind::kChangeColumn;
    a.if_exists = IfExists(false);
    if (word == "CHANGE") {
      ASSIGN_OR_RETURN(a.column, Ident());
    }
    ASSIGN_OR_RETURN(a.def, ColumnDefinition(&a.place));
    if (word == "MODIFY") a.column = a.def.name;
    st->actions.push_back(std::move(a));
    return Status::Ok();
  }
  if (word == "RENAME") {
    if (Word("COLUMN")) {
      AlterAction a;
      a.kind = AlterAction::Kind::kRenameColumn;
      IfExists(false);
      ASSIGN_OR_RETURN(a.column, Ident());
      if (!Word("TO")) return Bad("RENAME COLUMN without TO");
      ASSIGN_OR_RETURN(a.new_name, Ident());
      st->actions.push_back(std::move(a));
      return Status::Ok();
    }
    if (PeekWord("INDEX") || PeekWord("KEY")) {
      SkipToEnd();
      return Status::Ok();
    }
    Word("TO") || Word("AS");
    AlterAction a;
    a.kind = AlterAction::Kind::kRenameTable;
    ASSIGN_OR_RETURN(a.new_table, Table());
    st->actions.push_back(std::move(a));
    return Status::Ok();
  }
  if (word == "ALTER") {  // ALTER [COLUMN] c SET/DROP DEFAULT, visibility; ALTER INDEX ...
    SkipToEnd();
    return Status::Ok();
  }
  if (word == "WITH") {
    if (PeekWord("SYSTEM")) return Unsupported("WITH SYSTEM VERSIONING");
    SkipToEnd();  // WITH VALIDATION
    return Status::Ok();
  }
  if (InWords(kPartitionWords, word)) {
    while (!AtEnd()) ++pos_;  // partitioning, last in the statement
    return Status::Ok();
  }
  if (InWords(kIgnoredAlterWords, word)) {
    SkipToEnd();
    return Status::Ok();
  }
  return Unsupported("an ALTER TABLE clause it does not know (" + first.text + ")");
}

}  // namespace

std::vector<TableName> DdlStatement::Names() const {
  std::vector<TableName> names = tables;
  if (kind == Kind::kCreateLike) names.push_back(like);
  for (const auto& [from, to] : renames) {
    names.push_back(from);
    names.push_back(to);
  }
  for (const AlterAction& a : actions) {
    if (a.kind == AlterAction::Kind::kRenameTable) names.push_back(a.new_table);
  }
  return names;
}

bool SameColumnName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Result<DdlStatement> ParseDdlStatement(std::string_view statement,
                                       std::string_view default_schema) {
  return Parser(statement, default_schema).Statement();
}

}  // namespace binlake
