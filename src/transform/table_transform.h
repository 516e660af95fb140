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
//   - add-column rules matching the table append their columns, in rule order, after the kept
//     ones; each expression is compiled once here (its errors are Build's) and evaluated per row
//     by a RowTransformer;
//   - a change-data-type rule keeps its column in place under its name with the rule's type,
//     its values computed as the expression `$column` with that type (the add-column
//     conversions); the column keeps its place in the primary key;
//   - an add-before-image-columns rule (one per table) appends, after the added columns, a
//     column prefix + name + suffix of the same type for each kept column (in target order)
//     that its column-name and column-filter let through (pk-only: key columns; non-lob: not
//     TEXT, BLOB, JSON or GEOMETRY; all), except columns retyped by change-data-type; its value
//     is the column's value before an update, NULL otherwise;
//   - data-masking rules mask a kept column's values (after a change-data-type of it), one per
//     column (transform/data_mask.h); digits-mask and digits-randomize may not mask a
//     primary-key column (the key would no longer name its row; hash-mask keeps it unique);
//   - errors (one line naming the rule, the table and the column): a name that becomes empty or
//     holds '/', two columns of the target with one name, a table left without columns, an
//     expression SQLite cannot compile or that names a column the table lacks.
//
// Thread-safety: immutable after Build, shared by threads; each thread evaluates rows with a
// RowTransformer of its own.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "transform/data_mask.h"
#include "transform/expression.h"
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
  // A target column computed by an expression over the source row: an add-column rule's, or
  // `$column` for a change-data-type rule.
  struct ComputedColumn {
    const TransformationRule* rule = nullptr;  // owned by the mappings
    std::string expression;                    // "" = NULL (add-column without an expression)
    std::string source_column;                 // change-data-type: the column converted
  };
  // Target column i holds source column source_columns()[i]; where that is kComputed, the next
  // computed column (computed(), in target order); where it is kBeforeImage, the value before an
  // update of source column before_images()[k] for the next k (add-before-image-columns).
  static constexpr int kComputed = -1;
  static constexpr int kBeforeImage = -2;
  const std::vector<int>& source_columns() const { return source_columns_; }
  const std::vector<int>& before_images() const { return before_images_; }
  // The data masking of each target column (DataMask::kNone for most), by a data-masking rule.
  struct ColumnMask {
    DataMask mask = DataMask::kNone;
    char character = '*';  // digits-mask
    const TransformationRule* rule = nullptr;
  };
  const std::vector<ColumnMask>& masks() const { return masks_; }
  bool masked(size_t target_column) const {
    return target_column < masks_.size() && masks_[target_column].mask != DataMask::kNone;
  }
  const std::vector<ComputedColumn>& computed() const { return computed_; }
  // The source table (what expressions are compiled over).
  const TableSchema& source() const { return source_; }

 private:
  bool identity_ = true;
  TableSchema source_;
  TableSchema target_;
  std::vector<int> source_columns_;
  std::vector<ComputedColumn> computed_;
  std::vector<int> before_images_;
  std::vector<ColumnMask> masks_;  // empty: no column masked
};

// Makes target rows of one table on one thread: the kept columns projected, the add-column
// expressions (transform/expression.h) evaluated with their own SQLite connection. The transform
// (and the mappings it points into) must outlive it.
class RowTransformer {
 public:
  static Result<RowTransformer> Create(const TableTransform* transform);

  // True when rows need ExpressionRow headers (the table has computed columns).
  bool needs_header() const { return !expressions_.empty(); }
  // The target row of `source_row` (one value per source column): `source_row` itself for the
  // identity; else views valid until the next Apply and while the source row's buffers live.
  // An expression that fails on this row: kInvalidArgument "rule <id>: ... (in schema.table,
  // key col=value[, ...])", naming the row by its source primary key (or "no key").
  // `before_row`: the row before an update (one value per source column), for the
  // before-image columns; empty for inserts, deletes and the full load (they are NULL then).
  Result<std::span<const Value>> Apply(std::span<const Value> source_row,
                                       const ExpressionRow& header,
                                       std::span<const Value> before_row = {});

 private:
  const TableTransform* transform_ = nullptr;
  std::vector<std::unique_ptr<CompiledExpression>> expressions_;  // per computed column
  std::vector<Value> row_;
  DataMasker masker_;
  std::vector<std::string> masked_;  // per target column: a masked value's text
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
