#include "cdc/cancel_watcher.h"

#include <utility>

namespace binlake {

CancelWatcher::CancelWatcher(const std::atomic<bool>* cancel, SystemRetryClock* clock,
                             std::chrono::milliseconds grace)
    : cancel_(cancel), clock_(clock), grace_(grace) {
  if (cancel_) thread_ = std::thread([this] { Run(); });
}

CancelWatcher::~CancelWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CancelWatcher::SetStreamCanceller(std::function<void()> cancel_stream) {
  std::lock_guard<std::mutex> lock(mu_);
  cancel_stream_ = std::move(cancel_stream);
}

void CancelWatcher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!done_) {
    if (cancel_->load()) {
      clock_->Interrupt();
      // Give the loop a moment to finish the transaction it is in, then cut the stream.
      if (cv_.wait_for(lock, grace_, [this] { return done_; })) return;
      if (cancel_stream_) cancel_stream_();
      return;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

}  // namespace binlake
