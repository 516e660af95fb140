// WorkPool: the threads of one materialization (materialize/materialize.h). Its jobs are the
// tables; a table's job may split its work into units (an advance's rewrites of parts,
// materialize/table_advance.h) and wait for them. Any thread of the pool runs any unit, so a big
// table's units spread over every thread once the other tables are done, and a thread that
// waits for its units, or for room in the queue, runs queued units meanwhile: units never wait,
// so no wait can deadlock, and no thread idles while a unit is queued.
//
// Bounds: at most `queue_limit` units wait in the queue (Submit runs queued units first when it
// is full), so the units holding their input at once are at most queue_limit plus one running
// per thread plus one being filled per job.
//
// Thread-safety: every method may be called from any thread; RunJobs once per pool.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "common/status.h"

namespace binlake {

class WorkPool {
 public:
  // The units one job waits for. After a unit fails, the group's units not yet started are
  // skipped; Wait returns the first failure.
  class Group {
   private:
    friend class WorkPool;
    size_t pending_ = 0;
    bool failed_ = false;
    Status failure_;
  };

  WorkPool(size_t threads, size_t queue_limit);
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  size_t threads() const { return threads_; }

  // Runs job(0) .. job(n - 1) on the pool's threads (the caller's among them, threads - 1
  // started) and the units they submit; returns when every job is done.
  void RunJobs(size_t n, const std::function<void(size_t)>& job);

  // Queues `unit` in `group`; while the queue is full, runs queued units first.
  void Submit(Group* group, std::function<Status()> unit);
  // Runs queued units (any group's) until the group's are all done; the first failure, if any.
  Status Wait(Group* group);
  bool Failed(const Group& group);

 private:
  struct Queued {
    Group* group;
    std::function<Status()> run;
  };
  // Runs the first queued unit (there is one) with mu_ released; `lock` holds mu_.
  void RunOne(std::unique_lock<std::mutex>& lock);

  const size_t threads_;
  const size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable changed_;  // a unit queued or done, or a job done
  std::deque<Queued> queue_;         // guarded by mu_
  size_t jobs_ = 0;                  // guarded by mu_
  size_t next_job_ = 0;
  size_t jobs_done_ = 0;
};

// Runs op(0) .. op(n - 1) on up to `threads` threads of a pool of their own (each op is tried);
// the first failure, if any. For many small requests of one kind (deletes, publications).
Status RunEach(size_t n, size_t threads, const std::function<Status(size_t)>& op);

}  // namespace binlake
