// One table of a materialization (materialize/materialize.h): the merge of its base rows and its
// changes (lake/merge_join.h) written as part files (materialize/part_writer.h).
//   - Full: the base is the table's LOAD files, read in order, when their rows come in key order
//     (the full load reads InnoDB tables in primary-key order); the CDC changes go through a
//     ChangeStore. When the LOAD rows are not in key order (or the table has no primary key),
//     what was written is discarded and the LOAD rows go through the ChangeStore too.
//     With options.thread_share > 1 (threads the other tables leave idle) a table whose LOAD files
//     split into key ranges (lake/load_slices.h) is merged range by range on the pool, each
//     range's parts named by its number (PartNamer); each range reads the CDC files again for
//     its changes. A range whose LOAD rows turn out not to hold: the table whole, as above.
//   - Incremental (AdvanceTable, materialize/table_advance.h): from the previous version's parts.
//
// Thread-safety: a job runs on its caller's thread and, with options.thread_share > 1, on the
// pool's; the stores may be shared with other jobs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "format/parquet/parquet_writer.h"
#include "lake/lake_reader.h"
#include "lake/table_plan.h"
#include "materialize/manifest.h"
#include "materialize/part_writer.h"
#include "materialize/training_layout.h"
#include "materialize/work_pool.h"
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
  WorkPool* pool = nullptr;  // the run's threads: an advance's units run on them (table_advance.h)
  // The table's share of the pool's threads (by its share of the LOAD bytes): with more than one,
  // a full build runs in up to that many key ranges of at least slice_bytes of LOAD rows at once
  // (lake/load_slices.h), and an advance's units run on the pool (table_advance.h); with one,
  // both run on the job's thread alone, as the other tables keep the pool busy.
  size_t thread_share = 1;
  uint64_t slice_bytes = 32ull << 20;
};

// Writes `plan` (the commits from the full load up to the point) as a new table.
Result<MaterializedTable> MaterializeTableFull(ObjectStore& target, ObjectStore& output,
                                               const Lake& lake, const TablePlan& plan,
                                               const TableJobOptions& options);

// The folder of a table's parts in the output: "<schema>/<table>/", encoded like the target's.
std::string PartFolder(const std::string& schema, const std::string& table);

// The names of a table's new parts, in the order they are written: "<folder>part-<version>-<n>"
// for a full build, "<folder>part-<version>-<unit>-<n>" for unit `unit` (from 1) of an advance
// (so the units of an advance can be written at once), with the parts' file extension.
std::function<std::string()> PartNamer(const TablePlan& plan, const TableJobOptions& options,
                                       std::optional<uint64_t> unit = std::nullopt);

// The part files' writer: CSV in the target's dialect, Parquet or the training layout, as
// `options` say; parts named by `next_name`. `table_rows`: about how many rows the table has
// (sizes the parts, PartSize::ForTable).
Result<std::unique_ptr<PartSink>> NewPartSink(ObjectStore& output, const Lake& lake,
                                              const TablePlan& plan, const TableJobOptions& options,
                                              uint64_t table_rows,
                                              std::function<std::string()> next_name);

// The table's entry in the manifest before its parts are known: names, columns.
MaterializedTable DescribeTable(const TablePlan& plan, const TableJobOptions& options);

}  // namespace binlake
