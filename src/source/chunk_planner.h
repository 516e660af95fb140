// ChunkPlanner: splits a table into primary-key ranges that worker connections read in
// parallel inside the same snapshot. Chunks are contiguous, non-overlapping and cover every
// row, in primary-key order; concatenating the chunks' rows in chunk order gives the whole
// table in primary-key order.
//
//  - no primary key, or a small table: one chunk, the whole table.
//  - a single integer primary-key column: MIN/MAX arithmetic, equal-width ranges.
//  - any other primary key: one pass over the key columns collecting every k-th key as a
//    boundary (keyset), then ranges between consecutive boundaries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "source/mysql_connection.h"

namespace binlake {

struct Chunk {
  int index = 0;      // 0-based, in key order
  std::string where;  // SQL predicate (without WHERE); empty = whole table
};

// `conn` must be inside the snapshot (boundaries come from the same data the workers read).
Result<std::vector<Chunk>> PlanChunks(MysqlConnection& conn, const TableSchema& table,
                                      uint64_t estimated_rows, uint64_t rows_per_chunk);

// The full SELECT for one chunk of `table`.
std::string ChunkQuery(const TableSchema& table, const Chunk& chunk);

// Predicate `key >= lower AND key < upper` for a (possibly composite) key, expanded into
// AND/OR form the range optimizer handles. Either bound may be empty (open). Literals are
// already SQL literals.
std::string KeyRangePredicate(const std::vector<std::string>& key_columns,
                              const std::vector<std::string>& lower,
                              const std::vector<std::string>& upper);

}  // namespace binlake
