// `binlake validate`'s metrics (served with --metrics-address, docs/OPERATIONS.md), in the
// process-wide registry of common/metrics.h. Registered on first use, so only a validate process
// shows them. Called once per key range or table, never per row. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace binlake::metrics {

// One key range of `table` ("schema.table") compared: `source_rows` of the source's rows in it.
// A range compared again (the table redone whole) counts again: this is work done.
void ValidateRangeCompared(const std::string& table, uint64_t source_rows);
// One table's final comparison: its difference counts by kind, and whether it is equal.
void ValidateTableDone(const std::string& table, uint64_t missing_in_lake, uint64_t extra_in_lake,
                       uint64_t different);

}  // namespace binlake::metrics
