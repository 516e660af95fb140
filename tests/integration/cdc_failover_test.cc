// Failover end to end, with two real MariaDB servers in GTID replication on this machine: a
// primary (log_bin, gtid_strict_mode) and a replica of it (log_bin, log_slave_updates,
// gtid_strict_mode, read_only; CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos). `binlake run`
// is given both in one --source URL (mysql://root@127.0.0.1:P1,127.0.0.1:P2). sysbench writes
// to the primary; once the replica caught up (MASTER_GTID_WAIT) the primary is SIGKILLed and the
// replica promoted (STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only=OFF), and sysbench writes
// to it. The binlog files and offsets of the two servers differ, so binlake must continue on the
// replica by GTID (docs/COMMIT-PROTOCOL.md, "Failover"):
//   1. the full load plus the CDC files, applied in the order binlake wrote them (file names,
//      then lines), equal the promoted replica's tables, and the CDC files hold exactly as many
//      rows as the replica's binlog has row changes after the full load's snapshot GTID;
//   2. when the replica lacks transactions binlake already committed (its SQL thread was stopped
//      before they came), binlake stops with a clear error, exit code 1, and writes nothing more;
//   3. also when the replica, promoted while the primary still ran, wrote so much of its own that
//      its gtid_binlog_pos is past the checkpoint's GTID (binlog/gtid_coverage.h).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/cdc_oracle.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::BinlakeProcess;
using testing::CommandResult;
using testing::MariaDbServer;
using testing::RunShell;
using testing::ShellQuote;
using Clock = std::chrono::steady_clock;

constexpr int kTables = 2;

std::string Value(MariaDbServer& server, const std::string& sql) {
  auto rows = server.Query(sql);
  if (!rows.ok() || rows->empty() || (*rows)[0].empty()) return "";
  return (*rows)[0][0].value_or("");
}

// The sequence number of domain 0 in a MariaDB GTID list "0-1-100,1-2-7" (0 if absent).
uint64_t Domain0Seq(const std::string& list) {
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \n"));
    if (item.rfind("0-", 0) == 0) return std::stoull(item.substr(item.rfind('-') + 1));
  }
  return 0;
}

std::vector<std::string> Lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<fs::path> FilesStartingWith(const fs::path& dir, char first) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (!name.empty() && name[0] == first) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CdcFailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    started_ = Clock::now();
    auto p = MariaDbServer::Start({"server-id=1", "gtid_strict_mode=ON", "log_slave_updates=ON"});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    primary_ = std::move(p).value();
    auto r = MariaDbServer::Start(
        {"server-id=2", "gtid_strict_mode=ON", "log_slave_updates=ON", "read_only=ON"});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    replica_ = std::move(r).value();
    // The replica's binlog numbering runs ahead of the primary's, so their file names and
    // offsets differ as after any real failover (a replica built from a backup, RDS, Galera).
    ASSERT_TRUE(
        replica_
            ->Execute("FLUSH BINARY LOGS; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" +
                      std::to_string(primary_->port()) +
                      ", MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE")
            .ok());
    dir_ = fs::temp_directory_path() /
           ("binlake-failover-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(primary_->Execute("CREATE DATABASE sbtest").ok());
    Sysbench(*primary_, "prepare", "");
    ASSERT_TRUE(WaitReplicaCaughtUp());
  }
  void TearDown() override {
    fs::remove_all(dir_);
    std::printf("[ failover test took %.1f s ]\n",
                std::chrono::duration<double>(Clock::now() - started_).count());
  }

  std::string Target() const { return "file://" + (dir_ / "out").string(); }
  // Both servers in one URL: the primary first.
  std::string Args() const {
    return "run --source mysql://root@127.0.0.1:" + std::to_string(primary_->port()) +
           ",127.0.0.1:" + std::to_string(replica_->port()) + " --tls-mode disabled --target " +
           ShellQuote(Target()) + " --set CdcMaxBatchInterval=1 --progress off";
  }

  void Sysbench(MariaDbServer& server, const std::string& command, const std::string& extra) {
    CommandResult r = RunShell(
        "sysbench oltp_write_only --db-driver=mysql --mysql-socket=" + ShellQuote(server.socket()) +
        " --mysql-user=root --mysql-db=sbtest --tables=" + std::to_string(kTables) +
        " --table-size=2000 " + extra + " " + command);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // MASTER_GTID_WAIT on the replica for the primary's whole binlog (60 s at most).
  bool WaitReplicaCaughtUp() {
    std::string gtid = Value(*primary_, "SELECT @@GLOBAL.gtid_binlog_pos");
    return Value(*replica_, "SELECT MASTER_GTID_WAIT('" + gtid + "', 60)") == "0";
  }

  // `binlake status --json` of the target (an empty object if it fails).
  nlohmann::json Status() {
    CommandResult r = RunShell(ShellQuote(testing::BinlakeProgram()) + " status --json --target " +
                               ShellQuote(Target()));
    if (r.exit_code != 0) return nlohmann::json::object();
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
  }

  // Waits until the full load in the target is complete (CDC streams from then on).
  bool WaitForFullLoad(BinlakeProcess& binlake, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && binlake.Running()) {
      nlohmann::json j = Status();
      if (j.contains("full_load") && j["full_load"].value("status", "") == "complete") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // Waits until the newest checkpoint's GTID list reaches `gtid` in domain 0.
  bool WaitForCheckpointCovering(const std::string& gtid, BinlakeProcess& binlake,
                                 std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    const uint64_t wanted = Domain0Seq(gtid);
    while (Clock::now() < deadline && binlake.Running()) {
      nlohmann::json j = Status();
      if (j.contains("cdc") && Domain0Seq(j["cdc"].value("gtid_set", "")) >= wanted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The table as the target says: its LOAD files, then its CDC files applied in the order
  // binlake wrote them (names increase with every batch; lines in commit order). Rows
  // "id,k,c,pad" by id.
  std::map<long, std::string> TargetRows(const std::string& table) {
    std::map<long, std::string> rows;
    fs::path folder = dir_ / "out/sbtest" / table;
    for (const fs::path& f : FilesStartingWith(folder, 'L')) {
      for (const std::string& line : Lines(f)) rows[std::stol(line)] = line;
    }
    for (const fs::path& f : FilesStartingWith(folder, '2')) {
      for (const std::string& line : Lines(f)) {
        std::string row = line.substr(2);  // after "Op,"
        if (line[0] == 'D') {
          rows.erase(std::stol(row));
        } else {
          rows[std::stol(row)] = row;
        }
      }
    }
    return rows;
  }

  std::map<long, std::string> SourceRows(MariaDbServer& server, const std::string& table) {
    std::map<long, std::string> rows;
    auto r = server.Query("SELECT id, CONCAT_WS(',', id, k, c, pad) FROM sbtest." + table);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return rows;
    for (const auto& row : *r) rows[std::stol(*row[0])] = *row[1];
    return rows;
  }

  uint64_t TargetCdcRows() {
    uint64_t n = 0;
    for (int t = 1; t <= kTables; ++t) {
      for (const fs::path& f :
           FilesStartingWith(dir_ / "out/sbtest" / ("sbtest" + std::to_string(t)), '2')) {
        n += Lines(f).size();
      }
    }
    return n;
  }

  // Row changes of the sbtest tables in `server`'s binlog in transactions after domain 0's
  // sequence number `after`, counted by the server's own mariadb-binlog.
  uint64_t SourceRowChangesAfter(MariaDbServer& server, uint64_t after) {
    std::string files;
    auto logs = server.Query("SHOW BINARY LOGS");
    EXPECT_TRUE(logs.ok());
    if (!logs.ok()) return 0;
    for (const auto& row : *logs)
      files += " " + ShellQuote(server.state_dir() + "/data/" + *row[0]);
    CommandResult r = RunShell("mariadb-binlog -v" + files);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::stringstream in(r.out);
    std::string line;
    uint64_t seq = 0, n = 0;
    while (std::getline(in, line)) {
      size_t g = line.find("GTID 0-");
      if (line[0] == '#' && g != std::string::npos) {
        std::string gtid = line.substr(g + 5);
        gtid = gtid.substr(0, gtid.find(' '));
        seq = Domain0Seq(gtid);
      } else if (seq > after && (line.rfind("### INSERT INTO `sbtest`.", 0) == 0 ||
                                 line.rfind("### UPDATE `sbtest`.", 0) == 0 ||
                                 line.rfind("### DELETE FROM `sbtest`.", 0) == 0)) {
        ++n;
      }
    }
    return n;
  }

  std::string SnapshotGtid() {
    std::ifstream in(dir_ / "out/_binlake/full_load.json");
    auto j = nlohmann::json::parse(in, nullptr, false);
    return j.is_discarded() ? "" : j["snapshot"].value("gtid_set", "");
  }

  // Stops the replica's SQL thread, writes to the primary and waits until binlake committed
  // those writes: the primary's gtid_binlog_pos, which the replica lacks ("" on failure).
  std::string CommitWhileReplicaStopped(BinlakeProcess& binlake) {
    EXPECT_TRUE(WaitForFullLoad(binlake, std::chrono::seconds(60))) << binlake.Log();
    EXPECT_TRUE(replica_->Execute("STOP SLAVE SQL_THREAD").ok());
    Sysbench(*primary_, "run", "--time=2 --threads=1 --rate=50");
    std::string committed = Value(*primary_, "SELECT @@GLOBAL.gtid_binlog_pos");
    if (!WaitForCheckpointCovering(committed, binlake, std::chrono::seconds(60))) {
      ADD_FAILURE() << "binlake did not commit " << committed << ":\n" << binlake.Log();
      return "";
    }
    return committed;
  }

  // The target's checkpoints and sbtest1 change files.
  struct Written {
    std::vector<fs::path> checkpoints, files;
  };
  Written WrittenNow() {
    return {FilesStartingWith(dir_ / "out/_binlake/cdc", 'c'),
            FilesStartingWith(dir_ / "out/sbtest/sbtest1", '2')};
  }

  // binlake ends with exit code 1 and the one-line error naming the replica, and writes nothing
  // after `before`.
  void ExpectStoppedWithoutWriting(BinlakeProcess& binlake, const Written& before) {
    ASSERT_TRUE(binlake.WaitExit(std::chrono::seconds(60))) << "binlake still runs:\n"
                                                            << binlake.Log();
    EXPECT_EQ(binlake.exit_code(), 1) << binlake.DescribeExit() << "\n" << binlake.Log();
    const std::string log = binlake.Log();
    EXPECT_NE(
        log.find("binlake: error: the source root@127.0.0.1:" + std::to_string(replica_->port()) +
                 " (server_id=2) lacks transactions the checkpoint already covers: 0-1-"),
        std::string::npos)
        << log;
    EXPECT_NE(log.find("(diverged or errant server)"), std::string::npos) << log;
    const Written after = WrittenNow();
    EXPECT_EQ(after.checkpoints, before.checkpoints);
    EXPECT_EQ(after.files, before.files);
  }

  void Promote() {
    ASSERT_TRUE(replica_->Execute("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF").ok());
  }

  Clock::time_point started_;
  std::unique_ptr<MariaDbServer> primary_;
  std::unique_ptr<MariaDbServer> replica_;
  fs::path dir_;
};

// 1. The primary dies under load; binlake continues on the promoted replica, nothing lost or
//    doubled.
TEST_F(CdcFailoverTest, ContinuesOnPromotedReplicaByGtid) {
  BinlakeProcess binlake(Args());
  Sysbench(*primary_, "run", "--time=4 --threads=2 --rate=100");
  ASSERT_TRUE(WaitReplicaCaughtUp());
  // binlake has committed part of the primary's history (at least the first batch).
  ASSERT_TRUE(WaitForCheckpointCovering("0-1-1", binlake, std::chrono::seconds(60)))
      << binlake.Log();
  ASSERT_TRUE(primary_->Kill().ok());
  Promote();
  Sysbench(*replica_, "run", "--time=3 --threads=2 --rate=100");
  const std::string end = Value(*replica_, "SELECT @@GLOBAL.gtid_binlog_pos");
  ASSERT_TRUE(WaitForCheckpointCovering(end, binlake, std::chrono::seconds(90))) << binlake.Log();
  EXPECT_TRUE(binlake.Kill(SIGTERM)) << binlake.Log();
  const std::string log = binlake.Log();
  EXPECT_NE(log.find("cdc stopped (interrupted)"), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1:" + std::to_string(replica_->port())), std::string::npos) << log;

  // The last checkpoint is the replica's: its server and a position in its binlog.
  nlohmann::json status = Status();
  EXPECT_EQ(status["cdc"].value("server", ""), "server_id=2") << status.dump();
  EXPECT_EQ(Domain0Seq(status["cdc"].value("gtid_set", "")), Domain0Seq(end)) << status.dump();

  for (int t = 1; t <= kTables; ++t) {
    std::string table = "sbtest" + std::to_string(t);
    std::map<long, std::string> target = TargetRows(table), source = SourceRows(*replica_, table);
    EXPECT_EQ(target.size(), source.size()) << table;
    EXPECT_TRUE(target == source) << table << ": the target differs from the promoted replica";
  }
  uint64_t snapshot_seq = Domain0Seq(SnapshotGtid());
  ASSERT_GT(snapshot_seq, 0u);
  uint64_t expected = SourceRowChangesAfter(*replica_, snapshot_seq);
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(TargetCdcRows(), expected);
}

// 2. The replica never got transactions binlake already committed (its SQL thread stopped
//    before they came), the primary dies, the replica is promoted: binlake refuses it.
TEST_F(CdcFailoverTest, StopsOnReplicaMissingCommittedTransactions) {
  BinlakeProcess binlake(Args());
  const std::string committed = CommitWhileReplicaStopped(binlake);
  ASSERT_FALSE(committed.empty());
  const Written before = WrittenNow();
  ASSERT_TRUE(primary_->Kill().ok());
  Promote();
  ExpectStoppedWithoutWriting(binlake, before);
}

// 3. The same, but the replica was promoted while the primary still ran (split brain) and took
//    writes of its own, so its gtid_binlog_pos (0-2-N) is past the checkpoint's 0-1-M although
//    it never got 0-1-M: only the per-server state (gtid_binlog_state) shows the gap.
TEST_F(CdcFailoverTest, StopsOnPromotedReplicaWhoseOwnWritesHideTheGap) {
  BinlakeProcess binlake(Args());
  const std::string committed = CommitWhileReplicaStopped(binlake);
  ASSERT_FALSE(committed.empty());
  Promote();
  std::string sql = "CREATE TABLE sbtest.errant (id INT PRIMARY KEY)";
  for (uint64_t i = 0; i < Domain0Seq(committed) + 10; ++i) {
    sql += "; INSERT INTO sbtest.errant VALUES (" + std::to_string(i) + ")";
  }
  ASSERT_TRUE(replica_->Execute(sql).ok());
  ASSERT_GT(Domain0Seq(Value(*replica_, "SELECT @@GLOBAL.gtid_binlog_pos")), Domain0Seq(committed));
  const Written before = WrittenNow();
  ASSERT_TRUE(primary_->Kill().ok());
  ExpectStoppedWithoutWriting(binlake, before);
}

}  // namespace
}  // namespace binlake
