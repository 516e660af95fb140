#include "source/replica_retry.h"

namespace binlake {

Result<std::unique_ptr<BinlogEventStream>> OpenStreamWithRetry(const StreamOptions& options,
                                                               const BackoffPolicy& policy,
                                                               RetryClock& clock) {
  std::unique_ptr<BinlogEventStream> stream;
  Status st = RetryWithBackoff(policy, clock,
                               "opening the binlog stream at " + options.start.ToString(), [&] {
                                 auto r = BinlogEventStream::Open(options);
                                 if (!r.ok()) return r.status();
                                 stream = std::move(r).value();
                                 return Status::Ok();
                               });
  if (!st.ok()) return st;
  return stream;
}

}  // namespace binlake
