// TableLineage: one table's columns and primary key as TablePlan replays the schema history over
// it (lake/table_plan.h). Each column carries an id that stays with it through RENAME COLUMN,
// CHANGE, MODIFY and moves (FIRST / AFTER), and that no other column ever gets (a column dropped
// and added again under the same name is a new column): files map onto the table's columns by
// these ids.
//
// Thread-safety: a value; one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "lake/ddl_statement.h"

namespace binlake {

struct LineageColumn {
  std::string name;
  std::optional<ColumnType> type;  // nullopt: not known (a type the DDL parser does not read)
  bool nullable = true;
  int id = 0;
  // The type comes from a DDL statement; the next recorded version of the columns replaces it
  // with the binlog's own description.
  bool from_statement = false;
  // Added by ALTER TABLE ... ADD COLUMN: the rows already there got its default
  // (lake/column_default.h), as the column was declared then.
  bool added = false;
  ColumnDefault added_default;
  std::optional<ColumnType> added_type;
  bool added_nullable = true;
};

struct TableLineage {
  TableName name;
  std::string loaded_as;  // "schema.table" of the full load; "" for a table created during CDC
  std::vector<LineageColumn> columns;
  std::vector<std::string> key;  // the primary key's column names, in key order

  // The full load's table (ids 0..n-1; *next_id is advanced past them).
  static TableLineage FromSchema(const TableSchema& schema, int* next_id);
  // A CREATE TABLE's columns and key; kUnsupported (one line) for a key column it does not have.
  static Result<TableLineage> FromCreate(const TableName& name, const DdlStatement& create,
                                         int* next_id);
  // The same columns and key under new ids (CREATE TABLE ... LIKE).
  TableLineage Copy(const TableName& name, int* next_id) const;

  // Applies an ALTER TABLE's column and key actions (a RENAME TO is left to the caller). On an
  // error (one line: which column is missing or already there) nothing is changed.
  Status Alter(const std::vector<AlterAction>& actions, int* next_id);

  // Whether a recorded version (cdc/schema_history.h) has these columns: the same names in the
  // same order (ASCII case aside), or as many unnamed ones ("@1", "@2" ...: the binlog carried
  // no names). If so, Confirm takes the recorded types of the columns whose type came from a
  // statement or is not known, and the recorded spelling of the names.
  bool Matches(const std::vector<Column>& recorded) const;
  void Confirm(const std::vector<Column>& recorded);

  // The recorded columns become the table's: a column whose name (ASCII case aside) the table
  // has keeps its id, any other is new; the table's columns the record lacks are dropped, and
  // the primary key keeps the names still there.
  void AdoptByName(const std::vector<Column>& recorded, int* next_id);

  int Find(std::string_view column) const;  // index, or -1
  std::vector<int> Ids() const;
  std::string Names() const;  // "a, b, c"
  // The columns and primary key as a TableSchema (every type known; see UnknownType).
  TableSchema Schema() const;
  // The first column whose type is not known, or nullptr.
  const LineageColumn* UnknownType() const;
};

}  // namespace binlake
