// FailingReadsStore: a test ObjectStore that forwards to a real one, except that ranged reads of
// one key fail past its first byte (AppendRange at an offset > 0), as an S3 GET that still fails
// after the store's retries would: for readers that must report an error mid-object instead of
// ending early.
//
// Ownership: borrows or owns `base` (the two constructors). Thread-safety: as `base`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace binlake::testing {

class FailingReadsStore : public ObjectStore {
 public:
  FailingReadsStore(ObjectStore* base, std::string bad_key, std::string error)
      : base_(base), bad_(std::move(bad_key)), error_(std::move(error)) {}
  FailingReadsStore(std::unique_ptr<ObjectStore> base, std::string bad_key, std::string error)
      : owned_(std::move(base)),
        base_(owned_.get()),
        bad_(std::move(bad_key)),
        error_(std::move(error)) {}

  Status Put(std::string_view k, std::string_view d, const PutOptions& o) override {
    return base_->Put(k, d, o);
  }
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view k,
                                                  const PutOptions& o) override {
    return base_->NewWriter(k, o);
  }
  Result<std::string> Get(std::string_view k) override { return base_->Get(k); }
  Result<std::string> GetRange(std::string_view k, uint64_t o, uint64_t l) override {
    return base_->GetRange(k, o, l);
  }
  Status AppendRange(std::string_view k, uint64_t o, uint64_t l, std::string* out) override {
    if (k == bad_ && o > 0) return NetworkError(error_);
    return base_->AppendRange(k, o, l, out);
  }
  Result<std::optional<ObjectInfo>> Head(std::string_view k) override { return base_->Head(k); }
  Result<std::vector<ObjectInfo>> List(std::string_view p) override { return base_->List(p); }
  Status Delete(std::string_view k) override { return base_->Delete(k); }
  Status PublishPrepared(std::string_view k, std::string_view t) override {
    return base_->PublishPrepared(k, t);
  }
  Status CheckAccess() override { return Status::Ok(); }
  std::string Describe() const override { return base_->Describe(); }

 private:
  std::unique_ptr<ObjectStore> owned_;
  ObjectStore* base_;
  std::string bad_;
  std::string error_;
};

}  // namespace binlake::testing
