// Test harness: real servers started for a test and always stopped by the destructor.
// MariaDbServer wraps scripts/test-servers/mariadb-start.sh/-stop.sh (the same scripts the demo
// and benchmarks use), so there is one way to start a server.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace binlake::testing {

// The repository root (BINLAKE_SOURCE_DIR, set by ctest) and build dir (BINLAKE_BINARY_DIR).
std::string SourceDir();
std::string BinaryDir();
std::string FixturesDir();
// Path of the built binlake program.
std::string BinlakeProgram();

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `command` with /bin/sh -c, capturing stdout and stderr.
CommandResult RunShell(const std::string& command);
// Quotes a string for /bin/sh.
std::string ShellQuote(const std::string& s);

using SqlRow = std::vector<std::optional<std::string>>;

class MariaDbServer {
 public:
  // `extra_cnf`: extra [mariadbd] lines, e.g. {"binlog_row_metadata=MINIMAL"}.
  static Result<std::unique_ptr<MariaDbServer>> Start(
      const std::vector<std::string>& extra_cnf = {});
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  int port() const { return port_; }
  const std::string& socket() const { return socket_; }
  const std::string& state_dir() const { return state_dir_; }
  // The mariadbd process (changes with Restart), e.g. to SIGSTOP it.
  int pid() const { return pid_; }
  // mysql://root@127.0.0.1:PORT
  std::string RootUrl() const;

  // Runs statements as root (multi-statement allowed); fails the Status on any SQL error.
  Status Execute(const std::string& sql);
  // `setup` runs first on the same connection (e.g. "SET time_zone='+00:00'").
  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::string& setup = "");
  // The binlog position now, "file:pos" (SHOW MASTER STATUS); "" if it cannot be read.
  std::string MasterPosition();
  // The paths of the server's binlog files (SHOW BINARY LOGS), oldest first; empty (and a
  // test failure) if they cannot be listed.
  std::vector<std::string> BinlogPaths();

  // Stops the server (SIGTERM, bounded wait) and starts it again on the same port and data.
  Status Restart();
  // Crashes the server: SIGKILL to the mariadbd this object started (its recorded PID, never
  // any other process), then waits (bounded) until it is gone. The data stays for the
  // destructor to delete.
  Status Kill();

 private:
  MariaDbServer() = default;
  Status StartProcess();
  void StopProcess();

  std::string state_dir_;
  std::string socket_;
  std::string cnf_;
  int port_ = 0;
  int pid_ = 0;
};

}  // namespace binlake::testing
