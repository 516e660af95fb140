// A store for tests that run against both kinds: the in-memory fake (ObjectStore's default
// implementations of the optional operations) or a local directory (LocalObjectStore's own).
#pragma once

#include <memory>
#include <string>

#include "store/local_object_store.h"
#include "store/testing/memory_object_store.h"

namespace binlake::testing {

class MemoryOrLocalStore {
 public:
  // `local`: a LocalObjectStore in `dir` (created); otherwise in memory.
  Status Open(bool local, const std::string& dir) {
    if (!local) return Status::Ok();
    ASSIGN_OR_RETURN(local_, LocalObjectStore::Open("file://" + dir));
    store_ = local_.get();
    return Status::Ok();
  }
  ObjectStore* get() { return store_; }

 private:
  MemoryObjectStore memory_;
  std::unique_ptr<LocalObjectStore> local_;
  ObjectStore* store_ = &memory_;
};

}  // namespace binlake::testing
