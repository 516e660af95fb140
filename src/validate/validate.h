// RunValidate: is the lake exactly the source? Every selected table of the source, read inside one
// consistent snapshot at binlog position P (source/snapshot.h, the full load's methods), is
// compared row by row with the lake's state as of exactly P (lake/table_rows.h, the merge
// materialize writes), while the source keeps writing.
//
// Steps: open the snapshot (P) -> wait, polling up to `wait`, until CDC has committed a checkpoint
// at or past P -> resolve the lake's point for P (lake/lake_reader.h ResolveAsOf: inside a batch,
// its transaction index cuts it exactly at P); when the lake cannot be cut exactly there (a batch
// written before transaction indexes), the snapshot is re-opened (a new P) until one can be
// compared exactly or `wait` runs out (a one-line error: never a comparison at another point,
// which would report false differences) -> per table, on `threads` connections of the snapshot:
// the lake's rows merged in key order against the source's rows in the same order
// (validate/table_compare.h).
//
// --recheck (options.recheck): only what the newest report found not equal is compared again, at
// a new point: a defect stays, a difference that was fixed since is gone.
// Transformation rules (options.mappings, transform/table_transform.h): each source table is
// compared with the lake table its rules name, column by column through the same projection the
// full load and CDC apply (renamed, removed and included columns); a column the rules compute
// (add-column, change-data-type) is listed as not compared (TableComparison::not_compared).
// `tables` patterns and --recheck name the lake's (target) tables.
// Errors (one line): the source unreachable, a target without a complete full load, a --tables
// pattern that matches no table, CDC not past P within `wait`. Differences are not errors: they
// are in the result (equal() false).
// Thread-safety: call from one thread; it runs `threads` worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/status.h"
#include "lake/lake_reader.h"
#include "source/connection_config.h"
#include "source/snapshot.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"
#include "validate/table_compare.h"

namespace binlake {

struct ValidateOptions {
  ConnectionConfig source;
  std::string target_folder;                // the target's BucketFolder
  const TableMappings* mappings = nullptr;  // nullptr: every table of the lake; else its
                                            // selection and transformation rules
  std::string tables;  // comma-separated `schema.table` globs (* and ?); empty: all selected
  int threads = 2;
  std::chrono::milliseconds wait{std::chrono::minutes(5)};
  std::chrono::milliseconds poll{std::chrono::milliseconds(500)};
  uint64_t memory_bytes = 256ull << 20;  // shared by the threads (lake changes, source sorting)
  std::string spill_dir;                 // empty: $TMPDIR or /tmp
  size_t max_samples = 10;               // differing keys kept per table
  // A table is compared in up to `threads` key ranges in parallel, each about this many bytes of
  // LOAD files or more (validate/table_chunks.h).
  uint64_t range_bytes = 8ull << 20;
  // Only the tables, and in them only the keys, the newest report in the target found not
  // equal (a table whose key columns changed since, or whose keys were too many to list, is
  // compared whole). kPreconditionFailed when the target holds no report.
  bool recheck = false;
  SnapshotMethod snapshot_method = SnapshotMethod::kAuto;
  std::function<void(const std::string&)> progress;  // optional: one line per step
};

struct ValidateResult {
  std::string started_at;  // ISO-8601 UTC
  double seconds = 0;
  binlog::BinlogPosition position;  // P: the source's snapshot
  AsOf as_of;                       // the lake's point for P
  int snapshots = 0;                // snapshots opened until one could be compared
  bool recheck = false;             // only what the previous report found not equal
  std::vector<TableComparison> tables;
  bool equal() const;
};

Result<ValidateResult> RunValidate(ObjectStore& target, const ValidateOptions& options);

}  // namespace binlake
