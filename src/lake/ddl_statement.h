// ParseDdlStatement: what a DDL statement recorded in the schema history (cdc/schema_history.h,
// RecordDdl) does to the tables it names, as far as the columns, the primary key and the tables
// themselves are concerned. TablePlan (lake/table_plan.h) replays these over the history.
//
// Read (MySQL and MariaDB syntax):
//   CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t (column definitions, PRIMARY KEY (...), indexes,
//       constraints) [options]                  -> the columns, their types, the primary key
//   CREATE TABLE t LIKE s / (LIKE s)            -> s's columns and key
//   DROP TABLE [IF EXISTS] t1, t2 ...           -> every table named
//   TRUNCATE [TABLE] t
//   RENAME TABLE a TO b, c TO d ...             -> in order (a swap through a third name works)
//   ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] t spec, spec ... where a spec is
//       ADD [COLUMN] [IF NOT EXISTS] def [FIRST | AFTER c], ADD [COLUMN] (def, def ...),
//       DROP [COLUMN] [IF EXISTS] c, CHANGE [COLUMN] [IF EXISTS] c def [FIRST | AFTER c],
//       MODIFY [COLUMN] [IF EXISTS] def [FIRST | AFTER c], RENAME COLUMN a TO b,
//       ADD [CONSTRAINT [x]] PRIMARY KEY (...), DROP PRIMARY KEY, RENAME [TO | AS] t2;
//       specs that leave the columns as they are (indexes, foreign keys, checks, defaults,
//       table options, ALGORITHM/LOCK, FORCE, ORDER BY, CONVERT TO CHARACTER SET, partitioning)
//       are accepted and change nothing here.
// Names: `quoted` or bare, optionally schema-qualified (`default_schema` otherwise); comments are
// skipped, MySQL's executable comments /*!NNNNN ... */ and MariaDB's /*M!NNNNN ... */ are read.
// Anything else (CREATE TABLE ... SELECT, ADD SYSTEM VERSIONING, an unknown ALTER spec) is
// kUnsupported with a one-line reason; the caller names the statement and its position.
//
// Column types come from the definition's type (ColumnType with type, unsigned, DECIMAL
// precision/scale, fractional seconds, length, ENUM/SET labels); a type this parser does not know
// leaves `type` empty (the schema history's recorded version supplies it).
//
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"

namespace binlake {

// A column definition's DEFAULT clause.
struct ColumnDefault {
  enum class Kind {
    kNone,        // no DEFAULT clause
    kNull,        // DEFAULT NULL
    kLiteral,     // DEFAULT 'text', a number, TRUE/FALSE: `text` is the value's text
    kBits,        // DEFAULT b'0101' or x'0A' / 0x0A: `text` holds the bytes (x) or the bits as
                  // '0'/'1' characters (b)
    kExpression,  // anything else (CURRENT_TIMESTAMP, a function, (expr)): `text` names it
  };
  Kind kind = Kind::kNone;
  std::string text;
  bool hex = false;  // kBits: x'..' / 0x.. (else b'..')
};

struct ColumnDef {
  std::string name;
  std::optional<ColumnType> type;  // nullopt: a type this parser does not know
  bool nullable = true;
  bool primary_key = false;  // PRIMARY KEY (or KEY) in the definition
  ColumnDefault default_value;
};

// Where ADD / CHANGE / MODIFY put the column.
struct ColumnPlace {
  enum class Kind { kKeep, kFirst, kAfter };  // kKeep: ADD appends, CHANGE/MODIFY leave it
  Kind kind = Kind::kKeep;
  std::string after;
};

struct AlterAction {
  enum class Kind {
    kAddColumn,      // def, place, if_exists (= IF NOT EXISTS)
    kDropColumn,     // column, if_exists
    kRenameColumn,   // column -> new_name
    kChangeColumn,   // column -> def (MODIFY: def.name == column), place, if_exists
    kAddPrimaryKey,  // key
    kDropPrimaryKey,
    kRenameTable,  // new_table
  };
  Kind kind = Kind::kAddColumn;
  std::string column;
  std::string new_name;
  ColumnDef def;
  ColumnPlace place;
  std::vector<std::string> key;
  TableName new_table;
  bool if_exists = false;
};

struct DdlStatement {
  enum class Kind { kCreate, kCreateLike, kAlter, kDrop, kTruncate, kRename };
  Kind kind = Kind::kCreate;
  // CREATE / CREATE LIKE / ALTER / TRUNCATE: the table; DROP: every table named.
  std::vector<TableName> tables;
  bool if_not_exists = false;                            // CREATE
  bool or_replace = false;                               // CREATE OR REPLACE (MariaDB)
  TableName like;                                        // CREATE LIKE
  std::vector<std::pair<TableName, TableName>> renames;  // RENAME TABLE, in order
  std::vector<ColumnDef> columns;                        // CREATE
  std::vector<std::string> primary_key;                  // CREATE: column names, in key order
  std::vector<AlterAction> actions;                      // ALTER, in order

  // Every table the statement names (renames: both names).
  std::vector<TableName> Names() const;
};

Result<DdlStatement> ParseDdlStatement(std::string_view statement, std::string_view default_schema);

// Column names compare without regard to ASCII case, as MySQL compares them.
bool SameColumnName(std::string_view a, std::string_view b);

}  // namespace binlake
