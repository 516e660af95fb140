#include "cdc/commit_metrics.h"

#include "common/metrics.h"

namespace binlake {

void RecordCommittedBatch(const CdcCheckpoint& previous, const CdcCheckpoint& next,
                          const std::vector<std::pair<std::string, uint64_t>>& file_bytes,
                          const CommitTimes& times, std::chrono::system_clock::time_point now) {
  for (const auto& [table, stats] : next.tables) {
    CdcTableStats before;
    if (auto it = previous.tables.find(table); it != previous.tables.end()) before = it->second;
    if (stats.inserts > before.inserts) {
      metrics::RowsWritten(table, "insert").Increment(stats.inserts - before.inserts);
    }
    if (stats.updates > before.updates) {
      metrics::RowsWritten(table, "update").Increment(stats.updates - before.updates);
    }
    if (stats.deletes > before.deletes) {
      metrics::RowsWritten(table, "delete").Increment(stats.deletes - before.deletes);
    }
  }
  for (const auto& [table, bytes] : file_bytes) {
    if (!table.empty()) metrics::BytesWritten(table, "cdc").Increment(static_cast<double>(bytes));
  }
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::vector<std::pair<double, uint64_t>> latencies;
  latencies.reserve(times.per_ms().size());
  for (const auto& [ms, count] : times.per_ms()) {
    const int64_t d = now_ms - static_cast<int64_t>(ms);
    latencies.emplace_back(d > 0 ? d / 1000.0 : 0.0, count);
  }
  metrics::ObserveCdcLatencies(latencies);
  metrics::CdcBatchesCommitted().Increment();
  metrics::SetCdcCheckpoint(next.sequence, next.position.ToString(), next.position.gtid_set,
                            next.position.server, next.last_commit_us);
}

}  // namespace binlake
