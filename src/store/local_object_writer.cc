#include "store/local_object_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "store/local_object_store.h"

namespace binlake {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : FileError("sync directory", dir, err);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

LocalObjectWriter::LocalObjectWriter(std::string path, std::string temp, int fd, PutOptions options,
                                     std::shared_ptr<BackgroundSyncer> syncer)
    : path_(std::move(path)),
      temp_(std::move(temp)),
      fd_(fd),
      options_(std::move(options)),
      syncer_(std::move(syncer)) {}

LocalObjectWriter::~LocalObjectWriter() {
  if (!prepared_) Abort();  // a prepared temp file may be named by a checkpoint: kept
}

Status LocalObjectWriter::Write(std::string_view data) {
  if (fd_ < 0 || prepared_) {
    return Internal("write to " + path_ + " after Prepare, Close or Abort");
  }
  bytes_ += data.size();
  if (data.size() < kDirectBytes && buffer_.size() + data.size() <= kBufferSize) {
    buffer_.append(data);
    return Status::Ok();
  }
  // What is buffered goes first; then a large write gets a system call of its own (no copy
  // through buffer_), a small one starts the next buffer.
  Status s = Flush();
  if (s.ok()) {
    if (data.size() >= kDirectBytes) {
      s = WriteAll(fd_, data, temp_);
      written_ += data.size();
      if (s.ok()) SyncInBackground();
    } else {
      buffer_.append(data);
    }
  }
  if (!s.ok()) Abort();
  return s;
}

Result<std::string> LocalObjectWriter::Prepare() {
  if (fd_ < 0 || prepared_) return Internal("Prepare of " + path_ + " after Close or Abort");
  Status s = FlushAndSync();
  // Nothing more is written: the descriptors go now, so a caller may hold thousands of prepared
  // writers (materialize publishes a run's parts at its end).
  if (::close(fd_) != 0 && s.ok()) s = FileError("close", temp_, errno);
  fd_ = -1;
  sync_file_.reset();
  if (!s.ok()) {
    finished_ = true;
    ::unlink(temp_.c_str());
    return s;
  }
  prepared_ = true;
  return BaseName(temp_);  // the temp file sits beside the destination
}

Status LocalObjectWriter::Close() {
  if (finished_) return Internal("Close of " + path_ + " after Close or Abort");
  finished_ = true;
  Status s;
  if (!prepared_) {  // else synced and closed by Prepare
    s = FlushAndSync();
    if (::close(fd_) != 0 && s.ok()) s = FileError("close", temp_, errno);
    fd_ = -1;
  }
  if (s.ok()) s = Publish();
  if (!s.ok()) ::unlink(temp_.c_str());
  if (s.ok()) s = SyncDir(DirName(path_));
  return s;
}

void LocalObjectWriter::Abort() {
  if (finished_) return;
  finished_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  std::string().swap(buffer_);
}

Status LocalObjectWriter::CopyFrom(int from, const std::string& from_path, uint64_t offset,
                                   uint64_t length) {
  if (fd_ < 0 || prepared_) {
    return Internal("write to " + path_ + " after Prepare, Close or Abort");
  }
  Status s = Flush();
  off64_t in = static_cast<off64_t>(offset);
  uint64_t left = length;
  bool kernel = true;
  std::string chunk;
  while (s.ok() && left > 0) {
    ssize_t n = -1;
    if (kernel) {
      n = ::copy_file_range(from, &in, fd_, nullptr, static_cast<size_t>(left), 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
        kernel = false;  // another file system, or one that cannot: through this process
        continue;
      }
    } else {
      chunk.resize(static_cast<size_t>(std::min<uint64_t>(left, kBufferSize)));
      n = ::pread(from, chunk.data(), chunk.size(), in);
      if (n > 0) {
        s = WriteAll(fd_, std::string_view(chunk.data(), static_cast<size_t>(n)), temp_);
        in += n;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      s = FileError("copy from " + from_path + " to", temp_, errno);
    else if (n == 0)
      s = Corruption("file://" + from_path + " ends before byte " +
                     std::to_string(offset + length));
    else
      left -= static_cast<uint64_t>(n);
  }
  const uint64_t copied = length - left;
  bytes_ += copied;
  written_ += copied;
  if (!s.ok()) {
    Abort();
    return s;
  }
  SyncInBackground();
  return s;
}

Status LocalObjectWriter::FlushAndSync() {
  Status s = Flush();
  if (s.ok() && ::fsync(fd_) != 0) s = FileError("sync", temp_, errno);
  return s;
}

Status LocalObjectWriter::Flush() {
  Status s = WriteAll(fd_, buffer_, temp_);
  written_ += buffer_.size();
  buffer_.clear();
  if (s.ok()) SyncInBackground();
  return s;
}

void LocalObjectWriter::SyncInBackground() {
  if (written_ - synced_ < kSyncStep || !syncer_) return;
  synced_ = written_;
  if (!sync_file_) {
    sync_file_ = BackgroundSyncer::File::Open(temp_);
    if (!sync_file_) {
      syncer_.reset();  // cannot open it again: only the final fsync flushes this file
      return;
    }
  }
  syncer_->Request(sync_file_);
}

Status LocalObjectWriter::Publish() {
  if (!options_.if_none_match) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return FileError("rename to", path_, errno);
    return Status::Ok();
  }
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno == EEXIST) return Conflict();
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    return FileError("rename to", path_, errno);
  }
  // File systems without RENAME_NOREPLACE (NFS): link() fails if the name exists.
  if (::link(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    // NFS may report a LINK that took effect as failed (its retransmission answers EEXIST, or
    // the answer is lost): open(2) (O_EXCL) says to check whether the link was made.
    if (err == EEXIST || SameFile(temp_, path_)) return Conflict();
    return FileError("link to", path_, err);
  }
  ::unlink(temp_.c_str());
  return Status::Ok();
}

Status LocalObjectWriter::Conflict() {
  if (SameFile(temp_, path_)) {
    ::unlink(temp_.c_str());
    return Status::Ok();
  }
  return AlreadyExists("file://" + path_ + " already exists");
}

bool LocalObjectWriter::SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace binlake
