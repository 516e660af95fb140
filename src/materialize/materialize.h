// The materialize task: each selected table of a target as of a committed point, written to an
// output (a local directory or S3 prefix) as plain CSV files any engine reads
// (docs/MATERIALIZE.md).
//
// Output, per table: `<output>/<schema>/<table>/part-<version, 8 digits>-<n, 5 digits>.csv`
// (names encoded like the target's folders), a header row, then one row per primary key sorted
// by key (without a key: every row, sorted by all columns), the table's columns as the full load
// wrote them, values exactly as the target's files hold them; a new file every
// `max_file_bytes`. The manifest `<output>/_binlake/materialization.json` names the target, the
// point (checkpoint, binlog position, last commit time, whether the request was met exactly),
// the version, and every table's row count and files.
//
// A run: read the previous manifest (an output that holds another target's materialization is
// refused), delete part files no manifest names (left by a run that was killed), write the new
// version's files (create-only), replace the manifest, then delete the previous version's files.
// A reader of the manifest always sees a complete version; a reader that globs the table
// folders sees one too except while a run switches versions (both versions' files for a moment)
// or after a run was killed mid-write (its partial files, until the next run removes them).
//
// Memory: each table is merged in memory (TableMerge), one table at a time.
// Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/lake_reader.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"

namespace binlake {

struct MaterializeOptions {
  std::string target_folder;                // the target's BucketFolder ("" for none)
  std::string as_of = "latest";             // see lake/lake_reader.h ResolveAsOf
  const TableMappings* mappings = nullptr;  // selects tables; nullptr: every table
  uint64_t max_file_bytes = 128ull << 20;
};

struct MaterializedTable {
  std::string schema;
  std::string table;
  uint64_t rows = 0;
  uint64_t inconsistencies = 0;  // changes that did not fit the rows (lake/table_merge.h)
  std::vector<std::string> files;
};

struct MaterializeResult {
  AsOf as_of;
  uint64_t version = 0;
  std::vector<MaterializedTable> tables;
};

// "_binlake/materialization.json"
std::string MaterializationManifestKey();

Result<MaterializeResult> RunMaterialize(ObjectStore& target, ObjectStore& output,
                                         const MaterializeOptions& options);

}  // namespace binlake
