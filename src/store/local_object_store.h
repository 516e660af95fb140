// ObjectStore over a local directory (file:///absolute/path). Key "a/b.csv" is the file
// <root>/a/b.csv; directories are created as needed.
//
// Visibility: a writer writes "<dir>/.tmp-<name>.<random>" in the destination directory, then
// fsync + rename (or, with if_none_match, renameat2(RENAME_NOREPLACE), falling back to
// link + unlink) and fsyncs the directory. A conditional create that finds the key taken is
// kAlreadyExists only if the file there is not our temp file (on NFS a link(2) that took effect
// can still report EEXIST: the inode is compared, as open(2) advises for O_EXCL over NFS). Names
// starting with ".tmp-" are never listed, never valid keys, and are what an aborted or crashed
// writer can leave behind. While a file grows, a background thread flushes it every few MiB
// (background_syncer.h), so the final fsync is short. Keys must be relative, '/'-separated, without
// empty, "." or ".." segments.
//
// The writer is LocalObjectWriter (local_object_writer.h).
//
// Thread-safety: all methods may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/background_syncer.h"
#include "store/object_store.h"

namespace binlake {

class LocalObjectStore : public ObjectStore {
 public:
  // `url` is file:///absolute/path. Does not touch the file system.
  static Result<std::unique_ptr<LocalObjectStore>> Open(std::string_view url);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Result<std::string> Get(std::string_view key) override;
  // pread of the slice (open, fstat, pread): the rest of the file is never read.
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  bool SmallReadsAreCheap() const override { return true; }
  Result<std::unique_ptr<ObjectRanges>> OpenRanges(std::string_view key) override;
  Status AppendRange(std::string_view key, uint64_t offset, uint64_t length,
                     std::string* out) override;
  size_t PreferredReadBytes() const override { return 1u << 20; }
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;
  // `token` names the prepared temp file beside the key's path.
  Status PublishPrepared(std::string_view key, std::string_view token) override;
  // The hidden temp files (".tmp-<name>.<16 hex>") under `prefix`; `key` is the directory plus
  // <name> (the destination's name, cut at 100 characters), `id` the temp file's name.
  Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) override;
  // Removes the temp file `object.id` in the directory of `object.key`.
  Status DiscardUncommitted(const UncommittedObject& object) override;
  // Creates the root directory if needed and proves it is writable (creates and removes a
  // temporary file).
  Status CheckAccess() override;
  std::string Describe() const override { return "file://" + root_; }

  const std::string& root() const { return root_; }
  // Background flushes completed so far (background_syncer.h).
  uint64_t background_flushes() const { return syncer_->flushes(); }

  // The reserved prefix of temporary file names.
  static constexpr std::string_view kTempPrefix = ".tmp-";

 private:
  explicit LocalObjectStore(std::string root) : root_(std::move(root)) {}
  Result<std::string> PathOf(std::string_view key) const;

  std::string root_;  // absolute, no trailing '/' (except "/" itself)
  // Flushes the files being written while they grow; shared with the writers, which may
  // outlive the store.
  std::shared_ptr<BackgroundSyncer> syncer_ = std::make_shared<BackgroundSyncer>();
};

// A one-line message for an errno from a file-system call on `path`:
// "cannot <what> <path>: permission denied" with the code matching errno
// (EACCES/EPERM/EROFS -> kPermissionDenied, ENOTDIR/EISDIR -> kInvalidArgument, ENOSPC... ->
// kIoError).
Status FileError(std::string_view what, const std::string& path, int err);

}  // namespace binlake
