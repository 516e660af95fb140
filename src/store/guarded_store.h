// GuardedStore: an ObjectStore that asks a guard before every request that changes the target,
// so a process that has lost the right to write (a hot-standby instance whose lease another
// instance took over while this one was frozen, ops/standby.h) stops writing at its next request
// instead of finishing a full load or a batch over the new holder's work.
//
// Guarded: Put, the writers of NewWriter (when created, at Prepare and at Close: the moments an
// object becomes durable or visible; parts already sent stay invisible), Delete,
// PublishPrepared, DiscardUncommitted. Reads, CheckAccess and Describe pass through unchanged.
// A refused request returns the guard's Status and changes nothing. A request already sent when
// the guard turns false is not recalled: docs/COMMIT-PROTOCOL.md ("Late requests of a killed
// full load") says what the protocol does about those.
//
// Ownership: borrows `inner`, which must outlive the GuardedStore and its writers (each writer
// holds its own copy of the guard). Thread-safety:
// as `inner`; the guard is called from any thread that writes and must be thread-safe.
#pragma once

#include <functional>

#include "store/forwarding_store.h"

namespace binlake {

class GuardedStore : public ForwardingStore {
 public:
  GuardedStore(ObjectStore& inner, std::function<Status()> may_write)
      : ForwardingStore(inner), may_write_(std::move(may_write)) {}

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Status Delete(std::string_view key) override;
  Status PublishPrepared(std::string_view key, std::string_view token) override;
  Status DiscardUncommitted(const UncommittedObject& object) override;

 private:
  std::function<Status()> may_write_;
};

}  // namespace binlake
