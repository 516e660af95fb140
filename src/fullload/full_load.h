// RunFullLoad: copies every selected table from one consistent snapshot into the target as DMS
// LOAD files, and records the snapshot's binlog position in the task-state object.
//
// Steps: connect and read the catalog -> select tables (table mappings) -> pre-flight checks ->
// (dry run stops here) -> check the target -> open `threads` snapshot connections
// (source/snapshot.h) -> write the state object ("running") and remove LOAD files of earlier
// runs -> plan primary-key chunks -> workers read chunks in parallel, each table's chunks are
// written in key order (fullload/chunk_sequencer.h) -> state object "complete".
//
// Failure: the first error stops all workers; files being written are aborted (never visible),
// the state object stays "running", and the error is returned. Running again starts over and
// produces the same files for the same data.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/settings.h"
#include "fullload/progress.h"
#include "fullload/table_output.h"
#include "fullload/task_state.h"
#include "source/connection_config.h"
#include "source/preflight.h"
#include "source/snapshot.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"

namespace binlake {

struct FullLoadOptions {
  ConnectionConfig source;
  S3Settings settings;
  // Which tables (and rows, through source filters) to load; nullptr = every table in user
  // schemas. Rules naming tables that do not exist are errors.
  const TableMappings* mappings = nullptr;
  int threads = 2;
  bool dry_run = false;
  bool require_cdc = false;  // CDC-readiness problems are errors, not warnings
  SnapshotMethod snapshot_method = SnapshotMethod::kAuto;
  uint64_t chunk_bytes = 64ull << 20;  // target bytes per primary-key chunk
  uint64_t rows_per_chunk = 0;         // if non-zero, overrides chunk_bytes (tests, tuning)
  // A split point in an uncompressed CSV LOAD file about every this many bytes (OutputFile::
  // splits; validate compares a table in key ranges that begin there). 0: none.
  uint64_t split_bytes = 8ull << 20;
  uint64_t buffer_bytes = 64ull << 20;  // per worker, while waiting for its turn
  RowFileWriterFactory writer_factory;
  std::string file_extension;                 // ".csv", ".csv.gz", ".parquet"
  ProgressBoard* progress = nullptr;          // optional
  const std::atomic<bool>* cancel = nullptr;  // optional: set to stop early
};

struct FullLoadResult {
  PreflightReport preflight;
  SnapshotResult snapshot;
  FullLoadState state;
  std::vector<std::string> plan;  // dry run: one line per table
  double seconds = 0;
};

Result<FullLoadResult> RunFullLoad(const FullLoadOptions& options, ObjectStore& store);

// "folder/schema/table/" or "schema/table/".
std::string TableKeyPrefix(const std::string& bucket_folder, const TableSchema& table);

}  // namespace binlake
