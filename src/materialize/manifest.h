// The materialization manifest, `<output>/_binlake/materialization.json` (docs/MATERIALIZE.md):
// which target it materializes, the point (AsOf), the version, the output dialect, and per table
// its columns, row count and part files in key order, each with its key range (the normalized
// keys of lake/row_key.h, hex) so an incremental advance knows which part a change falls in.
//
// Thread-safety: plain data and functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/lake_reader.h"

namespace binlake {

struct PartInfo {
  std::string file;  // the object in the output
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string first_key;  // normalized keys, raw bytes (hex in the JSON)
  std::string last_key;
};

struct MaterializedTable {
  std::string schema;
  std::string table;
  std::string columns;  // SchemaHistory::Describe of the columns: an advance needs the same
  uint64_t rows = 0;
  uint64_t inconsistencies = 0;  // changes that did not fit the rows (lake/merge_join.h)
  std::vector<PartInfo> parts;   // in key order
  // The training layout's columns, label first (empty for the table layout).
  std::vector<std::string> training_columns;
  // This run: parts written anew (the others were kept), the rows in them copied as bytes from
  // parts of the previous version (part_rewrite.h), and whether the table was rebuilt.
  uint64_t parts_written = 0;
  uint64_t rows_copied = 0;
  bool rebuilt = true;
};

struct Manifest {
  std::string target;  // identity of the target (store, folder, full load)
  uint64_t version = 0;
  std::string materialized_at;
  AsOf as_of;
  std::string format = "csv";
  std::vector<MaterializedTable> tables;
};

// "_binlake/materialization.json"
std::string MaterializationManifestKey();

std::string SerializeManifest(const Manifest& manifest);
// kCorruption (one line) when `text` is not a binlake materialization manifest.
Result<Manifest> ParseManifest(std::string_view text);

}  // namespace binlake
