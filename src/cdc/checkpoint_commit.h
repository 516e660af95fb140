// Step 3 of the CDC commit protocol (docs/COMMIT-PROTOCOL.md): creating checkpoint N, the commit
// point, with the fencing rules that make two instances of one task unable to both commit.
//
//   1. Checkpoint N is created only if its key is free (PutOptions::if_none_match). An answer
//      that leaves the outcome open (a lost answer, a 5xx after a retry, a failed read-back) is
//      settled by reading the key: our bytes = created; other bytes = another instance won;
//      absent = not created (the create is tried again, a few times); unreadable = unknown.
//   2. Fencing does not depend on old checkpoints still existing: after creating N, the writer
//      lists the task's checkpoints. Only the newest `checkpoints_to_keep` are kept, so an
//      instance that stalled at N-1 while another one committed far past N finds key N free
//      again; but the other one deleted N only after creating a later checkpoint, which the
//      listing shows. Any checkpoint numbered above N means this instance is stale: it deletes
//      its own N (which no restart reads: a newer one exists) and must neither publish its
//      batch nor discard anything else.
//
// Outcomes, and what the writer must do with the batch's prepared objects:
//   kCommitted   N is ours and the newest: publish them (step 4).
//   kLost        another instance committed N, or is ahead of N: discard them (no checkpoint
//                that any restart reads names them) and stop.
//   kUnknown     N may exist with our content: keep them (a restart may have to publish them)
//                and stop; the next start decides from what is in the store.
//
// Thread-safety: a function of its arguments; the store is used, not kept.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

enum class CheckpointOutcome { kCommitted, kLost, kUnknown };

struct CheckpointCommit {
  CheckpointOutcome outcome = CheckpointOutcome::kUnknown;
  Status status;  // ok for kCommitted; the one-line reason otherwise
  // Checkpoint numbers the fencing listing saw (valid for kCommitted): for retention.
  std::set<uint64_t> listed;
};

// Creates checkpoint `sequence` of the task under `bucket_folder` with the bytes `json` and
// applies the fencing rules above.
CheckpointCommit CreateCheckpoint(ObjectStore& store, const std::string& bucket_folder,
                                  uint64_t sequence, const std::string& json);

}  // namespace binlake
