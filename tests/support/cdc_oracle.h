// The oracle of the end-to-end CDC tests, and the pieces they run binlake with.
//
// The oracle: the full-load files plus the CDC files of a target, applied in change order with
// DuckDB SQL, equal the source tables (an MD5 over the rows "id,k,c,pad" in id order, computed
// on both sides); and the number of rows in the CDC files equals the row changes the source wrote
// after the full load's snapshot, counted by the server's own mariadb-binlog. The tables are
// sysbench's (sbtest.sbtest1, sbtest.sbtest2; CDC run with --sequence-column seq).
//
// The target is read from a local directory laid out as the target (file:// targets are that
// directory; an S3 target is first copied there with MirrorTarget).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"
#include "store/target_config.h"
#include "support/test_servers.h"

namespace binlake::testing {

// A binlake process started in the background (`binlake <args>`, output to a log file). It is a
// child of the test process, so its exit status is known: an exit by a signal the test did not
// send is a crash.
class BinlakeProcess {
 public:
  // `args` are shell words (quote them with ShellQuote); `env` is "NAME=value ..." assignments
  // (shell words too) added to the environment.
  explicit BinlakeProcess(const std::string& args, const std::string& env = "");
  ~BinlakeProcess();  // SIGKILL if it still runs; always reaped; the log is removed
  BinlakeProcess(const BinlakeProcess&) = delete;
  BinlakeProcess& operator=(const BinlakeProcess&) = delete;

  int pid() const { return pid_; }
  // True while it runs (reaps it once it ended).
  bool Running();
  // Waits up to `timeout` for the end; true if it ended.
  bool WaitExit(std::chrono::milliseconds timeout);
  // Sends `sig` (remembered as sent by the test) and waits up to `timeout` for the end.
  bool Kill(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // After the end: exit code (-1 if by a signal), the signal (0 if none), seconds it ran.
  bool ended() const { return ended_; }
  int exit_code() const { return exit_code_; }
  int exit_signal() const { return exit_signal_; }
  double seconds() const { return seconds_; }
  // Ended by a signal the test did not send, or its log says the program aborted.
  bool Crashed() const;
  // "exit 0 after 3.2 s", "killed by SIGKILL (sent) after 1.1 s", "running".
  std::string DescribeExit() const;
  std::string Log() const;

 private:
  void Reap(int status);

  int pid_ = 0;
  std::filesystem::path log_;
  std::chrono::steady_clock::time_point started_;
  bool ended_ = false;
  int exit_code_ = -1;
  int exit_signal_ = 0;
  int sent_signal_ = 0;
  double seconds_ = 0;
};

// Runs sysbench oltp_write_only on the server's sbtest database (2 tables of 5,000 rows) through
// its socket: `command` is prepare/run, `extra` more options ("--time=8 --threads=2").
CommandResult Sysbench(MariaDbServer& server, const std::string& command, const std::string& extra);

// Polls `binlake status --json <target_args>` (with `env`) until the newest checkpoint's position
// is at or after `position` ("file:pos"); false after `timeout`.
bool WaitForCheckpoint(const std::string& target_args, const std::string& position,
                       std::chrono::seconds timeout, const std::string& env = "");
// The newest checkpoint's number from `binlake status --json` (0 if none or unreadable).
uint64_t NewestCheckpoint(const std::string& target_args, const std::string& env = "");

// MD5 over sbtest.<table>'s rows "id,k,c,pad" in id order, and the row count: "md5/count".
std::string SourceDigest(MariaDbServer& server, const std::string& table);
// The same from the target at `root`: LOAD files + CDC files applied in change order (DuckDB).
std::string TargetDigest(const std::filesystem::path& root, const std::string& table);
// Why TargetDigest and SourceDigest differ: how many keys differ, and for the first `max_keys`
// of them the source row, the target's merged row, the LOAD row and every CDC change (Op, seq,
// file). For test failure messages.
std::string DigestDifferences(MariaDbServer& server, const std::filesystem::path& root,
                              const std::string& table, size_t max_keys = 5);
// Row changes the source wrote after `position` ("file:pos"), counted by mariadb-binlog.
uint64_t SourceRowChangesAfter(MariaDbServer& server, const std::string& position);
// Rows in the target's CDC files of the sbtest tables (DuckDB).
uint64_t TargetCdcRows(const std::filesystem::path& root);
// The full load's snapshot position ("file:pos") from <root>/_binlake/full_load.json.
std::string SnapshotPosition(const std::filesystem::path& root);

// "" when the commit log of the target at `root` (cdc/commit_log.h: segments + checkpoints) is
// complete since the full load and names exactly the CDC data files visible under the sbtest
// tables, each once; else what differs.
std::string CommitLogMismatch(const std::filesystem::path& root);

// Copies every object of the target (binlake's own store: S3 or a local directory) into `dir`,
// keys as relative paths.
Status MirrorTarget(const TargetConfig& target, const std::filesystem::path& dir);

}  // namespace binlake::testing
