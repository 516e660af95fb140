// TablePlan: which files of a target make up one table as of a committed point, in the order
// their rows apply, and how each file's columns map onto the table's columns at that point.
// Built from the target's own state: the full load (_binlake/full_load.json), the commit log
// (cdc/commit_log.h) and the schema history (cdc/schema_history.h). The merge engine
// (lake/merge_engine.h) reads the files a plan names; it never decides which files count.
//
// A plan covers the commits in (from, upto]: from = 0 includes the full load's LOAD files, a
// later `from` only the CDC files committed after it (an incremental advance). With a partial
// batch (AsOf::partial, a point inside batch upto+1 cut at a transaction), the plan goes on with
// that batch's files, each limited to its first rows (PlanFile::max_rows; files with none taken
// are left out), and the DDL statements up to the end of its last transaction taken.
// Steps apply in order. kTruncate empties the table as of that step (TRUNCATE TABLE); the rows
// of every earlier step are gone.
//
// DDL (docs/MATERIALIZE.md, "Tables and DDL"): the DDL statements of the schema history in
// [snapshot, upto) are replayed in binlog order over the full load's tables (lake/ddl_statement.h,
// lake/table_lineage.h), and every file is placed among them by where its rows begin
// (CdcFile::first; a CDC file never spans a DDL). So:
//   - ADD / DROP / CHANGE / MODIFY / RENAME COLUMN: a file's columns map by column, through every
//     rename, onto the columns as of `upto` (-1 for one added after the file: NULL, not its
//     DEFAULT; a dropped column is not mapped; re-added, it is a new column). The schema's
//     columns, types and primary key are those as of `upto` (types: the binlog's, from the
//     version CDC recorded with the table's next row; the statement's until then).
//   - TRUNCATE TABLE: a kTruncate step at its place (only within (from, upto]).
//   - DROP TABLE: the table is left out; a later CREATE TABLE of the name (or CREATE ... LIKE)
//     starts a new table (loaded_as ""; for from > 0 a kTruncate first when created after
//     `from`) from the CDC files after it. A table created during CDC is planned the same way.
//   - RENAME TABLE (pairs in order, swaps too), ALTER TABLE ... RENAME TO: the table goes on under
//     the new name with the steps it had; loaded_as keeps the full load's name (for from > 0 the
//     plan does not say which name the table had at `from`).
//   - Each recorded version of the columns must match the replayed columns (names in order, or
//     as many unnamed "@n" ones); otherwise, or for a statement that cannot be read, kUnsupported
//     naming the statement (shortened, one line) and its position, if the table exists as of
//     `upto` and is selected (a table dropped by then does not need it).
// Binlog positions order statements and files only on one server: a target with DDL records
// whose checkpoints up to `upto` name two servers (a failover) is kUnsupported.
// Files of a table no plan knows (not in the full load, not created by a recorded CREATE) are
// left out. A file of a checkpoint written before CdcFile::first existed is placed at the start
// of its batch; when a DDL on its table falls in that batch, that is kUnsupported.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "lake/lake_reader.h"
#include "store/object_store.h"

namespace binlake {

struct PlanFile {
  std::string key;          // the object in the target
  bool cdc = false;         // a CDC file (Op, then the extra columns) or a LOAD file
  uint64_t checkpoint = 0;  // the commit that published it; 0 for LOAD files
  // Only the file's first rows count (a file of a batch cut inside, AsOf::partial).
  uint64_t max_rows = kAllRows;
  static constexpr uint64_t kAllRows = UINT64_MAX;
  // How many of the table's columns the file's rows carry (after Op and the extra columns).
  size_t data_columns = 0;
  // For each column of the plan's schema: its index among the file's data columns, or -1 when
  // the file has no such column (added later: the row reads NULL there).
  std::vector<int> columns;
  bool identity() const;  // columns == 0, 1, ..., data_columns - 1
};

struct PlanStep {
  enum class Kind { kFile, kTruncate };
  Kind kind = Kind::kFile;
  PlanFile file;  // kFile
};

struct TablePlan {
  TableSchema schema;           // the table as of `upto`: name, columns, primary key
  std::string loaded_as;        // "schema.table" the full load wrote it as (differs after RENAME;
                                // "" for a table created during CDC)
  std::vector<PlanStep> steps;  // in the order their rows apply
  // For each column of `schema`: what a file without it (written before ALTER TABLE ... ADD
  // COLUMN added it) reads there, as the full load renders it (lake/column_default.h); nullopt:
  // NULL.
  std::vector<std::optional<std::string>> absent;
};

using TableSelector = std::function<bool(const std::string& schema, const std::string& table)>;

// Every table that exists as of checkpoint `upto` (and that `select` selects, by its name as of
// `upto`; nullptr: every table), with the steps of commits (from, upto]: the full load's tables
// in its order, then those created during CDC in creation order. Tables dropped by then are left
// out. Errors (one line): kUnsupported for a DDL that cannot be interpreted (names it and its
// position), older files that cannot be placed, or PreserveTransactions files; kCorruption for a
// missing or unreadable schema-history record; kInvalidArgument for commits the history lacks.
// `partial` (may be nullptr): batch upto + 1 in part.
Result<std::vector<TablePlan>> PlanTables(ObjectStore& store, const Lake& lake, uint64_t from,
                                          uint64_t upto, const TableSelector& select,
                                          const PartialBatch* partial = nullptr);

}  // namespace binlake
