#include "materialize/work_pool.h"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

namespace binlake {

WorkPool::WorkPool(size_t threads, size_t queue_limit)
    : threads_(std::max<size_t>(1, threads)), queue_limit_(std::max<size_t>(1, queue_limit)) {}

void WorkPool::RunOne(std::unique_lock<std::mutex>& lock) {
  Queued unit = std::move(queue_.front());
  queue_.pop_front();
  const bool skip = unit.group->failed_;
  lock.unlock();
  Status s = skip ? Status::Ok() : unit.run();
  unit.run = nullptr;  // what it holds goes before the waiter is told
  lock.lock();
  if (!s.ok() && !unit.group->failed_) {
    unit.group->failed_ = true;
    unit.group->failure_ = std::move(s);
  }
  --unit.group->pending_;
  changed_.notify_all();
}

void WorkPool::RunJobs(size_t n, const std::function<void(size_t)>& job) {
  {
    std::lock_guard lock(mu_);
    jobs_ = n;
    next_job_ = 0;
    jobs_done_ = 0;
  }
  auto work = [&] {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!queue_.empty()) {
        RunOne(lock);
      } else if (next_job_ < jobs_) {
        const size_t i = next_job_++;
        lock.unlock();
        job(i);
        lock.lock();
        ++jobs_done_;
        changed_.notify_all();
      } else if (jobs_done_ == jobs_) {
        return;  // units come only from jobs, which wait for theirs
      } else {
        changed_.wait(lock);
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; n > 0 && t < threads_; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& h : helpers) h.join();
}

void WorkPool::Submit(Group* group, std::function<Status()> unit) {
  std::unique_lock lock(mu_);
  while (queue_.size() >= queue_limit_) RunOne(lock);
  ++group->pending_;
  queue_.push_back({group, std::move(unit)});
  changed_.notify_all();
}

Status WorkPool::Wait(Group* group) {
  std::unique_lock lock(mu_);
  while (group->pending_ > 0) {
    if (!queue_.empty()) {
      RunOne(lock);
    } else {
      changed_.wait(lock);
    }
  }
  return group->failure_;
}

bool WorkPool::Failed(const Group& group) {
  std::lock_guard lock(mu_);
  return group.failed_;
}

Status RunEach(size_t n, size_t threads, const std::function<Status(size_t)>& op) {
  if (n == 0) return Status::Ok();
  WorkPool pool(std::min(std::max<size_t>(threads, 1), n), 1);
  std::mutex mu;
  Status first;
  pool.RunJobs(n, [&](size_t i) {
    Status s = op(i);
    if (s.ok()) return;
    std::lock_guard<std::mutex> lock(mu);
    if (first.ok()) first = std::move(s);
  });
  return first;
}

}  // namespace binlake
