// The full load's chunks of a table when a table-settings rule gives it a parallel-load
// (transform/table_settings.h): "ranges" become the segments between its boundaries
// (cols < b1, b1 <= cols < b2, ..., cols >= bn, the predicate source/chunk_planner.h builds for
// key ranges), "none" one chunk. Boundary values that read as numbers go to SQL as numbers, the
// others as quoted strings; the source checks they ascend, so no row can fall in two chunks.
// Errors (one line naming the rule and the table): a column the table does not have, boundaries
// not in ascending order.
//
// Thread-safety: uses `conn` (one thread).
#pragma once

#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "source/chunk_planner.h"
#include "source/mysql_connection.h"
#include "transform/table_settings.h"

namespace binlake {

// REQUIRES: load.type is kRanges or kNone.
Result<std::vector<Chunk>> ParallelLoadChunks(MysqlConnection& conn, const TableSchema& table,
                                              const ParallelLoad& load);

}  // namespace binlake
