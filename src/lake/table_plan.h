// TablePlan: which files of a target make up one table as of a committed point, in the order
// their rows apply, and how each file's columns map onto the table's columns at that point.
// Built from the target's own state: the full load (_binlake/full_load.json), the commit log
// (cdc/commit_log.h) and the schema history (cdc/schema_history.h). The merge engine
// (lake/merge_engine.h) reads the files a plan names; it never decides which files count.
//
// A plan covers the commits in (from, upto]: from = 0 includes the full load's LOAD files, a
// later `from` only the CDC files committed after it (an incremental advance).
// Steps apply in order. kTruncate empties the table as of that step (TRUNCATE TABLE); the rows
// of every earlier step are gone.
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
  std::string loaded_as;        // "schema.table" the full load wrote it as (differs after RENAME)
  std::vector<PlanStep> steps;  // in the order their rows apply
};

using TableSelector = std::function<bool(const std::string& schema, const std::string& table)>;

// Every table that exists as of checkpoint `upto` (and that `select` selects, by its name as of
// `upto`; nullptr: every table), with the steps of commits (from, upto]. Tables dropped by then
// are left out. Errors (one line): kUnsupported for a DDL that cannot be interpreted (names it
// and its position) or PreserveTransactions files; kCorruption for a missing or unreadable
// schema-history record.
Result<std::vector<TablePlan>> PlanTables(ObjectStore& store, const Lake& lake, uint64_t from,
                                          uint64_t upto, const TableSelector& select);

}  // namespace binlake
