#include "support/cdc_oracle.h"

#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "cdc/commit_log.h"
#include "store/object_store.h"
#include "support/readers.h"

extern char** environ;

namespace binlake::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "file:pos" -> (file, pos).
std::pair<std::string, uint64_t> SplitPosition(const std::string& position) {
  size_t colon = position.find(':');
  if (colon == std::string::npos) return {position, 0};
  return {position.substr(0, colon), std::stoull(position.substr(colon + 1))};
}

constexpr const char* kSysbenchColumns = "names=['Op','seq','id','k','c','pad'])";

}  // namespace

// --- BinlakeProcess ---

BinlakeProcess::BinlakeProcess(const std::string& args, const std::string& env) {
  static int counter = 0;
  log_ = fs::temp_directory_path() /
         ("binlake-proc-log-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  // exec: the shell becomes binlake (through env), so the pid is binlake's and our child.
  std::string command = "exec env " + env + " " + ShellQuote(BinlakeProgram()) + " " + args + " >" +
                        ShellQuote(log_.string()) + " 2>&1";
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  started_ = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) ==
      0) {
    pid_ = pid;
  } else {
    ended_ = true;
  }
}

BinlakeProcess::~BinlakeProcess() {
  if (pid_ > 0 && !ended_) Kill(SIGKILL);
  std::error_code ec;
  fs::remove(log_, ec);
}

void BinlakeProcess::Reap(int status) {
  ended_ = true;
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit_signal_ = WTERMSIG(status);
}

bool BinlakeProcess::Running() {
  if (ended_ || pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) Reap(status);
  return !ended_;
}

bool BinlakeProcess::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool BinlakeProcess::Kill(int sig, std::chrono::milliseconds timeout) {
  if (!Running()) return true;
  sent_signal_ = sig;
  ::kill(pid_, sig);
  if (WaitExit(timeout)) return true;
  if (sig != SIGKILL) return false;
  return WaitExit(std::chrono::seconds(10));
}

bool BinlakeProcess::Crashed() const {
  if (!ended_) return false;
  if (exit_signal_ != 0 && exit_signal_ != sent_signal_) return true;
  std::string log = Log();
  // Signals are seen above (the process is our child); these are what sanitizers and the C++
  // runtime print before they end a process in other ways.
  for (const char* sign :
       {"terminate called", "AddressSanitizer", "ThreadSanitizer", "runtime error:"}) {
    if (log.find(sign) != std::string::npos) return true;
  }
  return false;
}

std::string BinlakeProcess::DescribeExit() const {
  if (!ended_) return "running";
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", seconds_);
  if (exit_signal_ != 0) {
    return std::string("killed by ") + sigabbrev_np(exit_signal_) +
           (exit_signal_ == sent_signal_ ? " (sent)" : " (NOT sent by the test)") + " after " +
           seconds;
  }
  return "exit " + std::to_string(exit_code_) + " after " + seconds;
}

std::string BinlakeProcess::Log() const { return ReadFile(log_); }

// --- Load and progress ---

CommandResult Sysbench(MariaDbServer& server, const std::string& command,
                       const std::string& extra) {
  return RunShell(
      "sysbench oltp_write_only --db-driver=mysql --mysql-socket=" + ShellQuote(server.socket()) +
      " --mysql-user=root --mysql-db=sbtest --tables=2 --table-size=5000 " + extra + " " + command);
}

namespace {

// The newest checkpoint's number and position from `binlake status --json`.
bool ReadStatus(const std::string& target_args, const std::string& env, uint64_t* number,
                std::string* file, uint64_t* pos) {
  CommandResult r = RunShell((env.empty() ? "" : "env " + env + " ") +
                             ShellQuote(BinlakeProgram()) + " status --json " + target_args);
  std::smatch m;
  static const std::regex kPosition("\"position\": \"([^:\"]+):([0-9]+)\"");
  static const std::regex kCheckpoint("\"checkpoint\": ([0-9]+)");
  if (r.exit_code != 0) return false;
  if (std::regex_search(r.out, m, kCheckpoint)) *number = std::stoull(m[1].str());
  if (!std::regex_search(r.out, m, kPosition)) return false;
  *file = m[1].str();
  *pos = std::stoull(m[2].str());
  return true;
}

}  // namespace

bool WaitForCheckpoint(const std::string& target_args, const std::string& position,
                       std::chrono::seconds timeout, const std::string& env) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto [file, pos] = SplitPosition(position);
  while (std::chrono::steady_clock::now() < deadline) {
    uint64_t number = 0, at = 0;
    std::string at_file;
    if (ReadStatus(target_args, env, &number, &at_file, &at) &&
        (at_file > file || (at_file == file && at >= pos))) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

uint64_t NewestCheckpoint(const std::string& target_args, const std::string& env) {
  uint64_t number = 0, pos = 0;
  std::string file;
  ReadStatus(target_args, env, &number, &file, &pos);
  return number;
}

// --- The oracle ---

std::string SourceDigest(MariaDbServer& server, const std::string& table) {
  auto r = server.Query(
      "SELECT MD5(GROUP_CONCAT(CONCAT_WS(',', id, k, c, pad) ORDER BY id SEPARATOR '\\n')), "
      "COUNT(*) FROM sbtest." +
          table,
      "SET SESSION group_concat_max_len = 1073741824");
  if (!r.ok() || r->empty()) return "source error: " + r.status().ToString();
  return (*r)[0][0].value_or("") + "/" + (*r)[0][1].value_or("");
}

namespace {

// DuckDB SQL for the table's rows as the target holds them (id, k, c, pad): the LOAD files, each
// key replaced by its last CDC change in seq order (dropped if that is a delete). Empty if the
// table's folder is missing.
std::string MergedRowsSql(const fs::path& root, const std::string& table) {
  fs::path folder = root / "sbtest" / table;
  std::string cols = "['id','k','c','pad']";
  std::string base = "read_csv(" + DuckQuote(folder.string() + "/LOAD*.csv") +
                     ", header=false, all_varchar=true, allow_quoted_nulls=false, names=" + cols +
                     ")";
  bool has_changes = false;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.path().filename().string()[0] == '2') has_changes = true;
  }
  if (ec) return "";
  if (!has_changes) return "SELECT id, k, c, pad FROM " + base;
  std::string changes = "read_csv(" + DuckQuote(folder.string() + "/2*.csv") +
                        ", header=false, all_varchar=true, allow_quoted_nulls=false, " +
                        kSysbenchColumns;
  return "WITH ch AS (SELECT * FROM " + changes +
         "), last AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY "
         "seq DESC) AS rn FROM ch) WHERE rn = 1) "
         "SELECT id, k, c, pad FROM " +
         base +
         " WHERE id NOT IN (SELECT id FROM last) UNION ALL "
         "SELECT id, k, c, pad FROM last WHERE Op <> 'D'";
}

}  // namespace

std::string TargetDigest(const fs::path& root, const std::string& table) {
  std::string sql = MergedRowsSql(root, table);
  if (sql.empty()) return "no folder " + (root / "sbtest" / table).string();
  auto rows =
      DuckDbQuery({"SELECT md5(string_agg(concat_ws(',', id, k, c, pad), chr(10) "
                   "ORDER BY CAST(id AS BIGINT))) AS d, count(*) AS n FROM (" +
                   sql + ")"});
  if (!rows.ok()) return "duckdb error: " + rows.status().message();
  return (*rows)[0].at("d").value_or("") + "/" + (*rows)[0].at("n").value_or("");
}

std::string DigestDifferences(MariaDbServer& server, const fs::path& root, const std::string& table,
                              size_t max_keys) {
  std::string sql = MergedRowsSql(root, table);
  if (sql.empty()) return "no folder for " + table + "\n";
  auto source = server.Query("SELECT id, CONCAT_WS(',', id, k, c, pad) FROM sbtest." + table);
  if (!source.ok()) return "source error: " + source.status().ToString() + "\n";
  auto target = DuckDbQuery({"SELECT id, concat_ws(',', id, k, c, pad) AS r FROM (" + sql + ")"});
  if (!target.ok()) return "duckdb error: " + target.status().message() + "\n";
  std::map<std::string, std::string> in_source, in_target;
  for (const auto& row : *source) in_source[row[0].value_or("")] = row[1].value_or("NULL");
  for (const auto& row : *target)
    in_target[row.at("id").value_or("")] = row.at("r").value_or("NULL");
  std::vector<std::string> keys;
  for (const auto& [id, r] : in_source) {
    auto it = in_target.find(id);
    if (it == in_target.end() || it->second != r) keys.push_back(id);
  }
  for (const auto& [id, r] : in_target) {
    if (!in_source.count(id)) keys.push_back(id);
  }
  std::string out = table + ": " + std::to_string(keys.size()) + " key(s) differ\n";
  fs::path folder = root / "sbtest" / table;
  for (size_t i = 0; i < keys.size() && i < max_keys; ++i) {
    const std::string& id = keys[i];
    auto s = in_source.find(id);
    auto t = in_target.find(id);
    out += "  id " + id + "\n    source: " + (s == in_source.end() ? "(none)" : s->second) +
           "\n    target: " + (t == in_target.end() ? "(none)" : t->second) + "\n";
    auto load = DuckDbQuery({"SELECT concat_ws(',', id, k, c, pad) AS r FROM read_csv(" +
                             DuckQuote(folder.string() + "/LOAD*.csv") +
                             ", header=false, all_varchar=true, allow_quoted_nulls=false, "
                             "names=['id','k','c','pad']) WHERE id = " +
                             DuckQuote(id)});
    if (load.ok()) {
      for (const auto& row : *load) out += "    LOAD: " + row.at("r").value_or("NULL") + "\n";
    }
    auto changes =
        DuckDbQuery({"SELECT filename, Op, seq, concat_ws(',', id, k, c, pad) AS r FROM read_csv(" +
                     DuckQuote(folder.string() + "/2*.csv") +
                     ", header=false, all_varchar=true, allow_quoted_nulls=false, filename=true, " +
                     kSysbenchColumns + " WHERE id = " + DuckQuote(id) + " ORDER BY seq"});
    if (changes.ok()) {
      for (const auto& row : *changes) {
        out += "    " + row.at("Op").value_or("") + " seq " + row.at("seq").value_or("") + " " +
               fs::path(row.at("filename").value_or("")).filename().string() + ": " +
               row.at("r").value_or("NULL") + "\n";
      }
    }
  }
  return out;
}

uint64_t SourceRowChangesAfter(MariaDbServer& server, const std::string& position) {
  auto [file, pos] = SplitPosition(position);
  std::string files;
  auto logs = server.Query("SHOW BINARY LOGS");
  if (!logs.ok()) return 0;
  bool started = false;
  for (auto& row : *logs) {
    if (row[0] == file) started = true;
    if (started) files += " " + ShellQuote(server.state_dir() + "/data/" + *row[0]);
  }
  CommandResult r = RunShell("mariadb-binlog -v --start-position=" + std::to_string(pos) + files +
                             " | grep -cE '^### (INSERT|UPDATE|DELETE)'");
  return std::stoull(r.out.empty() ? "0" : r.out);
}

uint64_t TargetCdcRows(const fs::path& root) {
  auto rows = DuckDbQuery(
      {"SELECT count(*) AS n FROM read_csv(" + DuckQuote((root / "sbtest").string() + "/*/2*.csv") +
       ", header=false, all_varchar=true, allow_quoted_nulls=false, " + kSysbenchColumns});
  return rows.ok() ? std::stoull((*rows)[0].at("n").value_or("0")) : 0;
}

std::string SnapshotPosition(const fs::path& root) {
  std::string text = ReadFile(root / "_binlake/full_load.json");
  std::smatch m;
  static const std::regex kFile("\"binlog_file\": \"([^\"]+)\"");
  static const std::regex kPos("\"binlog_position\": ([0-9]+)");
  std::string file, pos;
  if (std::regex_search(text, m, kFile)) file = m[1];
  if (std::regex_search(text, m, kPos)) pos = m[1];
  return file + ":" + pos;
}

std::string CommitLogMismatch(const fs::path& root) {
  TargetConfig target;
  target.url = "file://" + fs::absolute(root).string();
  auto store = OpenObjectStore(target);
  if (!store.ok()) return store.status().ToString();
  auto history = ReadCommitHistory(**store, "");
  if (!history.ok()) return history.status().ToString();
  if (history->commits.empty()) return "no commit";
  if (history->contiguous_from != 1) {
    return "the history starts at checkpoint " + std::to_string(history->contiguous_from);
  }
  std::map<std::string, int> named;
  for (const CdcCheckpoint& c : history->commits) {
    for (const CdcFile& f : c.files) ++named[f.key];
  }
  std::string out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root / "sbtest", ec);
       it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    std::string key = fs::relative(it->path(), root).string();
    std::string name = it->path().filename().string();
    if (name.rfind("LOAD", 0) == 0 || name[0] == '.') continue;
    auto n = named.find(key);
    if (n == named.end()) {
      out += key + " is visible but no commit names it\n";
    } else {
      if (n->second != 1) out += key + " is named by " + std::to_string(n->second) + " commits\n";
      named.erase(n);
    }
  }
  for (const auto& [key, n] : named) out += key + " is named by a commit but not visible\n";
  return out;
}

Status MirrorTarget(const TargetConfig& target, const fs::path& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, OpenObjectStore(target));
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store->List(""));
  for (const ObjectInfo& o : objects) {
    ASSIGN_OR_RETURN(std::string data, store->Get(o.key));
    fs::path path = dir / o.key;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) return IoError("cannot write " + path.string());
  }
  return Status::Ok();
}

}  // namespace binlake::testing
