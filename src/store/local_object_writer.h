// LocalObjectWriter: the ObjectWriter of LocalObjectStore (local_object_store.h). It writes a
// hidden temp file beside the destination ("<dir>/.tmp-<name>.<random>", opened by the store)
// and Close publishes it atomically: fsync, rename (with PutOptions::if_none_match,
// renameat2(RENAME_NOREPLACE), or link + unlink where that is missing, as on NFS), fsync of the
// directory. Prepare leaves the synced temp file for PublishPrepared. Writes are buffered
// (kBufferSize), large ones go straight to write(2); a BackgroundSyncer flushes the file every
// kSyncStep bytes so the final fsync is short. CopyFrom appends a range of another local file
// in the kernel (copy_file_range(2)).
//
// Errors: one line naming the file (FileError); a failed write aborts the writer (the temp file
// is removed). Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/object_writer.h"
#include "common/status.h"
#include "store/background_syncer.h"
#include "store/object_store.h"

namespace binlake {

// Helpers of the local store and its writer.
std::string DirName(const std::string& path);   // "/a/b" -> "/a"; "/a" -> "/"
std::string BaseName(const std::string& path);  // "/a/b" -> "b"
Status SyncDir(const std::string& dir);         // fsync of a directory
Status WriteAll(int fd, std::string_view data, const std::string& path);

class LocalObjectWriter : public ObjectWriter {
 public:
  static constexpr size_t kBufferSize = 1 << 20;
  static constexpr uint64_t kSyncStep = 2 << 20;    // background flush after this much more
  static constexpr size_t kDirectBytes = 64 << 10;  // writes this large bypass buffer_

  // Takes `fd`, the open temp file `temp`, to be published as `path`.
  LocalObjectWriter(std::string path, std::string temp, int fd, PutOptions options,
                    std::shared_ptr<BackgroundSyncer> syncer);
  ~LocalObjectWriter() override;

  Status Write(std::string_view data) override;
  Result<std::string> Prepare() override;
  Status Close() override;
  void Abort() override;
  uint64_t bytes_written() const override { return bytes_; }

  // Appends [offset, offset + length) of the open file `from`: in the kernel where it can
  // (copy_file_range), otherwise read and written. kCorruption when `from` ends first.
  Status CopyFrom(int from, const std::string& from_path, uint64_t offset, uint64_t length);

 private:
  Status FlushAndSync();
  Status Flush();
  // Has the store's syncer flush what is written so far once kSyncStep more is, so the fsync
  // in Prepare or Close finds little left to do (background_syncer.h): a large file no longer
  // stalls its writer at the end.
  void SyncInBackground();
  Status Publish();
  // The key exists: someone else's file, or ours if a link of our temp file was made after all
  // (kept as the object; the temp name is removed).
  Status Conflict();
  static bool SameFile(const std::string& a, const std::string& b);

  std::string path_;
  std::string temp_;
  int fd_;
  PutOptions options_;
  std::string buffer_;
  uint64_t bytes_ = 0;
  uint64_t written_ = 0;  // bytes handed to write(2)
  uint64_t synced_ = 0;   // written_ when a background flush was last asked for
  std::shared_ptr<BackgroundSyncer> syncer_;
  std::shared_ptr<BackgroundSyncer::File> sync_file_;  // opened at the first background flush
  bool prepared_ = false;  // Prepare succeeded: the temp file is synced, fd_ closed
  bool finished_ = false;  // closed or aborted
};

}  // namespace binlake
