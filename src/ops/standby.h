// Hot standby (binlake run --standby): waiting for the task's lease, and keeping it while
// active. The lease protocol itself is ops/lease.h; docs/OPERATIONS.md, "Hot standby", says how
// a fleet behaves.
//
//   AcquireLease  blocks until this instance holds the lease: at once when nobody holds it or
//                 the holder released it; otherwise when the newest term's heartbeat has not
//                 changed for one lease period as this instance observes it (polled every third
//                 of a period). Among several standbys, the one that creates the next term wins;
//                 the others go on waiting.
//   LeaseKeeper   renews the lease on its own thread every third of a period. The lease is lost
//                 when a newer term appears (another instance took over while this one was
//                 frozen or cut off) or when no renewal succeeded for one period by this
//                 instance's steady clock; then `on_lost` is called once (e.g. to stop the task).
//                 Held() is what a commit checks first: an instance frozen past its period finds
//                 it false the moment it wakes, before its keeper thread has even run.
//
// Timing: a dead, frozen or cut-off holder is replaced within about 1.7 lease periods (one
// period unobserved plus up to two polls), plus the new holder's start. Correctness does not
// depend on it (the fencing checkpoint, CdcWriter::Fence).
// Threading: AcquireLease runs on the caller's thread; a LeaseKeeper owns one thread, and its
// methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "ops/lease.h"
#include "store/object_store.h"

namespace binlake::ops {

struct LeaseOptions {
  std::string bucket_folder;
  std::string instance_id;  // names the holder in the lease and in `binlake status`
  std::chrono::milliseconds period{10000};
  const std::atomic<bool>* cancel = nullptr;  // AcquireLease returns kCancelled once it is set
};

// "host:pid", the default instance id.
std::string DefaultInstanceId();

// Blocks until this instance holds the lease; returns the term it holds. Store errors while
// waiting are retried (logged once per kind); kCancelled when options.cancel is set.
Result<LeaseTerm> AcquireLease(ObjectStore& store, const LeaseOptions& options);

class LeaseKeeper {
 public:
  // Starts renewing `term` (held by this instance) at once. `store` is borrowed.
  LeaseKeeper(ObjectStore& store, LeaseOptions options, LeaseTerm term,
              std::function<void(const std::string& why)> on_lost);
  ~LeaseKeeper();  // stops renewing (does not release)
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // True while the lease is not lost and the last successful renewal is younger than a period.
  bool Held() const;
  // Why the lease was lost ("" while held).
  std::string lost_reason() const;
  // Stops renewing and writes a released heartbeat, so a standby takes over at once (a clean
  // stop). Not after the lease was lost.
  Status Release();

 private:
  void Run();
  bool RenewOnce();     // false once lost
  void StopRenewing();  // ends and joins the thread (idempotent)

  ObjectStore& store_;
  const LeaseOptions options_;
  const LeaseTerm term_;
  std::function<void(const std::string&)> on_lost_;
  std::atomic<int64_t> renewed_ns_;  // steady clock of the last successful renewal
  std::atomic<bool> lost_{false};
  uint64_t renewals_ = 0;  // keeper thread (and Release, after it stopped)
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;    // guarded by mu_
  std::string lost_reason_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace binlake::ops
