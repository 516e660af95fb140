#include "support/binlake_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_servers.h"

extern char** environ;

namespace binlake::testing {

BinlakeProcess::BinlakeProcess(const std::string& args) {
  static int counter = 0;
  log_ = "/tmp/binlake-test-log-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string command =
      "exec " + ShellQuote(BinlakeProgram()) + " " + args + " >" + ShellQuote(log_) + " 2>&1";
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    pid_ = -1;
  }
}

BinlakeProcess::~BinlakeProcess() {
  if (pid_ > 0 && !Reap(false)) {
    ::kill(pid_, SIGKILL);
    Reap(true);
  }
  std::remove(log_.c_str());
}

bool BinlakeProcess::Reap(bool block) {
  if (exit_code_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool BinlakeProcess::Running() { return pid_ > 0 && !Reap(false); }

std::optional<int> BinlakeProcess::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Reap(false)) {
    if (pid_ <= 0 || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

std::optional<int> BinlakeProcess::Kill(int sig) {
  if (Running()) ::kill(pid_, sig);
  return WaitExit(std::chrono::seconds(60));
}

std::string BinlakeProcess::Log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace binlake::testing
