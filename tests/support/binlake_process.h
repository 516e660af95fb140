// BinlakeProcess: the built binlake program running in the background for a test, as a child of
// the test process (so its exit code can be read), its stdout and stderr in a temporary log.
// The destructor SIGKILLs it if it still runs and reaps it: no process is left behind. Signals
// go to this child's PID only.
//
// Thread-safety: one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace binlake::testing {

class BinlakeProcess {
 public:
  // Starts `binlake <args>` (`args` shell-quoted as needed) through /bin/sh -c "exec ...".
  explicit BinlakeProcess(const std::string& args);
  ~BinlakeProcess();
  BinlakeProcess(const BinlakeProcess&) = delete;
  BinlakeProcess& operator=(const BinlakeProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `sig` and waits up to 60 s for the process to end; its exit code, if it ended.
  std::optional<int> Kill(int sig);
  // Waits up to `timeout` for the process to end by itself: its exit code (128 + signal when a
  // signal ended it), or nullopt if it still runs.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // What it printed so far (stdout and stderr).
  std::string Log() const;

 private:
  bool Reap(bool block);  // true once the child was reaped (exit_code_ set)

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_;
};

}  // namespace binlake::testing
