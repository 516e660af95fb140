// Reopening the binlog stream with backoff, for a stream that ended with kNetworkError (source
// restarted, connection lost) or could not be opened yet. Retrying follows common/retry.h; a
// replica's policy reconnects for minutes with equal jitter (so many tasks reconnecting to one
// restarted source spread out) and gives up with the last error, reworded with the attempts made.
//
// Thread-safety: runs on the caller's thread; the clock may be interrupted from any thread.
#pragma once

#include <chrono>
#include <memory>

#include "common/retry.h"
#include "common/status.h"
#include "source/binlog_stream.h"

namespace binlake {

// The default reconnect policy of CDC: waits of [d/2, d], d = min(30 s, 500 ms * 2^k), for up
// to 10 minutes.
inline BackoffPolicy DefaultReconnectPolicy() {
  return BackoffPolicy{.initial_delay = std::chrono::milliseconds(500),
                       .max_delay = std::chrono::seconds(30),
                       .multiplier = 2.0,
                       .jitter = 0.5,
                       .max_attempts = 0,
                       .deadline = std::chrono::minutes(10)};
}

// Opens a BinlogEventStream at options.start, retrying retryable failures (the source is
// restarting). The CDC loop calls it with start = its last committed binlog::BinlogPosition after
// Next() returned kNetworkError.
Result<std::unique_ptr<BinlogEventStream>> OpenStreamWithRetry(const StreamOptions& options,
                                                               const BackoffPolicy& policy,
                                                               RetryClock& clock);

}  // namespace binlake
