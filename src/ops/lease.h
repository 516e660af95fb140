// The task lease: which instance of a task is the active one when several run with --standby
// (docs/OPERATIONS.md, "Hot standby"). It lives in the target, next to the task's checkpoints,
// and needs nothing from the store but what the commit protocol already needs: create-if-absent
// (PutOptions::if_none_match) and a List that shows every object written before it.
//
// Objects, under `[BucketFolder/]_binlake/lease/`:
//   term-<20 digits>.json            created once, if absent, by the instance that becomes active
//                                    for that term: {term, holder, acquired_at, lease_seconds}.
//                                    Creating term T+1 is the only way to take the task over, and
//                                    only one instance can create it.
//   term-<20 digits>.heartbeat.json  overwritten by the term's holder every third of a lease
//                                    period: {term, holder, renewed_at, renewals, released}.
//
// The holder of the newest term is active. It stays active while it renews: a standby takes
// over when the newest term's heartbeat has not changed for one lease period *as the standby
// observes it* (its own steady clock: the instances' wall clocks are never compared), or at
// once when the holder released it (a clean stop). A holder that finds a newer term, or could
// not renew for one lease period by its own clock, has lost the lease and must stop committing.
// Exactly-once does not rest on these timings: a new holder first commits a fencing checkpoint
// (CdcWriter::Fence), after which a stale holder's commits fail (docs/COMMIT-PROTOCOL.md).
//
// Thread-safety: functions of their arguments; the store is used, not kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake::ops {

struct LeaseTerm {
  uint64_t term = 0;
  std::string holder;       // the instance id (--instance-id; default host:pid)
  std::string acquired_at;  // UTC, ISO 8601
  int lease_seconds = 0;
};

struct LeaseHeartbeat {
  uint64_t term = 0;
  std::string holder;
  std::string renewed_at;  // UTC, ISO 8601
  uint64_t renewals = 0;
  bool released = false;  // the holder stopped cleanly: anyone may take over at once
};

struct LeaseState {
  std::optional<LeaseTerm> newest;          // none before the first instance became active
  std::optional<LeaseHeartbeat> heartbeat;  // of the newest term; none before its first renewal
  std::string heartbeat_bytes;              // the raw object: any change means the holder lives
  uint64_t newest_term() const { return newest ? newest->term : 0; }
};

// "[folder/]_binlake/lease/".
std::string LeasePrefix(const std::string& bucket_folder);

// Lists the lease objects and reads the newest term and its heartbeat. A lease object that does
// not parse is kCorruption naming it.
Result<LeaseState> ReadLease(ObjectStore& store, const std::string& bucket_folder);

// The newest term in the listing (0: none), without reading any object: what a holder checks
// before each renewal.
Result<uint64_t> NewestLeaseTerm(ObjectStore& store, const std::string& bucket_folder);

// Creates `term` (If-None-Match). true: this instance holds it; false: another instance created
// it first.
Result<bool> CreateLeaseTerm(ObjectStore& store, const std::string& bucket_folder,
                             const LeaseTerm& term);

// Writes the heartbeat of `beat.term` (overwrites).
Status WriteLeaseHeartbeat(ObjectStore& store, const std::string& bucket_folder,
                           const LeaseHeartbeat& beat);

// Deletes the objects of terms below `below` (kept: the newest two terms, for status).
Status DeleteLeaseTermsBelow(ObjectStore& store, const std::string& bucket_folder, uint64_t below);

}  // namespace binlake::ops
