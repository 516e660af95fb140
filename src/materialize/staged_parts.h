// StagedParts: the output as a run's jobs see it. Each part file a job writes (a key `is_part`
// accepts) is prepared when its writer closes (ObjectWriter::Prepare: every byte durable, the
// object not visible) and published by Publish() once every table is done, just before the
// manifest is replaced:
//   - a local directory: the part waits as its hidden temp file beside its name
//     (".tmp-<name>.<random>"), which a glob for the parts does not match (a leading '.': Spark,
//     Hadoop and shells skip such names); publishing renames it;
//   - S3: the part waits as a multipart upload that is not completed yet, which no LIST or GET
//     sees; publishing completes it (CompleteMultipartUpload: no bytes are sent again).
// So a run that is killed, or fails, while it writes leaves nothing a glob reader of the table
// folders sees; the next run discards what it left (ObjectStore::ListUncommitted). Other keys
// (marks, the manifest) are written as they come. Deleting a staged part discards it; reads of
// one before Publish find nothing (a run never reads the parts it writes).
//
// Ownership: borrows `inner`, which must outlive it; the staged parts' writers are its own, and
// those not published when it is destroyed are discarded (ObjectWriter::Abort). Thread-safety:
// as `inner`; the staged writers are guarded by a mutex (the pool's threads write parts at once).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/forwarding_store.h"

namespace binlake {

class StagedParts : public ForwardingStore {
 public:
  StagedParts(ObjectStore& inner, std::function<bool(std::string_view)> is_part)
      : ForwardingStore(inner), is_part_(std::move(is_part)) {}
  ~StagedParts() override;

  // Publishes every part staged so far (threads at once); the first error. A part whose
  // publication failed stays uncommitted (the next run discards it).
  Status Publish(size_t threads);
  // The parts staged and not yet published.
  size_t staged() const;

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Status Delete(std::string_view key) override;

 private:
  class StagingWriter;
  // Takes the prepared writer of part `key` until Publish (replacing one staged before under
  // that key, which is discarded).
  void Hold(const std::string& key, std::unique_ptr<ObjectWriter> prepared);

  std::function<bool(std::string_view)> is_part_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ObjectWriter>> staged_;  // guarded by mu_
};

}  // namespace binlake
