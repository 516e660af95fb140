#include "store/background_syncer.h"

#include <fcntl.h>
#include <unistd.h>

namespace binlake {

std::shared_ptr<BackgroundSyncer::File> BackgroundSyncer::File::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::shared_ptr<File>(new File(fd));
}

BackgroundSyncer::File::~File() { ::close(fd_); }

bool BackgroundSyncer::Request(const std::shared_ptr<File>& file) {
  if (!file || file->pending_.exchange(true)) return false;
  executor_.Post([this, file] {
    (void)::fdatasync(file->fd_);  // errors reach the writer's own fsync (see the header)
    file->pending_.store(false);
    flushes_.fetch_add(1, std::memory_order_relaxed);
  });
  return true;
}

}  // namespace binlake
