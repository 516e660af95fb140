// One table of a materialization (materialize/materialize.h): the merge of its base rows and its
// changes (lake/merge_join.h) written as part files (materialize/part_writer.h).
//   - Full: the base is the table's LOAD files, read in order, when their rows come in key order
//     (the full load reads InnoDB tables in primary-key order); the CDC changes go through a
//     ChangeStore. When the LOAD rows are not in key order (or the table has no primary key),
//     what was written is discarded and the LOAD rows go through the ChangeStore too.
//   - Incremental: from the previous version's parts (each a key range). Only the changes
//     committed since are read; each part whose key range holds a change is merged with its
//     changes and rewritten (possibly as several parts), the others are kept as they are.
//
// Thread-safety: a job runs on one thread; the stores may be shared with other jobs.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "format/parquet/parquet_writer.h"
#include "lake/lake_reader.h"
#include "lake/table_plan.h"
#include "materialize/manifest.h"
#include "materialize/training_layout.h"
#include "store/object_store.h"

namespace binlake {

struct TableJobOptions {
  uint64_t version = 0;
  uint64_t max_part_bytes = 32ull << 20;
  uint64_t parts_per_table = 16;         // PartSize::ForTable (0: parts by size only)
  uint64_t memory_bytes = 128ull << 20;  // for this job's ChangeStore
  std::string spill_dir = "/tmp";
  size_t chunk_bytes = 8u << 20;  // read size of the input files
  bool parquet = false;           // Parquet parts (else CSV in the target's dialect)
  ParquetWriterOptions parquet_options;
  std::optional<TrainingLayout> training;  // the training layout (materialize/training_layout.h)
};

// Writes `plan` (the commits from the full load up to the point) as a new table.
Result<MaterializedTable> MaterializeTableFull(ObjectStore& target, ObjectStore& output,
                                               const Lake& lake, const TablePlan& plan,
                                               const TableJobOptions& options);

// Advances `previous` (CSV or Parquet parts, not the training layout) (the table in the previous
// version, with its key ranges) by `increment` (the commits since). The caller checked that the
// increment has no TRUNCATE and the same columns; kPreconditionFailed with stats when a part turns
// out not to be in key order (then rebuild).
Result<MaterializedTable> AdvanceTable(ObjectStore& target, ObjectStore& output, const Lake& lake,
                                       const MaterializedTable& previous,
                                       const TablePlan& increment, const TableJobOptions& options);

// The folder of a table's parts in the output: "<schema>/<table>/", encoded like the target's.
std::string PartFolder(const std::string& schema, const std::string& table);

}  // namespace binlake
