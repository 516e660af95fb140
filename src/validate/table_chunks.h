// PlanTableChunks: splits the comparison of one table into primary-key ranges that validate's
// threads compare in parallel, each range on both sides:
//   - the lake: a slice of the table (lake/load_slices.h PlanLoadSlices): the rows of its LOAD
//     files between two split points plus the CDC changes whose key falls in the range;
//   - the source: the same key range as an SQL predicate (source/chunk_planner.h
//     KeyRangePredicate) inside the snapshot, from the key of the slice's first row.
//
// One range, the whole table, unless the lake's slices are more than one (PlanLoadSlices says
// when) and the primary key is of integer columns on both sides (their rendered text is the SQL
// literal, and SQL orders them as the lake's keys do). A table compared whole is slower, never
// different.
//
// Thread-safety: one thread; the store must be usable from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "lake/lake_reader.h"
#include "lake/load_slices.h"
#include "lake/table_plan.h"
#include "lake/table_rows.h"
#include "store/object_store.h"

namespace binlake {

struct TableChunk {
  TableSlice slice;   // the lake's side; slice.load empty and no bounds: the whole table
  std::string where;  // the source's side: an SQL predicate; empty: every row
  bool whole() const { return slice.lower.empty() && slice.upper.empty(); }
};

// The ranges, in key order (always at least one). `source` is the source's table (key columns
// found by the lake's names).
Result<std::vector<TableChunk>> PlanTableChunks(ObjectStore& target, const Lake& lake,
                                                const TablePlan& plan, const TableSchema& source,
                                                size_t max_ranges, uint64_t min_range_bytes);

}  // namespace binlake
