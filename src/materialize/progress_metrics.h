// `binlake materialize`'s metrics (served with --metrics-address, docs/OPERATIONS.md), in the
// process-wide registry of common/metrics.h. Registered on first use, so only a materialize
// process shows them. Called once per table, never per row. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace binlake::metrics {

// The tables this run materializes (binlake_materialize_tables_planned).
void MaterializePlanned(uint64_t tables);
// One table finished: `table` is "schema.table"; `advanced` says whether its previous version
// was advanced (else rebuilt); `rows` its rows in the new version; `parts_written` the part files
// this run wrote for it.
void MaterializeTableDone(const std::string& table, bool advanced, uint64_t rows,
                          uint64_t parts_written);

}  // namespace binlake::metrics
