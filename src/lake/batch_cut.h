// Cutting a committed CDC batch at a transaction, from its transaction index (cdc/txn_index.h):
// the longest prefix of the batch's indexed transactions that a predicate accepts, as the first
// rows of each of the batch's files (lake_reader.h ResolveAsOf, AsOf::partial).
//
// The index is read in chunks (ranged GETs of 4 MiB), entry by entry, and validated against the
// checkpoint that names it (TxnIndexParser): memory is a chunk plus one counter per file,
// whatever the number of transactions.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "cdc/checkpoint.h"
#include "cdc/txn_index.h"
#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

struct BatchCut {
  uint64_t taken = 0;                 // transactions of the prefix
  std::vector<uint64_t> rows;         // per file of the checkpoint: rows of the prefix
  std::optional<TxnIndexEntry> last;  // the prefix's last transaction
  bool prefix = true;                 // false: a transaction after the prefix is accepted too
};

using TxnPredicate = std::function<bool(const TxnIndexEntry&)>;

// `batch` must name an index (batch.txindex not empty). kCorruption (one line, naming the object)
// for a missing or malformed index.
Result<BatchCut> CutBatch(ObjectStore& store, const CdcCheckpoint& batch, const TxnPredicate& take);

}  // namespace binlake
