// ForwardingStore: an ObjectStore that hands every request to another one, unchanged. The base of
// the decorators (store/guarded_store.h, materialize/staged_parts.h), which override only the
// requests they change.
//
// Ownership: borrows `inner`, which must outlive it. Thread-safety: as `inner`.
#pragma once

#include "store/object_store.h"

namespace binlake {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(ObjectStore& inner) : inner_(inner) {}

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override {
    return inner_.Put(key, data, options);
  }
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override {
    return inner_.NewWriter(key, options);
  }
  Result<std::string> Get(std::string_view key) override { return inner_.Get(key); }
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return inner_.GetRange(key, offset, length);
  }
  Status AppendRange(std::string_view key, uint64_t offset, uint64_t length,
                     std::string* out) override {
    return inner_.AppendRange(key, offset, length, out);
  }
  bool SmallReadsAreCheap() const override { return inner_.SmallReadsAreCheap(); }
  Result<std::unique_ptr<ObjectRanges>> OpenRanges(std::string_view key) override {
    return inner_.OpenRanges(key);
  }
  size_t PreferredReadBytes() const override { return inner_.PreferredReadBytes(); }
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override { return inner_.Head(key); }
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    return inner_.List(prefix);
  }
  Status Delete(std::string_view key) override { return inner_.Delete(key); }
  Status PublishPrepared(std::string_view key, std::string_view token) override {
    return inner_.PublishPrepared(key, token);
  }
  Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) override {
    return inner_.ListUncommitted(prefix);
  }
  Status DiscardUncommitted(const UncommittedObject& object) override {
    return inner_.DiscardUncommitted(object);
  }
  Status CheckAccess() override { return inner_.CheckAccess(); }
  std::string Describe() const override { return inner_.Describe(); }

 protected:
  ObjectStore& inner_;
};

}  // namespace binlake
