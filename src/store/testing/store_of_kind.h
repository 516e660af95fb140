// A store for tests that run against each kind: the in-memory fake (ObjectStore's default
// implementations of the optional operations), a local directory (LocalObjectStore's own), or
// the S3 store on FakeS3 (requests over loopback HTTP).
#pragma once

#include <memory>
#include <string>

#include "store/local_object_store.h"
#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"
#include "store/testing/memory_object_store.h"

namespace binlake::testing {

enum class StoreKind { kMemory, kLocal, kS3 };

inline const char* StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kMemory:
      return "Memory";
    case StoreKind::kLocal:
      return "Local";
    case StoreKind::kS3:
      return "S3";
  }
  return "?";
}

class StoreOfKind {
 public:
  // kLocal: a LocalObjectStore in `dir` (created); kS3: a FakeS3 of its own.
  Status Open(StoreKind kind, const std::string& dir) {
    if (kind == StoreKind::kLocal) {
      ASSIGN_OR_RETURN(local_, LocalObjectStore::Open("file://" + dir));
      store_ = local_.get();
    } else if (kind == StoreKind::kS3) {
      ASSIGN_OR_RETURN(fake_s3_, FakeS3::Start());
      ASSIGN_OR_RETURN(s3_, s3::S3ObjectStore::Open(fake_s3_->Target("out")));
      store_ = s3_.get();
    }
    return Status::Ok();
  }
  ObjectStore* get() { return store_; }
  FakeS3* fake_s3() { return fake_s3_.get(); }  // kS3 only

 private:
  MemoryObjectStore memory_;
  std::unique_ptr<LocalObjectStore> local_;
  std::unique_ptr<FakeS3> fake_s3_;
  std::unique_ptr<s3::S3ObjectStore> s3_;
  ObjectStore* store_ = &memory_;
};

}  // namespace binlake::testing
