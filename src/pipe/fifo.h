// The writing end of one Pipe mode FIFO (<dir>/<channel>_<epoch>), as SageMaker presents it to a
// training container: binlake makes the FIFO, waits for the reader to open it, writes the epoch's
// bytes in large writes, and closes it (the reader sees end of file).
//
// The reader may close its end early (it has read enough of this epoch): a write then fails with
// EPIPE, which Write reports as `false` ("the reader moved on"), not as an error. The process
// must ignore SIGPIPE (the cli does) or such a write would kill it.
//
// Waiting: Open polls open(O_WRONLY | O_NONBLOCK) (ENXIO while no reader has the FIFO open) with
// a deadline; writes are non-blocking, waiting in poll() for room, so both notice `stop` (a
// signal, or another channel's failure) within 100 ms.
//
// Thread-safety: one FifoWriter belongs to one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::pipe {

// True once the run must stop (a signal, another channel's failure).
struct StopFlag {
  const std::atomic<bool>* external = nullptr;  // e.g. set by SIGINT/SIGTERM
  std::atomic<bool> internal{false};
  bool stopped() const {
    return internal.load(std::memory_order_relaxed) ||
           (external != nullptr && external->load(std::memory_order_relaxed));
  }
};

// Makes the FIFO at `path` (mode 0600). A FIFO already there (left by an earlier run) is replaced;
// anything else there is an error.
Status MakeFifo(const std::string& path);

class FifoWriter {
 public:
  explicit FifoWriter(const StopFlag* stop) : stop_(stop) {}
  ~FifoWriter() { Close(); }
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;

  // Waits up to `timeout` for a reader to open `path`. kPreconditionFailed naming the FIFO and
  // --open-timeout when none does; kCancelled when stopped.
  Status Open(const std::string& path, std::chrono::milliseconds timeout);

  // Queues `data` (small pieces are gathered into writes of up to kWriteBytes; large ones go out
  // directly). Returns false when the reader has closed the FIFO (nothing more can be written);
  // kCancelled when stopped; kIoError for anything else.
  Result<bool> Write(std::string_view data);
  // Writes what is queued; same results as Write.
  Result<bool> Flush();
  // Closes the FIFO (without flushing): the reader sees end of file.
  void Close();

  bool reader_gone() const { return reader_gone_; }
  uint64_t bytes_written() const { return written_; }

  static constexpr size_t kWriteBytes = 1u << 20;

 private:
  Result<bool> WriteAll(std::string_view data);

  const StopFlag* stop_;
  std::string path_;
  int fd_ = -1;
  bool reader_gone_ = false;
  uint64_t written_ = 0;
  std::string buffer_;
};

}  // namespace binlake::pipe
