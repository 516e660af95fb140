// Pipe mode FIFOs: creation, a deadline-bounded open, non-blocking large writes (fifo.h).
#include "pipe/fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <thread>

namespace binlake::pipe {

Status MakeFifo(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISFIFO(st.st_mode)) {
      return PreconditionFailed(path +
                                " exists and is not a FIFO; remove it or choose another "
                                "--fifo-dir");
    }
    if (::unlink(path.c_str()) != 0) {
      return IoError("cannot replace the old FIFO " + path + ": " + std::strerror(errno));
    }
  }
  if (::mkfifo(path.c_str(), 0600) != 0) {
    return IoError("cannot make the FIFO " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status FifoWriter::Open(const std::string& path, std::chrono::milliseconds timeout) {
  Close();
  path_ = path;
  reader_gone_ = false;
  written_ = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      fd_ = fd;
      break;
    }
    if (errno == EINTR) continue;
    if (errno != ENXIO) {
      return IoError("cannot open the FIFO " + path + ": " + std::strerror(errno));
    }
    if (stop_ != nullptr && stop_->stopped()) return Cancelled("stopped");
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return PreconditionFailed(
          "no reader opened the FIFO " + path + " within " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
          " s (--open-timeout): is the training program reading this channel?");
    }
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  // A 1 MiB pipe buffer lets each large write go through in one piece (a larger size than
  // /proc/sys/fs/pipe-max-size is refused to unprivileged users: then the default stays).
  (void)::fcntl(fd_, F_SETPIPE_SZ, static_cast<int>(kWriteBytes));
  buffer_.reserve(kWriteBytes);
  return Status::Ok();
}

Result<bool> FifoWriter::WriteAll(std::string_view data) {
  if (reader_gone_) return false;
  if (fd_ < 0) return Internal("write to a FIFO that is not open");
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      written_ += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {
      reader_gone_ = true;
      return false;
    }
    if (n < 0 && errno != EAGAIN) {
      return IoError("writing to the FIFO " + path_ + ": " + std::strerror(errno));
    }
    // Full: wait for the reader to make room (or to go away: POLLERR, then EPIPE above).
    if (stop_ != nullptr && stop_->stopped()) return Cancelled("stopped");
    struct pollfd p {};
    p.fd = fd_;
    p.events = POLLOUT;
    if (::poll(&p, 1, 100) < 0 && errno != EINTR) {
      return IoError("waiting on the FIFO " + path_ + ": " + std::strerror(errno));
    }
  }
  return true;
}

Result<bool> FifoWriter::Write(std::string_view data) {
  constexpr size_t kDirect = 256u << 10;
  if (buffer_.size() + data.size() > kWriteBytes || data.size() >= kDirect) {
    ASSIGN_OR_RETURN(bool open, Flush());
    if (!open) return false;
  }
  if (data.size() >= kDirect) return WriteAll(data);
  buffer_.append(data);
  return !reader_gone_;
}

Result<bool> FifoWriter::Flush() {
  if (buffer_.empty()) return !reader_gone_;
  Result<bool> r = WriteAll(buffer_);
  buffer_.clear();
  return r;
}

void FifoWriter::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

}  // namespace binlake::pipe
