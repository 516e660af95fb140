// TableTransform: what the mappings' transformation rules make of one source table, the same
// for the full load and CDC: the target's schema and table names (the folder its files go to),
// and its columns (each one source column, under its own or a new name; removed columns gone).
//
// How the rules combine (docs/TRANSFORMATIONS.md; DMS "Transformation rules and actions"):
//   - every rule's object-locator matches the SOURCE names: a rule renaming a table and a rule
//     removing one of its columns both name the table as it is in the source;
//   - one renaming action per object: two rules that would rename the same schema, table or
//     column are an error naming both (DMS allows one action per object);
//   - a table with any column matched by an include-column rule keeps only those columns;
//     remove-column rules remove theirs; a column both included and removed is an error;
//   - the target's primary key is the source's, renamed, when all its columns are kept, and
//     none otherwise (CDC then writes every update as a delete and an insert, as it does for a
//     table without a key, so a state built from the files stays right);
//   - errors (one line naming the rule, the table and the column): a name that becomes empty or
//     holds '/', two columns of the target with one name, a table left without columns.
//
// Thread-safety: immutable after Build; Project uses only the caller's buffer.
#pragma once

#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "transform/table_mappings.h"

namespace binlake {

class TableTransform {
 public:
  // The identity: no rule touches `source`.
  static TableTransform Identity(const TableSchema& source);
  // `mappings` may be nullptr (no rules: the identity).
  static Result<TableTransform> Build(const TableMappings* mappings, const TableSchema& source);

  // True when no rule changes the table: target() equals the source and rows pass unchanged.
  bool identity() const { return identity_; }
  const TableSchema& target() const { return target_; }
  // Target column i holds source column source_columns()[i].
  const std::vector<int>& source_columns() const { return source_columns_; }

  // The target row of a source row (one value per source column): `source_row` itself for the
  // identity, else the kept values in target order, in `*scratch` (views still point into the
  // source row's buffers).
  std::span<const Value> Project(std::span<const Value> source_row,
                                 std::vector<Value>* scratch) const;

 private:
  bool identity_ = true;
  TableSchema target_;
  std::vector<int> source_columns_;
};

// The target schema and table names of source table schema.table (schema and table rules
// only; they depend on nothing else). Errors as Build's.
Result<TableName> TargetTableName(const TableMappings* mappings, std::string_view schema,
                                  std::string_view table);

// True when some transformation rule matches schema.table (its schema, its name or one of its
// columns): the target's table may differ from the source's in name or columns.
bool RulesTouchTable(const TableMappings* mappings, std::string_view schema,
                     std::string_view table);

// Refuses two source tables mapped to one target table (DMS: "doesn't support replicating two
// source tables to a single target table"). Not thread-safe.
class TargetTableClaims {
 public:
  // OK if `target` is unclaimed or claimed by `source` itself; kInvalidArgument otherwise.
  Status Claim(const TableName& source, const TableName& target);

 private:
  std::map<std::pair<std::string, std::string>, TableName> owners_;  // target -> source
};

}  // namespace binlake
