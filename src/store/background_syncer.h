// BackgroundSyncer: one thread that flushes files to stable storage (fdatasync) while their
// writers go on writing, so that a writer's own final fsync, which the commit protocol waits
// for, finds only the file's tail left to flush.
//
// Why: a flush costs about as long as writing out the data not flushed yet, and starting the
// write-back early (sync_file_range) does not help where the disk has a write-back cache of
// its own (a VM's virtual disk: the host writes the data at the flush). Measured on the CI VM:
// fdatasync of 11 MiB took 12 ms; after that, 1 MiB more took 1.7 ms.
//
// Errors: a background flush runs on a descriptor of its own (a second open of the file) and
// its result is ignored. Linux reports a write-back error to every open file description that
// has not seen it (errseq, since 4.13), so the writer's own final fsync on its descriptor still
// fails if any write-back did.
//
// Threading: Request may be called from any thread. The flushes run on a SerialExecutor: the
// destructor drops requests not started yet (their files' final fsyncs do the work) and waits
// for the flush in progress.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/serial_executor.h"

namespace binlake {

class BackgroundSyncer {
 public:
  // One file's handle for background flushes: a descriptor of its own (closed when the last
  // holder lets go), and whether a flush of it is queued or running.
  class File {
   public:
    // nullptr when the file cannot be opened again (the writer then only flushes at the end).
    static std::shared_ptr<File> Open(const std::string& path);
    ~File();
    File(const File&) = delete;
    File& operator=(const File&) = delete;

   private:
    friend class BackgroundSyncer;
    explicit File(int fd) : fd_(fd) {}
    const int fd_;
    std::atomic<bool> pending_{false};
  };

  BackgroundSyncer() = default;
  BackgroundSyncer(const BackgroundSyncer&) = delete;
  BackgroundSyncer& operator=(const BackgroundSyncer&) = delete;

  // Queues a flush of `file` unless one is queued or running already (then the data written
  // since will be flushed by a later request or by the writer's own fsync). Returns whether it
  // queued one.
  bool Request(const std::shared_ptr<File>& file);

  // Flushes completed (for tests).
  uint64_t flushes() const { return flushes_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> flushes_{0};
  SerialExecutor executor_;  // last: destroyed (joined) first
};

}  // namespace binlake
