#include "support/test_servers.h"

#include <gtest/gtest.h>
#include <mysql.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/testing/temp_dir.h"

namespace binlake::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses "export KEY=VALUE" lines.
std::string EnvValue(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  std::string prefix = "export " + key + "=";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return "";
}

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};

Result<std::unique_ptr<MYSQL, MysqlCloser>> ConnectRoot(const std::string& socket) {
  std::unique_ptr<MYSQL, MysqlCloser> m(mysql_init(nullptr));
  if (!mysql_real_connect(m.get(), nullptr, "root", nullptr, nullptr, 0, socket.c_str(),
                          CLIENT_MULTI_STATEMENTS)) {
    return Internal(std::string("connect as root: ") + mysql_error(m.get()));
  }
  mysql_set_character_set(m.get(), "utf8mb4");
  return m;
}

}  // namespace

std::string SourceDir() { return EnvOr("BINLAKE_SOURCE_DIR", "."); }
std::string BinaryDir() { return EnvOr("BINLAKE_BINARY_DIR", "."); }
std::string FixturesDir() { return EnvOr("BINLAKE_FIXTURES", SourceDir() + "/testdata/fixtures"); }
std::string BinlakeProgram() { return BinaryDir() + "/src/cli/binlake"; }

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

CommandResult RunShell(const std::string& command) {
  TempDir temp("binlake-test-stderr");
  const std::string err_path = temp.File("stderr");
  CommandResult r;
  std::string full = command + " 2>" + err_path;
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = ReadFile(err_path);
  unlink(err_path.c_str());
  return r;
}

Result<std::unique_ptr<MariaDbServer>> MariaDbServer::Start(const std::vector<std::string>& extra) {
  std::unique_ptr<MariaDbServer> s(new MariaDbServer());
  std::string extra_cnf;
  for (const auto& line : extra) extra_cnf += line + "\n";
  std::string cmd = "MARIADB_EXTRA_CNF=" + ShellQuote(extra_cnf) + " " +
                    ShellQuote(SourceDir() + "/scripts/test-servers/mariadb-start.sh");
  CommandResult r = RunShell(cmd);
  if (r.exit_code != 0) return Internal("mariadb-start.sh failed: " + r.err);
  s->state_dir_ = EnvValue(r.out, "MARIADB_STATE_DIR");
  s->socket_ = EnvValue(r.out, "MARIADB_SOCKET");
  s->cnf_ = EnvValue(r.out, "MARIADB_CNF");
  s->port_ = std::atoi(EnvValue(r.out, "MARIADB_PORT").c_str());
  s->pid_ = std::atoi(EnvValue(r.out, "MARIADB_PID").c_str());
  if (s->port_ == 0 || s->pid_ == 0) return Internal("mariadb-start.sh printed no port/pid");
  return s;
}

MariaDbServer::~MariaDbServer() {
  RunShell(ShellQuote(SourceDir() + "/scripts/test-servers/mariadb-stop.sh") + " " +
           ShellQuote(state_dir_));
}

std::string MariaDbServer::RootUrl() const {
  return "mysql://root@127.0.0.1:" + std::to_string(port_);
}

Status MariaDbServer::Execute(const std::string& sql) {
  ASSIGN_OR_RETURN(auto m, ConnectRoot(socket_));
  if (mysql_query(m.get(), sql.c_str()) != 0) {
    return Internal("SQL error: " + std::string(mysql_error(m.get())) +
                    " in: " + sql.substr(0, 200));
  }
  do {
    MYSQL_RES* res = mysql_store_result(m.get());
    if (res) mysql_free_result(res);
    if (mysql_errno(m.get())) {
      return Internal("SQL error: " + std::string(mysql_error(m.get())));
    }
  } while (mysql_next_result(m.get()) == 0);
  if (mysql_errno(m.get())) return Internal("SQL error: " + std::string(mysql_error(m.get())));
  return Status::Ok();
}

std::vector<std::string> MariaDbServer::BinlogPaths() {
  std::vector<std::string> files;
  auto rows = Query("SHOW BINARY LOGS");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return files;
  for (const auto& r : *rows) files.push_back(state_dir_ + "/data/" + r[0].value_or(""));
  return files;
}

std::string MariaDbServer::MasterPosition() {
  auto rows = Query("SHOW MASTER STATUS");
  if (!rows.ok() || rows->empty() || (*rows)[0].size() < 2) return "";
  return (*rows)[0][0].value_or("") + ":" + (*rows)[0][1].value_or("");
}

Result<std::vector<SqlRow>> MariaDbServer::Query(const std::string& sql, const std::string& setup) {
  ASSIGN_OR_RETURN(auto m, ConnectRoot(socket_));
  if (!setup.empty() && mysql_query(m.get(), setup.c_str()) != 0) {
    return Internal("SQL error: " + std::string(mysql_error(m.get())));
  }
  if (mysql_query(m.get(), sql.c_str()) != 0) {
    return Internal("SQL error: " + std::string(mysql_error(m.get())));
  }
  MYSQL_RES* res = mysql_store_result(m.get());
  std::vector<SqlRow> rows;
  if (!res) return rows;
  unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    SqlRow r;
    for (unsigned i = 0; i < n; ++i) {
      if (row[i]) {
        r.emplace_back(std::string(row[i], len[i]));
      } else {
        r.emplace_back(std::nullopt);
      }
    }
    rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  return rows;
}

void MariaDbServer::StopProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (kill(pid_, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
}

Status MariaDbServer::StartProcess() {
  std::string cmd = "mariadbd --defaults-file=" + ShellQuote(cnf_) + " >>" +
                    ShellQuote(state_dir_ + "/log/mariadbd.out") + " 2>&1 & echo $!";
  CommandResult r = RunShell(cmd);
  pid_ = std::atoi(r.out.c_str());
  if (pid_ <= 0) return Internal("could not start mariadbd");
  std::ofstream(state_dir_ + "/pid") << pid_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ConnectRoot(socket_).ok()) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Internal("mariadbd did not come back within 60 s");
}

// Whether `pid` still runs: it exists and is not a zombie (an orphaned server is reaped by
// init, which may take a moment, or never in a container without one).
static bool Alive(int pid) {
  if (::kill(pid, 0) != 0) return false;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

Status MariaDbServer::Kill() {
  if (pid_ <= 0) return Internal("the server is not running");
  ::kill(pid_, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Alive(pid_)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Internal("mariadbd " + std::to_string(pid_) + " still runs after SIGKILL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // mariadb-stop.sh kills the PID in this file: a dead server's number may be reused.
  std::remove((state_dir_ + "/pid").c_str());
  pid_ = 0;
  return Status::Ok();
}

Status MariaDbServer::Restart() {
  StopProcess();
  return StartProcess();
}

}  // namespace binlake::testing
