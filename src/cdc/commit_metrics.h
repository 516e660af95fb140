// The metrics of one committed CDC batch (common/metrics.h): rows per table and operation, data
// bytes per table, each transaction's latency (source commit -> committed in the target), the
// batch count and the newest checkpoint. The writer (cdc/writer.h) collects a batch's
// transaction commit times in a CommitTimes and calls RecordCommittedBatch once the checkpoint
// exists (the commit point: from then on the batch is committed, whatever happens next).
// Threading: one writer thread; the metrics themselves are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cdc/checkpoint.h"

namespace binlake {

// Commit times of a batch's transactions, counted per millisecond (a batch holds a few
// thousand distinct milliseconds at most, whatever its transaction count).
class CommitTimes {
 public:
  void Add(uint64_t commit_us) {
    const uint64_t ms = commit_us / 1000;
    if (per_ms_.empty() || per_ms_.back().first != ms) {
      per_ms_.emplace_back(ms, 1);
    } else {
      ++per_ms_.back().second;
    }
  }
  void Clear() { per_ms_.clear(); }
  const std::vector<std::pair<uint64_t, uint64_t>>& per_ms() const { return per_ms_; }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> per_ms_;  // (commit time in ms, transactions)
};

// `previous` and `next`: the checkpoints before and after the batch (their cumulative table
// statistics give the batch's rows); `file_bytes`: (table, bytes) of each data file of the
// batch; `now`: when the checkpoint was created.
void RecordCommittedBatch(const CdcCheckpoint& previous, const CdcCheckpoint& next,
                          const std::vector<std::pair<std::string, uint64_t>>& file_bytes,
                          const CommitTimes& times, std::chrono::system_clock::time_point now);

}  // namespace binlake
