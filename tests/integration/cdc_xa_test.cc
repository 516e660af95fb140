// End-to-end CDC of XA transactions against a real MariaDB (10.5+ binlogs XA PREPARE as an
// event group of its own and XA COMMIT / XA ROLLBACK later as another; docs/COMMIT-PROTOCOL.md,
// "XA transactions"). The oracle: the CDC rows the target holds (read with DuckDB, in sequence
// order) are exactly the changes of the committed transactions, each once, and the full load
// plus those changes equals the source table. Rolled-back XA rows never appear; a prepared XA's
// rows are not visible before its XA COMMIT, even across batches and restarts of binlake; an XA
// prepared before the full load's snapshot and committed after it is delivered once.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::DuckDbQuery;
using testing::DuckQuote;
using testing::MariaDbServer;
using testing::RunShell;
using testing::ShellQuote;

// `binlake cdc` running in the background; killed (SIGKILL) by the destructor if still running.
class BackgroundBinlake {
 public:
  explicit BackgroundBinlake(const std::string& args) {
    log_ = fs::temp_directory_path() /
           ("binlake-xa-log-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    CommandResult r = RunShell(ShellQuote(testing::BinlakeProgram()) + " " + args + " >" +
                               ShellQuote(log_.string()) + " 2>&1 & echo $!");
    pid_ = std::atoi(r.out.c_str());
  }
  ~BackgroundBinlake() {
    if (Running()) Stop(SIGKILL);
    fs::remove(log_);
  }
  bool Running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
  void Stop(int sig) {
    ::kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  static inline int counter_ = 0;
  int pid_ = 0;
  fs::path log_;
};

class CdcXaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    dir_ = fs::temp_directory_path() /
           ("binlake-cdc-xa-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Sql("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(40))");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `sql` on a fresh connection (a prepared XA outlives it: MariaDB 10.5+).
  void Sql(const std::string& sql) {
    Status st = server_->Execute(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.ToString();
  }
  // XA START; `dml`; XA END; XA PREPARE, for `xid` as written in SQL.
  void Prepare(const std::string& xid, const std::string& dml) {
    Sql("XA START " + xid + "; " + dml + "; XA END " + xid + "; XA PREPARE " + xid);
  }

  // XA COMMIT / XA ROLLBACK `xid` from a new session. The session that prepared it detaches from
  // it only when the server has cleaned it up after its disconnect, until then the XID is
  // unknown (XAER_NOTA) to others: polled with a deadline.
  void Resolve(const std::string& statement) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    Status st;
    do {
      st = server_->Execute(statement);
      if (st.ok() || st.message().find("XAER_NOTA") == std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    ASSERT_TRUE(st.ok()) << statement << ": " << st.ToString();
  }

  std::string Target() const { return "file://" + (dir_ / "out").string(); }
  std::string Common() const {
    return "--source " + server_->RootUrl() + " --tls-mode disabled --target " +
           ShellQuote(Target()) + " --set CdcMaxBatchInterval=1";
  }
  std::string Cdc() const { return "cdc " + Common() + " --sequence-column seq"; }
  CommandResult Binlake(const std::string& args) {
    return RunShell(ShellQuote(testing::BinlakeProgram()) + " " + args);
  }
  void FullLoad() {
    CommandResult r = Binlake("full-load --progress off " + Common());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Waits until the newest checkpoint covers `position` (file:pos; default: the source's current
  // binlog position).
  bool WaitForCheckpoint(std::chrono::seconds timeout = std::chrono::seconds(60),
                         std::string position = "") {
    if (position.empty()) position = server_->MasterPosition();
    const std::string file = position.substr(0, position.find(':'));
    const uint64_t pos = std::stoull(position.substr(position.find(':') + 1));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      CommandResult r = Binlake("status --json --target " + ShellQuote(Target()));
      std::smatch m;
      std::regex re("\"position\": \"([^:\"]+):([0-9]+)\"");
      if (r.exit_code == 0 && std::regex_search(r.out, m, re) &&
          (m[1].str() > file || (m[1].str() == file && std::stoull(m[2].str()) >= pos))) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // The CDC rows of app.t in change order: "Op id v".
  std::vector<std::string> CdcRows() {
    fs::path folder = dir_ / "out/app/t";
    bool any = false;
    if (fs::exists(folder)) {
      for (const auto& e : fs::directory_iterator(folder)) {
        if (e.path().filename().string()[0] == '2') any = true;
      }
    }
    if (!any) return {};
    auto rows =
        DuckDbQuery({"SELECT Op, id, v FROM read_csv(" + DuckQuote(folder.string() + "/2*.csv") +
                     ", header=false, all_varchar=true, allow_quoted_nulls=false, "
                     "names=['Op','seq','id','v']) ORDER BY seq"});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (!rows.ok()) return out;
    for (auto& r : *rows) {
      out.push_back(r["Op"].value_or("") + " " + r["id"].value_or("") + " " +
                    r["v"].value_or("NULL"));
    }
    return out;
  }

  // The full load's rows plus the CDC rows applied in order, "id v" by id.
  std::vector<std::string> TargetTable() {
    std::map<int, std::string> table;
    auto load = DuckDbQuery({"SELECT id, v FROM read_csv(" +
                             DuckQuote((dir_ / "out/app/t").string() + "/LOAD*.csv") +
                             ", header=false, all_varchar=true, allow_quoted_nulls=false, "
                             "names=['id','v'])"});
    EXPECT_TRUE(load.ok()) << load.status().ToString();
    if (load.ok()) {
      for (auto& r : *load) table[std::stoi(*r["id"])] = r["v"].value_or("NULL");
    }
    for (const std::string& change : CdcRows()) {
      std::istringstream in(change);
      std::string op, v;
      int id = 0;
      in >> op >> id;
      std::getline(in, v);
      if (op == "D") {
        table.erase(id);
      } else {
        table[id] = v.substr(1);
      }
    }
    std::vector<std::string> out;
    for (auto& [id, v] : table) out.push_back(std::to_string(id) + " " + v);
    return out;
  }
  std::vector<std::string> SourceTable() {
    auto rows = server_->Query("SELECT id, v FROM app.t ORDER BY id");
    EXPECT_TRUE(rows.ok());
    std::vector<std::string> out;
    if (!rows.ok()) return out;
    for (auto& r : *rows) out.push_back(*r[0] + " " + r[1].value_or("NULL"));
    return out;
  }

  std::unique_ptr<MariaDbServer> server_;
  fs::path dir_;
};

// XA PREPARE, other transactions, a batch boundary and a restart (SIGKILL) before XA COMMIT;
// XA ROLLBACK; XA COMMIT ONE PHASE; hex XIDs with a bqual and a format id; two prepared XAs
// committed in the other order; an XA prepared before the full load's snapshot and committed
// after it; bodies in an earlier binlog file than their commit. Every committed change appears
// once, at its commit; rolled-back ones never.
TEST_F(CdcXaTest, XaRowsAppearExactlyOnceAtTheirCommit) {
  Sql("INSERT INTO app.t VALUES (1, 'base'), (2, 'base')");
  // Prepared before the snapshot: the full load cannot see it, CDC starts after its prepare.
  Prepare("'pre','b',3", "INSERT INTO app.t VALUES (3, 'pre-snapshot')");
  Sql("FLUSH BINARY LOGS");  // CDC starts in binlog.000002; the body is in binlog.000001
  FullLoad();
  if (HasFatalFailure()) return;

  auto cdc = std::make_unique<BackgroundBinlake>(Cdc());
  Resolve("XA COMMIT 'pre','b',3");
  Prepare("X'0102',X'6271',7",
          "INSERT INTO app.t VALUES (10, 'xa-hex'); UPDATE app.t SET v = 'by-xa' WHERE id = 2");
  Sql("INSERT INTO app.t VALUES (20, 'between')");
  const std::string before_flush = server_->MasterPosition();
  Sql("FLUSH BINARY LOGS");  // the commit will be in binlog.000003, the body in binlog.000002
  ASSERT_TRUE(WaitForCheckpoint(std::chrono::seconds(60), before_flush)) << cdc->Log();
  // Checkpointed after the prepare: its rows are not visible yet.
  EXPECT_EQ(CdcRows(), (std::vector<std::string>{"I 3 pre-snapshot", "I 20 between"}));

  // The XA prepared before CDC's start was found in the source's binlogs, one file back.
  EXPECT_NE(cdc->Log().find("XA COMMIT of X'707265',X'62',3 at binlog.000002:"), std::string::npos)
      << cdc->Log();
  EXPECT_NE(cdc->Log().find("its XA PREPARE is at binlog.000001:"), std::string::npos);
  cdc->Stop(SIGKILL);
  Sql("INSERT INTO app.t VALUES (21, 'while stopped')");
  cdc = std::make_unique<BackgroundBinlake>(Cdc());
  Prepare("'rb'", "INSERT INTO app.t VALUES (30, 'rolled back'); DELETE FROM app.t WHERE id = 1");
  Sql("INSERT INTO app.t VALUES (22, 'between 2')");
  Resolve("XA ROLLBACK 'rb'");
  Resolve("XA COMMIT X'0102',X'6271',7");
  Sql("XA START 'one'; INSERT INTO app.t VALUES (40, 'one phase'); XA END 'one'; "
      "XA COMMIT 'one' ONE PHASE");
  Prepare("'a'", "INSERT INTO app.t VALUES (50, 'a')");
  Prepare("'b'", "INSERT INTO app.t VALUES (51, 'b')");
  Resolve("XA COMMIT 'b'");
  Resolve("XA COMMIT 'a'");
  ASSERT_TRUE(WaitForCheckpoint()) << cdc->Log();
  cdc->Stop(SIGTERM);
  EXPECT_FALSE(cdc->Running());
  // The restart took the pending prepare from the checkpoint and re-read its body from the
  // source, beside the running dump (which the re-read must not evict: no reconnect).
  const std::string log = cdc->Log();
  EXPECT_NE(log.find("1 prepared XA transaction(s) pending from the checkpoint"), std::string::npos)
      << log;
  EXPECT_NE(log.find("XA COMMIT of X'0102',X'6271',7 at binlog.000003:"), std::string::npos);
  EXPECT_NE(log.find("re-reading its XA PREPARE at binlog.000002:"), std::string::npos);
  EXPECT_NE(log.find(", 0 reconnects"), std::string::npos) << log;

  EXPECT_EQ(CdcRows(),
            (std::vector<std::string>{"I 3 pre-snapshot", "I 20 between", "I 21 while stopped",
                                      "I 22 between 2", "I 10 xa-hex", "U 2 by-xa",
                                      "I 40 one phase", "I 51 b", "I 50 a"}))
      << cdc->Log();
  EXPECT_EQ(TargetTable(), SourceTable());
}

// The binlog file holding a pending prepare is purged before its XA COMMIT (MariaDB purges it
// once its binlog checkpoint passed, prepared XA or not): CDC stops with one line naming the
// XID instead of losing the rows, and commits nothing past the XA COMMIT.
TEST_F(CdcXaTest, CommitWhosePrepareWasPurgedStopsWithAClearError) {
  Sql("INSERT INTO app.t VALUES (1, 'base')");
  FullLoad();
  if (HasFatalFailure()) return;
  Prepare("'gone'", "INSERT INTO app.t VALUES (7, 'gone')");
  Sql("FLUSH BINARY LOGS");
  Sql("INSERT INTO app.t VALUES (8, 'kept')");
  CommandResult first = Binlake(Cdc() + " --stop-at " + server_->MasterPosition());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Sql("FLUSH BINARY LOGS");
  // Purged once the server's binlog checkpoint moved past binlog.000001 (poll with a deadline).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string oldest;
  while (std::chrono::steady_clock::now() < deadline) {
    Sql("PURGE BINARY LOGS TO 'binlog.000002'");
    auto logs = server_->Query("SHOW BINARY LOGS");
    ASSERT_TRUE(logs.ok());
    oldest = *(*logs)[0][0];
    if (oldest != "binlog.000001") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(oldest, "binlog.000002");
  Resolve("XA COMMIT 'gone'");
  const std::string end = server_->MasterPosition();
  CommandResult second = Binlake(Cdc() + " --stop-at " + end);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(second.err, m, std::regex("binlake: error: ([^\\n]*)\\n")))
      << second.err;
  const std::string error = m[1];
  EXPECT_NE(error.find("XA COMMIT of X'676f6e65',X'',1 at binlog.000003:"), std::string::npos)
      << error;
  EXPECT_NE(error.find("binlog.000001"), std::string::npos) << error;
  EXPECT_NE(error.find("rows cannot be delivered"), std::string::npos) << error;
  EXPECT_EQ(CdcRows(), (std::vector<std::string>{"I 8 kept"}));
  EXPECT_FALSE(WaitForCheckpoint(std::chrono::seconds(1)));
}

}  // namespace
}  // namespace binlake
