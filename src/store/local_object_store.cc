#include "store/local_object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>

#include "store/local_object_writer.h"

namespace binlake {
namespace {

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

bool IsTempName(std::string_view name) {
  return name.substr(0, LocalObjectStore::kTempPrefix.size()) == LocalObjectStore::kTempPrefix;
}

// mkdir -p. Existing directories are fine; an existing non-directory is an error.
Status MakeDirs(const std::string& path) {
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      return FileError("create directory", part, errno);
    }
    pos = slash + 1;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileError("create directory", path, errno);
  if (!S_ISDIR(st.st_mode)) return FileError("create directory", path, ENOTDIR);
  return Status::Ok();
}

// Walks the directories below `root` that can hold keys starting with `prefix`: from the
// prefix's own directory down, entering only real directories (not symlinks: no loops) whose
// path can still match the prefix and whose name is not a temporary one. Every other entry
// ("." and ".." aside) goes to visit(rel, name, st): `rel` is its directory relative to root
// ("" at the root); `st` is its lstat, or null when readdir already said it is a regular file
// (no stat made: the visitor stats if it needs to). A directory that vanished is skipped.
using EntryVisitor =
    std::function<void(const std::string& rel, std::string_view name, const struct stat* st)>;

Status WalkBelowPrefix(const std::string& root, std::string_view prefix,
                       const EntryVisitor& visit) {
  const size_t slash = prefix.rfind('/');
  std::vector<std::string> pending = {
      std::string(prefix.substr(0, slash == std::string_view::npos ? 0 : slash))};
  while (!pending.empty()) {
    std::string rel = std::move(pending.back());
    pending.pop_back();
    std::string dir = rel.empty() ? root : root + "/" + rel;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      return FileError("list", dir, errno);
    }
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (e->d_type == DT_REG) {
        visit(rel, name, nullptr);
        continue;
      }
      std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
      struct stat st;
      if (::lstat((root + "/" + child).c_str(), &st) != 0) continue;
      if (!S_ISDIR(st.st_mode)) {
        visit(rel, name, &st);
        continue;
      }
      if (IsTempName(name)) continue;
      // Descend only where keys can still match the prefix.
      std::string as_dir = child + "/";
      size_t n = std::min(as_dir.size(), prefix.size());
      if (as_dir.compare(0, n, prefix.substr(0, n)) == 0) pending.push_back(std::move(child));
    }
    ::closedir(d);
  }
  return Status::Ok();
}

// Opens the regular file of an object for reading and sets *size to its size; kNotFound when
// the key names nothing or a directory. The caller closes the descriptor.
Result<int> OpenObject(const std::string& path, uint64_t* size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFound("file://" + path + " does not exist");
    return FileError("open", path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return NotFound("file://" + path + " is not an object");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

// Appends [offset, offset + length) of the open file (of `size` bytes when opened) to *out: only
// the slice is read, with pread, straight into the end of *out. Fewer bytes when the file ends
// first; on an error *out keeps its size.
Status PreadAppend(int fd, const std::string& path, uint64_t size, uint64_t offset, uint64_t length,
                   std::string* out) {
  const size_t start = out->size();
  if (offset < size) out->resize(start + static_cast<size_t>(std::min(length, size - offset)));
  size_t got = 0;
  while (start + got < out->size()) {
    ssize_t n = ::pread(fd, out->data() + start + got, out->size() - start - got,
                        static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      out->resize(start);
      return FileError("read", path, err);
    }
    if (n == 0) break;  // shorter than fstat said (replaced meanwhile): its end came first
    got += static_cast<size_t>(n);
  }
  out->resize(start + got);
  return Status::Ok();
}

}  // namespace

Status FileError(std::string_view what, const std::string& path, int err) {
  std::string msg = "cannot " + std::string(what) + " " + path + ": " + std::strerror(err);
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDenied(msg);
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
      return InvalidArgument(msg);
    case ENOENT:
      return NotFound(msg);
    default:
      return IoError(msg);
  }
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(std::string_view url) {
  constexpr std::string_view kScheme = "file://";
  if (url.substr(0, kScheme.size()) != kScheme || url.size() == kScheme.size() ||
      url[kScheme.size()] != '/') {
    return InvalidArgument("local target '" + std::string(url) + "' must be file:///absolute/path");
  }
  std::string root(url.substr(kScheme.size()));
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(std::move(root)));
}

Result<std::string> LocalObjectStore::PathOf(std::string_view key) const {
  auto bad = [&](const char* why) {
    return InvalidArgument("invalid object key '" + std::string(key) + "': " + why);
  };
  if (key.empty()) return bad("empty");
  if (key.find('\0') != std::string_view::npos) return bad("contains NUL");
  size_t pos = 0;
  while (pos <= key.size()) {
    size_t slash = key.find('/', pos);
    if (slash == std::string_view::npos) slash = key.size();
    std::string_view seg = key.substr(pos, slash - pos);
    if (seg.empty()) return bad("empty path segment");
    if (seg == "." || seg == "..") return bad("'.' or '..' segment");
    if (IsTempName(seg)) return bad("segments starting with '.tmp-' are reserved");
    pos = slash + 1;
  }
  return (root_ == "/" ? "" : root_) + "/" + std::string(key);
}

Status LocalObjectStore::Put(std::string_view key, std::string_view data,
                             const PutOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, NewWriter(key, options));
  RETURN_IF_ERROR(w->Write(data));
  return w->Close();
}

Result<std::unique_ptr<ObjectWriter>> LocalObjectStore::NewWriter(std::string_view key,
                                                                  const PutOptions& options) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  RETURN_IF_ERROR(MakeDirs(DirName(path)));
  std::string base = BaseName(path).substr(0, 100);
  std::string temp = DirName(path) + "/" + std::string(kTempPrefix) + base + "." + RandomSuffix();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("create", temp, errno);
  return std::unique_ptr<ObjectWriter>(new LocalObjectWriter(path, temp, fd, options, syncer_));
}

Status LocalObjectStore::PublishPrepared(std::string_view key, std::string_view token) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  if (token.empty() || token.find('/') != std::string_view::npos ||
      token.substr(0, kTempPrefix.size()) != kTempPrefix) {
    return InvalidArgument("not a prepared-object token for file://" + path);
  }
  std::string temp = DirName(path) + "/" + std::string(token);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    struct stat st;
    if (err == ENOENT && ::stat(path.c_str(), &st) == 0) return Status::Ok();  // done before
    return FileError("rename to", path, err);
  }
  return SyncDir(DirName(path));
}

Result<std::string> LocalObjectStore::Get(std::string_view key) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  uint64_t size = 0;
  ASSIGN_OR_RETURN(int fd, OpenObject(path, &size));
  std::string data;
  data.reserve(static_cast<size_t>(size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return FileError("read", path, err);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

Result<std::string> LocalObjectStore::GetRange(std::string_view key, uint64_t offset,
                                               uint64_t length) {
  std::string data;
  RETURN_IF_ERROR(AppendRange(key, offset, length, &data));
  return data;
}

Result<std::unique_ptr<ObjectRanges>> LocalObjectStore::OpenRanges(std::string_view key) {
  // The file, open until destroyed; reads are preads.
  class FileRanges : public ObjectRanges {
   public:
    FileRanges(int fd, std::string path, uint64_t size)
        : fd_(fd), path_(std::move(path)), size_(size) {}
    ~FileRanges() override { ::close(fd_); }
    uint64_t size() const override { return size_; }
    Status AppendRange(uint64_t offset, uint64_t length, std::string* out) override {
      return PreadAppend(fd_, path_, size_, offset, length, out);
    }
    Status CopyRange(uint64_t offset, uint64_t length, ObjectWriter* to) override {
      if (auto* local = dynamic_cast<LocalObjectWriter*>(to->BytesSink())) {
        return local->CopyFrom(fd_, path_, offset, length);
      }
      std::string bytes;
      RETURN_IF_ERROR(AppendRange(offset, length, &bytes));
      if (bytes.size() != length) {
        return Corruption("file://" + path_ + " ends before byte " +
                          std::to_string(offset + length));
      }
      return to->Write(bytes);
    }

   private:
    int fd_;
    std::string path_;
    uint64_t size_;
  };
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  uint64_t size = 0;
  ASSIGN_OR_RETURN(int fd, OpenObject(path, &size));
  return std::unique_ptr<ObjectRanges>(new FileRanges(fd, std::move(path), size));
}

Status LocalObjectStore::AppendRange(std::string_view key, uint64_t offset, uint64_t length,
                                     std::string* out) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  if (length == 0) return Status::Ok();
  uint64_t size = 0;
  ASSIGN_OR_RETURN(int fd, OpenObject(path, &size));
  Status s = PreadAppend(fd, path, size, offset, length, out);
  ::close(fd);
  return s;
}

Result<std::optional<ObjectInfo>> LocalObjectStore::Head(std::string_view key) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectInfo>();
    return FileError("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(
      ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), ""});
}

Result<std::vector<ObjectInfo>> LocalObjectStore::List(std::string_view prefix) {
  std::vector<ObjectInfo> out;
  RETURN_IF_ERROR(WalkBelowPrefix(
      root_, prefix, [&](const std::string& rel, std::string_view name, const struct stat* seen) {
        if (IsTempName(name)) return;
        std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
        const std::string path = root_ + "/" + child;
        struct stat st;
        if (seen != nullptr) {
          st = *seen;
        } else if (::lstat(path.c_str(), &st) != 0) {
          return;
        }
        // Files may be symlinks (to regular files).
        if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0) return;
        if (!S_ISREG(st.st_mode)) return;
        if (child.compare(0, prefix.size(), prefix) != 0) return;
        out.push_back(ObjectInfo{std::move(child), static_cast<uint64_t>(st.st_size), ""});
      }));
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Result<std::vector<UncommittedObject>> LocalObjectStore::ListUncommitted(std::string_view prefix) {
  std::vector<UncommittedObject> out;
  RETURN_IF_ERROR(WalkBelowPrefix(
      root_, prefix, [&](const std::string& rel, std::string_view name, const struct stat* st) {
        // Most entries are published files: skipped by name, without a stat.
        if (!IsTempName(name) || (st != nullptr && !S_ISREG(st->st_mode))) return;
        // ".tmp-<name>.<16 hex>" (NewWriter), or any other ".tmp-*" left in the tree.
        std::string_view base = name.substr(kTempPrefix.size());
        if (base.size() > 17 && base[base.size() - 17] == '.') base.remove_suffix(17);
        std::string key = rel.empty() ? std::string(base) : rel + "/" + std::string(base);
        if (key.compare(0, prefix.size(), prefix) != 0) return;
        out.push_back(UncommittedObject{std::move(key), std::string(name)});
      }));
  return out;
}

Status LocalObjectStore::DiscardUncommitted(const UncommittedObject& object) {
  if (object.id.find('/') != std::string::npos || !IsTempName(object.id)) {
    return InvalidArgument("not a temporary file name: '" + object.id + "'");
  }
  size_t slash = object.key.rfind('/');
  std::string dir = slash == std::string::npos ? root_ : root_ + "/" + object.key.substr(0, slash);
  std::string path = dir + "/" + object.id;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return FileError("delete", path, errno);
  return Status::Ok();
}

Status LocalObjectStore::Delete(std::string_view key) {
  ASSIGN_OR_RETURN(std::string path, PathOf(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return FileError("delete", path, errno);
  }
  return Status::Ok();
}

Status LocalObjectStore::CheckAccess() {
  RETURN_IF_ERROR(MakeDirs(root_));
  std::string probe = root_ + (root_ == "/" ? "" : "/") + std::string(kTempPrefix) +
                      "access-check." + RandomSuffix();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("write in", root_, errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

}  // namespace binlake
