#include "common/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace binlake {

Result<int> CreateSpillFile(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // Without O_TMPFILE: a named file, unlinked at once.
  std::string path = dir + "/binlake-spill-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    return IoError("cannot create a spill file in " + dir + ": " + std::strerror(errno));
  }
  ::unlink(path.c_str());
  return fd;
}

Status WriteSpill(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("writing a spill file: ") + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ReadSpill(int fd, uint64_t offset, size_t size, char* out) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(std::string("reading a spill file: ") + std::strerror(errno));
    if (n == 0) return IoError("reading a spill file: it ends early");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace binlake
