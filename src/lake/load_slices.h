// PlanLoadSlices: splits a table into key ranges whose LOAD rows are byte slices of its LOAD
// files (lake/table_rows.h TableSlice), so that the ranges can be merged with their changes in
// parallel: validate compares them with the source (validate/table_chunks.h), materialize builds
// a big table's parts from them (materialize/table_job.h).
//   - The cut points: the start of each LOAD file after the first, and each place where the full
//     load recorded that a row begins, about every 8 MiB of an uncompressed CSV LOAD file
//     (fullload/table_output.h OutputFile::splits).
//   - About equal bytes per slice: the first cut at or past each k/n of the table's LOAD bytes.
//   - A slice begins at the key of the first row after its cut, read from the file, so the
//     slices follow the lake as it is.
//
// One slice (the whole table: no bounds, no LOAD parts) unless every condition holds: at least 2
// slices wanted; CSV LOAD files without gzip; a primary key; every LOAD file that counts (after
// the last TRUNCATE) is of the size the full load recorded, with valid split points; about
// `min_slice_bytes` of LOAD rows per slice; a row begins at each chosen cut; the cuts' keys go
// up. A lake that fails one (a file changed since the load, a target written before split
// points were recorded, Parquet or gzip) is one slice: slower, never different. A slice can
// still turn out broken while it is merged (TableMergeOptions::slice_broken); its caller then
// merges the table whole.
//
// Thread-safety: one thread; the store must be usable from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/lake_reader.h"
#include "lake/table_plan.h"
#include "lake/table_rows.h"
#include "store/object_store.h"

namespace binlake {

struct LoadSlice {
  TableSlice slice;
  // The slice's first row (at its cut) as the file holds it: CSV of the plan's columns in the
  // lake's dialect, without the row delimiter. Empty for the first slice.
  std::string first_row;
  bool whole() const { return slice.lower.empty() && slice.upper.empty(); }
};

// Each table's share of `threads` for tables merged at once: its share of the bytes of the LOAD
// files that count (after each table's last TRUNCATE, as the full load recorded them), rounded,
// at least 1 and at most `threads`. With several tables of about one size and no more threads
// than tables, each gets 1; one big table among small ones, up to `threads`: how many slices
// it is worth (each slice costs a read of the table's CDC files).
std::vector<size_t> ThreadShares(const Lake& lake, const std::vector<const TablePlan*>& plans,
                                 size_t threads);

// The slices, in key order (always at least one).
Result<std::vector<LoadSlice>> PlanLoadSlices(ObjectStore& target, const Lake& lake,
                                              const TablePlan& plan, size_t max_slices,
                                              uint64_t min_slice_bytes);

}  // namespace binlake
