#include "common/serial_executor.h"

#include <utility>

namespace binlake {

SerialExecutor::~SerialExecutor() {
  std::deque<std::function<void()>> dropped;
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    dropped.swap(queue_);
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable()) thread.join();
}

void SerialExecutor::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  wake_.notify_one();
}

void SerialExecutor::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return stop_ || (queue_.empty() && !running_); });
}

void SerialExecutor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    lock.unlock();
    task();
    task = nullptr;  // what it holds is released outside the lock
    lock.lock();
    running_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

bool SerialExecutor::started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable();
}

}  // namespace binlake
