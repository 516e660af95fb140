#include "cdc/checkpoint_commit.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "cdc/checkpoint.h"
#include "config/target_layout.h"

namespace binlake {
namespace {

// Attempts at creating the key while a read-back finds it absent after an error.
constexpr int kCreateAttempts = 3;

CheckpointCommit Outcome(CheckpointOutcome outcome, Status status) {
  CheckpointCommit c;
  c.outcome = outcome;
  c.status = std::move(status);
  return c;
}

}  // namespace

CheckpointCommit CreateCheckpoint(ObjectStore& store, const std::string& bucket_folder,
                                  uint64_t sequence, const std::string& json) {
  const std::string key = CdcCheckpointKey(bucket_folder, sequence);
  const std::string where = store.Describe() + "/" + key;
  const std::string number = std::to_string(sequence);
  auto lost = [&] {
    return Outcome(CheckpointOutcome::kLost,
                   AlreadyExists("another binlake instance committed checkpoint " + number +
                                 " of this task (" + where + "); stopping"));
  };
  auto unknown = [&](const Status& why) {
    return Outcome(CheckpointOutcome::kUnknown,
                   why.WithContext("writing CDC checkpoint " + key +
                                   " (outcome unknown; restart binlake to recover)"));
  };

  // 1. Create, settling open answers by reading the key back.
  PutOptions put;
  put.if_none_match = true;
  put.content_type = "application/json";
  bool created = false;
  for (int attempt = 1; attempt <= kCreateAttempts && !created; ++attempt) {
    Status s = store.Put(key, json, put);
    if (s.ok()) {
      created = true;
      break;
    }
    Result<std::string> stored = store.Get(key);
    if (stored.ok()) {
      if (*stored != json) return lost();
      created = true;  // ours: an earlier attempt's answer was lost
      break;
    }
    if (stored.status().code() != StatusCode::kNotFound) return unknown(s);
    if (s.code() == StatusCode::kAlreadyExists) {
      // "Exists" and "absent" at once: a store that is not consistent enough to tell.
      return unknown(s);
    }
    if (attempt == kCreateAttempts) {
      // Absent after every attempt, but a create whose answer was lost may still land: the
      // batch's objects are kept for the next start to decide.
      return unknown(s);
    }
    spdlog::warn("writing CDC checkpoint {}: {}; it is not there, trying again", key, s.message());
  }

  // 2. Fencing: is anyone ahead of us?
  Result<std::vector<ObjectInfo>> listed = store.List(CdcCheckpointPrefix(bucket_folder));
  if (!listed.ok()) return unknown(listed.status().WithContext("listing the checkpoints"));
  CheckpointCommit committed = Outcome(CheckpointOutcome::kCommitted, Status::Ok());
  std::optional<uint64_t> ahead;
  for (const ObjectInfo& o : *listed) {
    std::optional<uint64_t> seq = CdcCheckpointSequence(o.key);
    if (!seq || o.key != CdcCheckpointKey(bucket_folder, *seq)) continue;
    committed.listed.insert(*seq);
    if (*seq > sequence && (!ahead || *seq > *ahead)) ahead = *seq;
  }
  if (!ahead) return committed;
  Status removed = store.Delete(key);
  if (!removed.ok()) {
    spdlog::warn(
        "could not delete stale CDC checkpoint {} (checkpoint {} is newer, so no "
        "restart reads it): {}",
        where, *ahead, removed.message());
  }
  return Outcome(CheckpointOutcome::kLost,
                 AlreadyExists("another binlake instance is ahead of this one: checkpoint " +
                               std::to_string(*ahead) + " exists while this one committed " +
                               number + " (" + where + "); stopping"));
}

}  // namespace binlake
