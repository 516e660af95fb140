// StagedParts: the output as a run's jobs see it when renames are cheap (a local directory,
// ObjectStore::RenamesAreCheap). Each part file a job writes (a key `is_part` accepts) is
// written under a staged name beside it, StagedPartKey, that a glob for the parts does not
// match: hidden (a leading '.': Spark, Hadoop and shells skip such names) and ending in
// ".pending" (not ".csv" or ".parquet"). Publish() renames the staged files to their names
// once every table is done, just before the manifest is replaced. So a run that is killed, or
// fails, while it writes leaves nothing a glob reader of the table folders sees: its staged files
// are removed by the next run (IsStagedPartKey). Other keys (marks, the manifest) and reads pass
// through unchanged; reads and deletes of a staged part go to its staged name.
//
// Ownership: borrows `inner`, which must outlive it. Thread-safety: as `inner`; the set of
// staged parts is guarded by a mutex (the pool's threads write parts at once).
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace binlake {

// "<dir>/.<name>.pending" for part "<dir>/<name>".
std::string StagedPartKey(std::string_view part);
// Whether `key` is a StagedPartKey.
bool IsStagedPartKey(std::string_view key);

class StagedParts : public ObjectStore {
 public:
  StagedParts(ObjectStore& inner, std::function<bool(std::string_view)> is_part)
      : inner_(inner), is_part_(std::move(is_part)) {}

  // Renames every part written so far to its name (threads at once); the first error.
  Status Publish(size_t threads);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Result<std::string> Get(std::string_view key) override { return inner_.Get(Where(key)); }
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return inner_.GetRange(Where(key), offset, length);
  }
  Status AppendRange(std::string_view key, uint64_t offset, uint64_t length,
                     std::string* out) override {
    return inner_.AppendRange(Where(key), offset, length, out);
  }
  bool SmallReadsAreCheap() const override { return inner_.SmallReadsAreCheap(); }
  Result<std::unique_ptr<ObjectRanges>> OpenRanges(std::string_view key) override {
    return inner_.OpenRanges(Where(key));
  }
  size_t PreferredReadBytes() const override { return inner_.PreferredReadBytes(); }
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    return inner_.List(prefix);
  }
  Status Delete(std::string_view key) override;
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

 private:
  // The key `key` is stored under now: its staged name while it is a staged part.
  std::string Where(std::string_view key);

  ObjectStore& inner_;
  std::function<bool(std::string_view)> is_part_;
  std::mutex mu_;
  std::set<std::string> staged_;  // guarded by mu_: parts written, not yet published
};

}  // namespace binlake
