// SerialExecutor: runs posted tasks one at a time, in the order posted, on a thread of its own,
// so that a caller can hand off blocking I/O (a flush, a few object-store round trips) and go on.
//
// Threading: Post and WaitIdle may be called from any thread. The thread starts at the first
// Post. The destructor drops the tasks not started yet (destroying them on the destructor's
// thread), waits for the running one and joins the thread; a task must not destroy its own
// executor.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace binlake {

class SerialExecutor {
 public:
  SerialExecutor() = default;
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  void Post(std::function<void()> task);
  // Returns when every task posted before the call has run.
  void WaitIdle();
  // Whether the executor's thread has been started (by a Post).
  bool started() const;

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable wake_;             // a task was posted, or stop_
  std::condition_variable idle_;             // the queue is empty and no task runs
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool running_ = false;                     // a task runs (guarded by mu_)
  bool stop_ = false;                        // guarded by mu_
  std::thread thread_;                       // started by the first Post, under mu_
};

}  // namespace binlake
