// The CDC pre-flight and the stream's errors against real MariaDB servers (purged binlogs,
// missing grants, STATEMENT format, binlog off), plus a throughput figure over a sysbench
// binlog (printed, not asserted).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "source/replica_preflight.h"
#include "source/replica_test_util.h"

namespace binlake {
namespace {

using replica_testing::Config;
using replica_testing::Now;
using replica_testing::Options;
using ::testing::HasSubstr;
using testing::MariaDbServer;
using testing::RunShell;
using testing::ShellQuote;

std::unique_ptr<MariaDbServer> StartServer(const std::vector<std::string>& cnf = {}) {
  auto s = MariaDbServer::Start(cnf);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

CdcPreflightReport Preflight(const MariaDbServer& server, const StreamStart& start,
                             const std::string& user = "root", const std::string& pw = "",
                             uint32_t server_id = 0) {
  auto conn = MysqlConnection::Open(Config(server, user, pw));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return {};
  auto r = CheckForCdc(**conn, start, server_id);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : CdcPreflightReport{};
}

std::string Joined(const CdcPreflightReport& r) {
  std::string all;
  for (const Status& e : r.errors)
    all += "[" + std::string(StatusCodeName(e.code())) + "] " + e.message() + "\n";
  return all;
}

TEST(CdcPreflightTest, ReadyServerPassesAndReportsRetention) {
  auto server = StartServer({"binlog_expire_logs_seconds=604800"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server
                  ->Execute("CREATE USER repl@'%' IDENTIFIED BY 'pw'; "
                            "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO repl@'%'")
                  .ok());
  binlog::BinlogPosition now = Now(*server);
  CdcPreflightReport r =
      Preflight(*server, StreamStart::At(now.file, now.position), "repl", "pw", 4242);
  EXPECT_TRUE(r.ok()) << Joined(r);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.retention_seconds, 604800);
  EXPECT_THAT(r.info, ::testing::Contains(HasSubstr("binlog retention: 7 day(s)")));
  EXPECT_EQ(r.binlog_checksum, "CRC32");
  ASSERT_FALSE(r.binlogs.empty());
  EXPECT_EQ(r.binlogs.back().name, now.file);
  // The same user can stream.
  StreamOptions o = Options(*server, StreamStart::At(now.file, now.position));
  o.connection = Config(*server, "repl", "pw");
  auto stream = BinlogEventStream::Open(o);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  auto first = (*stream)->Next();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->IsFakeRotate());
  // The source's own server_id is refused.
  CdcPreflightReport same =
      Preflight(*server, StreamStart::At(now.file, now.position), "repl", "pw", /*server_id=*/1);
  ASSERT_EQ(same.errors.size(), 1u) << Joined(same);
  EXPECT_THAT(same.errors[0].message(), HasSubstr("the source's own server_id"));
}

TEST(CdcPreflightTest, MissingGrantsAreNamed) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(
      server
          ->Execute(
              "CREATE USER mon@'%' IDENTIFIED BY 'pw'; GRANT BINLOG MONITOR ON *.* TO mon@'%'; "
              "CREATE USER slave@'%' IDENTIFIED BY 'pw'; GRANT REPLICATION SLAVE ON *.* TO "
              "slave@'%'")
          .ok());
  binlog::BinlogPosition now = Now(*server);
  StreamStart start = StreamStart::At(now.file, now.position);

  CdcPreflightReport mon = Preflight(*server, start, "mon", "pw");
  ASSERT_EQ(mon.errors.size(), 1u) << Joined(mon);
  EXPECT_EQ(mon.errors[0].code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(mon.errors[0].message(),
              HasSubstr("lacks REPLICATION SLAVE, needed to read the binlog: GRANT REPLICATION "
                        "SLAVE ON *.* TO 'mon'@'%'"));
  // The dump itself says the same.
  StreamOptions o = Options(*server, start);
  o.connection = Config(*server, "mon", "pw");
  auto stream = BinlogEventStream::Open(o);
  EXPECT_EQ(stream.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(stream.status().message(), HasSubstr("GRANT REPLICATION SLAVE ON *.* TO 'mon'"));

  CdcPreflightReport slave = Preflight(*server, start, "slave", "pw");
  ASSERT_EQ(slave.errors.size(), 1u) << Joined(slave);
  EXPECT_EQ(slave.errors[0].code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(slave.errors[0].message(), HasSubstr("GRANT BINLOG MONITOR ON *.* TO 'slave'@'%'"));
}

TEST(CdcPreflightTest, StatementFormatAndMinimalImageSayWhatToSet) {
  auto server = StartServer(
      {"binlog_format=STATEMENT", "binlog_row_image=MINIMAL", "binlog_row_metadata=MINIMAL"});
  ASSERT_NE(server, nullptr);
  binlog::BinlogPosition now = Now(*server);
  CdcPreflightReport r = Preflight(*server, StreamStart::At(now.file, now.position));
  ASSERT_EQ(r.errors.size(), 2u) << Joined(r);
  EXPECT_EQ(r.errors[0].code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(r.errors[0].message(),
              HasSubstr("binlog_format is STATEMENT, CDC needs ROW: SET GLOBAL binlog_format=ROW"));
  EXPECT_THAT(r.errors[1].message(), HasSubstr("SET GLOBAL binlog_row_image=FULL"));
  EXPECT_THAT(r.warnings, ::testing::Contains(HasSubstr("binlog_row_metadata=FULL")));
}

TEST(CdcPreflightTest, BinlogOff) {
  auto server = StartServer({"skip-log-bin"});
  ASSERT_NE(server, nullptr);
  CdcPreflightReport r = Preflight(*server, StreamStart::At("binlog.000001", 4));
  ASSERT_EQ(r.errors.size(), 1u) << Joined(r);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("the binary log is off (log_bin=OFF)"));
}

TEST(PurgedBinlogTest, FileAndGtidStartsGiveTheWayOut) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY)").ok());
  binlog::BinlogPosition old = Now(*server);
  ASSERT_TRUE(server
                  ->Execute("INSERT INTO d.t VALUES (1); FLUSH BINARY LOGS; "
                            "INSERT INTO d.t VALUES (2); FLUSH BINARY LOGS; "
                            "INSERT INTO d.t VALUES (3)")
                  .ok());
  binlog::BinlogPosition now = Now(*server);
  ASSERT_NE(now.file, old.file);
  // MariaDB keeps a file until InnoDB has checkpointed its transactions (no error, no
  // warning), so purge until the old file is gone, with a deadline.
  std::string oldest;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(server->Execute("PURGE BINARY LOGS TO '" + now.file + "'").ok());
    auto logs = server->Query("SHOW BINARY LOGS");
    ASSERT_TRUE(logs.ok() && !logs->empty());
    oldest = (*logs)[0][0].value_or("");
    if (oldest != old.file) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(oldest, old.file) << "PURGE BINARY LOGS did not remove " << old.file;

  StreamStart by_file = StreamStart::At(old.file, old.position);
  auto stream = BinlogEventStream::Open(Options(*server, by_file));
  EXPECT_EQ(stream.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(stream.status().message(),
              HasSubstr("binlog file " + old.file + " is no longer on the source"));
  EXPECT_THAT(stream.status().message(), HasSubstr("run a new full load"));
  CdcPreflightReport r = Preflight(*server, by_file);
  ASSERT_EQ(r.errors.size(), 1u) << Joined(r);
  EXPECT_EQ(r.errors[0].code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("oldest binlog on the source is " + oldest));
  EXPECT_THAT(r.errors[0].message(), HasSubstr("run a new full load"));

  StreamStart by_gtid = StreamStart::AfterMariaDbGtid(old.gtid_set);
  auto gtid_stream = BinlogEventStream::Open(Options(*server, by_gtid));
  EXPECT_EQ(gtid_stream.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(gtid_stream.status().message(), HasSubstr("GTID " + old.gtid_set));
  EXPECT_THAT(gtid_stream.status().message(), HasSubstr("run a new full load"));
  CdcPreflightReport g = Preflight(*server, by_gtid);
  ASSERT_EQ(g.errors.size(), 1u) << Joined(g);
  EXPECT_THAT(g.errors[0].message(), HasSubstr("older than the source's binlog"));
  // The position of now is still fine, by file and by GTID.
  EXPECT_TRUE(Preflight(*server, StreamStart::At(now.file, now.position)).ok());
  EXPECT_TRUE(Preflight(*server, StreamStart::AfterMariaDbGtid(now.gtid_set)).ok());
  EXPECT_TRUE(
      BinlogEventStream::Open(Options(*server, StreamStart::AfterMariaDbGtid(now.gtid_set))).ok());
}

// Streams a sysbench oltp_write_only binlog and prints events/s and MB/s, next to
// `mariadb-binlog --read-from-remote-server --raw` (the server's own client) over the same files.
TEST(ThroughputTest, SysbenchBinlog) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Execute("CREATE DATABASE sbtest").ok());
  const std::string sb =
      "sysbench oltp_write_only --db-driver=mysql --mysql-socket=" + ShellQuote(server->socket()) +
      " --mysql-user=root --mysql-db=sbtest --tables=4 --table-size=10000 "
      "--threads=2 ";
  auto prep = RunShell(sb + "prepare >/dev/null");
  ASSERT_EQ(prep.exit_code, 0) << prep.err;
  auto run = RunShell(sb + "--time=10 run >/dev/null");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  binlog::BinlogPosition end = Now(*server);

  auto timed = [&](bool decode, uint64_t* events, uint64_t* bytes, uint64_t* rows) {
    StreamOptions o = Options(*server, StreamStart::At("binlog.000001", 4));
    auto replica = replica_testing::OpenReplica(o);
    EXPECT_NE(replica, nullptr);
    if (!replica) return 0.0;
    auto t0 = std::chrono::steady_clock::now();
    if (decode) {
      Status st = replica->RunTo(end, std::chrono::seconds(300));
      EXPECT_TRUE(st.ok()) << st.ToString();
      *rows = replica->pump().stats().row_changes;
    } else {
      auto& s = replica->stream();
      while (!(s.current_file() == end.file && s.next_position() >= end.position)) {
        auto ev = s.Next();
        EXPECT_TRUE(ev.ok()) << ev.status().ToString();
        if (!ev.ok()) break;
      }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    *events = replica->stream().events();
    *bytes = replica->stream().bytes();
    return secs;
  };
  uint64_t events = 0, bytes = 0, rows = 0;
  double raw = timed(false, &events, &bytes, &rows);
  double decoded = timed(true, &events, &bytes, &rows);
  EXPECT_GT(rows, 0u);

  std::string dir = server->state_dir() + "/tmp/raw/";
  auto t0 = std::chrono::steady_clock::now();
  auto peer =
      RunShell("mkdir -p " + ShellQuote(dir) +
               " && mariadb-binlog -R --raw "
               "--host=127.0.0.1 --port=" +
               std::to_string(server->port()) +
               " --user=root --to-last-log --result-file=" + ShellQuote(dir) + " binlog.000001");
  double peer_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(peer.exit_code, 0) << peer.err;

  double mb = static_cast<double>(bytes) / 1e6;
  std::printf("[throughput] sysbench binlog: %llu events, %.1f MB, %llu row changes\n",
              static_cast<unsigned long long>(events), mb, static_cast<unsigned long long>(rows));
  std::printf("[throughput] stream only:        %.2f s, %.0f events/s, %.1f MB/s\n", raw,
              static_cast<double>(events) / raw, mb / raw);
  std::printf("[throughput] stream + EventPump: %.2f s, %.0f events/s, %.1f MB/s, %.0f rows/s\n",
              decoded, static_cast<double>(events) / decoded, mb / decoded,
              static_cast<double>(rows) / decoded);
  std::printf("[throughput] mariadb-binlog -R --raw (peer): %.2f s; stream-only ratio %.2fx\n",
              peer_secs, peer_secs / raw);
}

}  // namespace
}  // namespace binlake
