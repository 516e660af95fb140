// PlanTableChunks: splits the comparison of one table into primary-key ranges that validate's
// threads compare in parallel, each range on both sides:
//   - the lake: the rows of its LOAD files between two split points (the full load records
//     where a row begins about every 8 MiB of an uncompressed CSV LOAD file,
//     fullload/table_output.h OutputFile::splits) plus the CDC changes whose key falls in the
//     range (lake/table_rows.h TableSlice);
//   - the source: the same key range as an SQL predicate (source/chunk_planner.h
//     KeyRangePredicate) inside the snapshot.
// A range begins at the key of the first row after a split point: read from the file, so the
// ranges follow the lake as it is, and the source's rows are split the same way.
//
// One range, the whole table, unless every condition holds: at least 2 ranges wanted; a primary
// key of integer columns on both sides (their rendered text is the SQL literal, and SQL orders
// them as the lake's keys do); every LOAD file that counts is uncompressed CSV of the size the
// full load recorded, with valid split points; about `min_range_bytes` of LOAD rows per range; a
// row begins at each chosen split point and the ranges' first keys go up. A lake that fails one
// of these (a file changed since the load, a target written before split points were recorded,
// Parquet or gzip) is compared whole, as before: slower, never different.
//
// Thread-safety: one thread; the store must be usable from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "lake/lake_reader.h"
#include "lake/table_plan.h"
#include "lake/table_rows.h"
#include "store/object_store.h"

namespace binlake {

struct TableChunk {
  TableSlice slice;   // the lake's side; slice.load empty and no bounds: the whole table
  std::string where;  // the source's side: an SQL predicate; empty: every row
  bool whole() const { return slice.lower.empty() && slice.upper.empty(); }
};

// The bytes of the table's LOAD files that count (after its last TRUNCATE), as the full load
// recorded them: how much of the comparison's work the table is.
uint64_t TableLoadBytes(const Lake& lake, const TablePlan& plan);

// The ranges, in key order (always at least one). `source` is the source's table (key columns
// found by the lake's names).
Result<std::vector<TableChunk>> PlanTableChunks(ObjectStore& target, const Lake& lake,
                                                const TablePlan& plan, const TableSchema& source,
                                                size_t max_ranges, uint64_t min_range_bytes);

}  // namespace binlake
