// The materialize task: each selected table of a target as of a committed point, written to an
// output (a local directory or S3 prefix) as plain CSV files any engine reads
// (docs/MATERIALIZE.md).
//
// Output, per table: `<output>/<schema>/<table>/part-<version, 8 digits>-<n, 5 digits>.csv`
// (or .parquet; in the training layout .csv or .recordio, materialize/training_part_writer.h)
// (names encoded like the target's folders), each a header row then rows sorted by key (without
// a primary key: every row, sorted by all columns), one key range per part, a new part every
// `max_part_bytes`; the table's columns as of the point, values exactly as the target's files
// hold them. The manifest `<output>/_binlake/materialization.json` (materialize/manifest.h)
// names the target, the point, the version, and each table's rows and parts in key order.
//
// The point (lake/lake_reader.h ResolveAsOf) is a checkpoint, or a checkpoint plus the first
// transactions of the next batch (AsOf::partial: a point cut inside a batch by its transaction
// index), whose files are then read up to the cut (PlanFile::max_rows).
//
// A run: read the previous manifest (an output holding another target's materialization is
// refused), delete part files it does not name and discard parts never published (left by a
// killed run), then per table either
//   - advance it (the previous version is of an earlier point that was not cut inside a batch,
//     same columns, no TRUNCATE since):
//     read only the changes committed since and rewrite only the parts whose key range they
//     touch (materialize/table_advance.h), or
//   - rebuild it from its LOAD and CDC files (materialize/table_job.h);
// tables run on `threads` threads, each with memory_bytes / threads for its changes (spilled to
// `spill_dir` beyond that). The threads also rewrite the parts of the tables being advanced
// (materialize/work_pool.h): a big table's parts are rewritten on every thread once the other
// tables are done. The parts wait unpublished until every table is done
// (materialize/staged_parts.h); then they are published, the manifest is replaced and the files
// the new version no longer names are deleted. A failure removes what the run wrote; the
// previous version stays.
//
// Thread-safety: one call at a time per output; uses its own threads inside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/lake_reader.h"
#include "materialize/manifest.h"
#include "materialize/training_layout.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"

namespace binlake {

struct MaterializeOptions {
  std::string target_folder;                // the target's BucketFolder ("" for none)
  std::string as_of = "latest";             // see lake/lake_reader.h ResolveAsOf
  const TableMappings* mappings = nullptr;  // selects tables; nullptr: every table
  uint64_t max_part_bytes = 32ull << 20;
  // A table of n rows is cut into parts of about n / parts_per_table rows when those are smaller
  // than max_part_bytes but at least 1 MiB (materialize/part_writer.h PartSize); 0: by size only.
  uint64_t parts_per_table = 16;
  // Parquet output: rows per row group (an advance copies the row groups no change falls in).
  uint64_t row_group_rows = 10000;
  int threads = 0;  // 0: one per core
  // A table with a larger share of the LOAD bytes than of the threads is built in key ranges of
  // at least this many LOAD bytes at once (lake/load_slices.h).
  uint64_t slice_bytes = 32ull << 20;
  uint64_t memory_bytes = 256ull << 20;  // for the changes of all tables in flight
  std::string spill_dir;                 // "": $TMPDIR or /tmp
  bool incremental = true;               // false: rebuild every table
  std::string format = "csv";            // "csv" or "parquet" (rebuilt on every run)
  // The training layout instead of the table layout (materialize/training_layout.h): rebuilt on
  // every run; `format` is then ignored.
  std::optional<TrainingLayout> training;
};

struct MaterializeResult {
  AsOf as_of;
  uint64_t version = 0;
  uint64_t previous_checkpoint = 0;  // the point the previous version was of (if any)
  bool had_previous = false;
  std::vector<MaterializedTable> tables;
};

Result<MaterializeResult> RunMaterialize(ObjectStore& target, ObjectStore& output,
                                         const MaterializeOptions& options);

}  // namespace binlake
