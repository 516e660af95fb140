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

BackgroundSyncer::~BackgroundSyncer() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable()) thread.join();
}

bool BackgroundSyncer::Request(const std::shared_ptr<File>& file) {
  if (!file || file->pending_.exchange(true)) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return false;
    queue_.push_back(file);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  wake_.notify_one();
  return true;
}

void BackgroundSyncer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::shared_ptr<File> file = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    (void)::fdatasync(file->fd_);  // errors reach the writer's own fsync (see the header)
    file->pending_.store(false);
    flushes_.fetch_add(1, std::memory_order_relaxed);
    file.reset();  // may close the descriptor: outside the lock
    lock.lock();
  }
}

}  // namespace binlake
