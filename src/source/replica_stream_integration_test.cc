// BinlogEventStream against a real MariaDB: events fed to binlog::EventPump must give exactly the
// row changes made after the start (file:pos or GTID; a MySQL GTID set is refused), heartbeats
// on an idle source, Cancel(), a server restart mid-stream with resume from the last commit,
// checksum NONE, compressed events, and a throughput figure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include "source/replica_retry.h"
#include "source/replica_test_util.h"

namespace binlake {
namespace {

using replica_testing::Cells;
using replica_testing::Ids;
using replica_testing::Now;
using replica_testing::OpenReplica;
using replica_testing::Options;
using ::testing::HasSubstr;
using testing::MariaDbServer;

class StreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = MariaDbServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value().release();
    ASSERT_TRUE(server_
                    ->Execute(R"sql(
      CREATE DATABASE shop;
      CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2),
                               seen DATETIME(6), note MEDIUMTEXT);
    )sql")
                    .ok());
  }
  static void TearDownTestSuite() { delete server_; }
  static MariaDbServer* server_;
};
MariaDbServer* StreamTest::server_ = nullptr;

TEST_F(StreamTest, DeliversExactlyTheRowChangesAfterAPosition) {
  ASSERT_TRUE(server_->Execute("INSERT INTO shop.items VALUES (1,'before',1,NULL,NULL)").ok());
  binlog::BinlogPosition start = Now(*server_);
  ASSERT_TRUE(server_
                  ->Execute(R"sql(
    INSERT INTO shop.items VALUES (10,'zehn',10.50,'2024-02-29 23:59:59.123456','ü€😀'),
                                  (11,NULL,-0.01,NULL,'');
    BEGIN; UPDATE shop.items SET name='elf' WHERE id=11; DELETE FROM shop.items WHERE id=1;
    COMMIT;
    INSERT INTO shop.items VALUES (12,'zwölf',12,'1999-12-31 00:00:00',REPEAT('x',70000));
  )sql")
                  .ok());
  binlog::BinlogPosition end = Now(*server_);

  auto replica = OpenReplica(Options(*server_, StreamStart::At(start.file, start.position)));
  ASSERT_NE(replica, nullptr);
  EXPECT_EQ(replica->stream().current_file(), start.file);
  ASSERT_TRUE(replica->RunTo(end).ok());
  const auto& rows = replica->committed;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].after, (Cells{"10", "zehn", "10.50", "2024-02-29 23:59:59.123456", "ü€😀"}));
  EXPECT_EQ(rows[1].after, (Cells{"11", std::nullopt, "-0.01", std::nullopt, ""}));
  EXPECT_EQ(rows[2].op, binlog::RowOp::kUpdate);
  EXPECT_EQ(rows[2].before[1], std::nullopt);
  EXPECT_EQ(rows[2].after[1], "elf");
  EXPECT_EQ(rows[3].op, binlog::RowOp::kDelete);
  EXPECT_EQ(rows[3].before, (Cells{"1", "before", "1.00", std::nullopt, std::nullopt}));
  EXPECT_EQ(rows[4].after[1], "zwölf");
  EXPECT_EQ(rows[4].after[4], std::string(70000, 'x'));
  for (const auto& r : rows) EXPECT_EQ(r.table, "shop.items");
  EXPECT_EQ(replica->last_commit.file, end.file);
  EXPECT_EQ(replica->last_commit.position, end.position);
  EXPECT_EQ(replica->last_commit_gtid, end.gtid_set);
  EXPECT_TRUE(replica->stream().checksums());
  EXPECT_GE(replica->fake_rotates, 1);
}

// An event larger than a protocol packet (16 MiB) arrives split in several packets; the stream
// must hand it over whole.
TEST_F(StreamTest, EventLargerThanOnePacket) {
  ASSERT_TRUE(server_->Execute("CREATE TABLE shop.big (id INT PRIMARY KEY, b LONGBLOB)").ok());
  binlog::BinlogPosition start = Now(*server_);
  ASSERT_TRUE(server_->Execute("INSERT INTO shop.big VALUES (1, REPEAT('y', 20 << 20))").ok());
  binlog::BinlogPosition end = Now(*server_);
  auto replica = OpenReplica(Options(*server_, StreamStart::At(start.file, start.position)));
  ASSERT_NE(replica, nullptr);
  ASSERT_TRUE(replica->RunTo(end).ok());
  ASSERT_EQ(replica->committed.size(), 1u);
  const Cells& after = replica->committed[0].after;
  ASSERT_EQ(after.size(), 2u);
  ASSERT_TRUE(after[1].has_value());
  EXPECT_EQ(after[1]->size(), size_t{2} * (20 << 20));  // hex of 20 MiB of 'y'
  EXPECT_EQ(after[1]->find_first_not_of("79"), std::string::npos);
  EXPECT_GT(replica->stream().bytes(), uint64_t{20} << 20);
}

// The stream read from the socket directly (raw_packet_reader.h, used without TLS) and through
// Connector/C (used with TLS) hands over the same events: same rows, commits, bytes and count.
TEST_F(StreamTest, RawSocketReadsWithOrWithoutReadAheadEqualConnectorReads) {
  ASSERT_TRUE(server_->Execute("CREATE TABLE shop.mixed (id INT PRIMARY KEY, b LONGBLOB)").ok());
  binlog::BinlogPosition start = Now(*server_);
  ASSERT_TRUE(server_
                  ->Execute("INSERT INTO shop.mixed VALUES (1, REPEAT('a', 100)), "
                            "(2, REPEAT('b', 17 << 20)); UPDATE shop.mixed SET b = 'c' WHERE "
                            "id = 2; DELETE FROM shop.mixed WHERE id = 1")
                  .ok());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(server_
                    ->Execute("INSERT INTO shop.mixed VALUES (" + std::to_string(100 + i) +
                              ", REPEAT('d', " + std::to_string(i * 97) + "))")
                    .ok());
  }
  binlog::BinlogPosition end = Now(*server_);
  // Connector/C reads, raw reads on a read-ahead thread, raw reads on the caller's thread.
  struct Variant {
    bool raw;
    size_t prefetch_bytes;
  };
  const std::vector<Variant> variants = {{false, 0}, {true, size_t{4} << 20}, {true, 0}};
  std::vector<std::unique_ptr<replica_testing::Replica>> replicas;
  for (const Variant& v : variants) {
    StreamOptions o = Options(*server_, StreamStart::At(start.file, start.position));
    o.raw_socket_reads = v.raw;
    o.prefetch_bytes = v.prefetch_bytes;
    replicas.push_back(OpenReplica(o));
    ASSERT_NE(replicas.back(), nullptr);
    ASSERT_TRUE(replicas.back()->RunTo(end).ok()) << "raw " << v.raw << " " << v.prefetch_bytes;
  }
  auto& a = *replicas[0];
  ASSERT_EQ(a.committed.size(), 204u);
  for (size_t r = 1; r < replicas.size(); ++r) {
    auto& b = *replicas[r];
    ASSERT_EQ(b.committed.size(), a.committed.size()) << r;
    for (size_t i = 0; i < a.committed.size(); ++i) {
      EXPECT_EQ(b.committed[i].op, a.committed[i].op) << r << " " << i;
      EXPECT_EQ(b.committed[i].before, a.committed[i].before) << r << " " << i;
      EXPECT_EQ(b.committed[i].after, a.committed[i].after) << r << " " << i;
    }
    EXPECT_EQ(b.last_commit.position, a.last_commit.position) << r;
    EXPECT_EQ(b.last_commit.position, end.position) << r;
    EXPECT_EQ(b.stream().bytes(), a.stream().bytes()) << r;
    EXPECT_EQ(b.stream().events(), a.stream().events()) << r;
  }
}

TEST_F(StreamTest, StartsAfterAMariaDbGtid) {
  ASSERT_TRUE(server_->Execute("INSERT INTO shop.items VALUES (20,'old',0,NULL,NULL)").ok());
  binlog::BinlogPosition start = Now(*server_);
  ASSERT_FALSE(start.gtid_set.empty());
  for (int i = 21; i <= 25; ++i) {
    ASSERT_TRUE(
        server_
            ->Execute("INSERT INTO shop.items VALUES (" + std::to_string(i) + ",'new',0,NULL,NULL)")
            .ok());
  }
  binlog::BinlogPosition end = Now(*server_);
  auto replica = OpenReplica(Options(*server_, StreamStart::AfterMariaDbGtid(start.gtid_set)));
  ASSERT_NE(replica, nullptr);
  ASSERT_TRUE(replica->RunTo(end).ok());
  EXPECT_EQ(Ids(replica->committed), (std::vector<int64_t>{21, 22, 23, 24, 25}));
  EXPECT_EQ(replica->committed.back().gtid, end.gtid_set);
  EXPECT_EQ(replica->last_commit.position, end.position);
}

// COM_BINLOG_DUMP_GTID is MySQL's: a MariaDB source gets a clear error, not the command.
TEST_F(StreamTest, MySqlGtidSetOnMariaDbIsRefused) {
  auto stream = BinlogEventStream::Open(Options(
      *server_, StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")));
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(stream.status().message(),
              HasSubstr("GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5 is a MySQL GTID set"));
  EXPECT_THAT(stream.status().message(), HasSubstr("is MariaDB"));
  EXPECT_THAT(stream.status().message(), HasSubstr("@@gtid_binlog_pos"));
}

TEST_F(StreamTest, HeartbeatsArriveOnAnIdleSource) {
  binlog::BinlogPosition end = Now(*server_);
  StreamOptions o = Options(*server_, StreamStart::At(end.file, end.position));
  o.heartbeat_period = std::chrono::milliseconds(300);
  auto replica = OpenReplica(o);
  ASSERT_NE(replica, nullptr);
  // No writes: every Step() after the file header must be a heartbeat, each within the read
  // timeout (2 periods + 1 s), or Next() fails with kNetworkError.
  while (replica->heartbeats < 3) {
    Status st = replica->Step();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(replica->stream().current_file(), end.file);
  EXPECT_EQ(replica->stream().next_position(), end.position);
  EXPECT_TRUE(replica->committed.empty());
}

// A source that stops answering (SIGSTOP: no heartbeats, no FIN) is noticed by the read timeout
// the heartbeat period sets: 2 periods + 1 s.
TEST_F(StreamTest, DeadSourceIsNoticedThroughMissingHeartbeats) {
  binlog::BinlogPosition end = Now(*server_);
  StreamOptions o = Options(*server_, StreamStart::At(end.file, end.position));
  o.heartbeat_period = std::chrono::milliseconds(300);
  auto replica = OpenReplica(o);
  ASSERT_NE(replica, nullptr);
  while (replica->heartbeats < 1) ASSERT_TRUE(replica->Step().ok());
  std::ifstream pid_file(server_->state_dir() + "/pid");
  pid_t pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGSTOP), 0);
  struct Resume {
    pid_t pid;
    ~Resume() { kill(pid, SIGCONT); }
  } resume{pid};
  Status st;
  while (st.ok()) st = replica->Step();
  EXPECT_EQ(st.code(), StatusCode::kNetworkError) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("no event or heartbeat from"));
}

// Polls the processlist until the dump thread of connection `id` waits for new events
// (deadline 30 s).
bool DumpThreadIsWaiting(MariaDbServer& server, unsigned long id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto rows = server.Query(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump' "
        "AND STATE LIKE '%waiting for more updates%' AND ID = " +
        std::to_string(id));
    if (rows.ok() && !rows->empty() && (*rows)[0][0] != "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_F(StreamTest, CancelEndsABlockedNext) {
  // With the read-ahead thread and without it (reads on the caller's thread).
  for (size_t prefetch_bytes : {size_t{4} << 20, size_t{0}}) {
    SCOPED_TRACE("prefetch_bytes " + std::to_string(prefetch_bytes));
    binlog::BinlogPosition end = Now(*server_);
    StreamOptions o = Options(*server_, StreamStart::At(end.file, end.position));
    o.prefetch_bytes = prefetch_bytes;
    o.heartbeat_period = std::chrono::milliseconds(0);  // Next() blocks for the 1 h read timeout
    o.connection.read_timeout_s = 3600;
    auto opened = BinlogEventStream::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    std::unique_ptr<BinlogEventStream> stream = std::move(opened).value();
    std::promise<Status> result;
    std::thread reader([&] {
      while (true) {
        auto ev = stream->Next();
        if (!ev.ok()) {
          result.set_value(ev.status());
          return;
        }
      }
    });
    ASSERT_TRUE(DumpThreadIsWaiting(*server_, stream->connection_id()));
    stream->Cancel();
    auto done = result.get_future();
    bool ended = done.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    if (!ended) {
      Status unblock = server_->Execute("KILL USER root");  // unblock the reader, then fail
      (void)unblock;
    }
    reader.join();
    ASSERT_TRUE(ended) << "Cancel() did not end the blocked Next()";
    Status st = done.get();
    EXPECT_EQ(st.code(), StatusCode::kCancelled) << st.ToString();
    EXPECT_EQ(stream->Next().status().code(), StatusCode::kCancelled);
  }
}

TEST(StreamRestartTest, ResumesFromTheLastCommitWithoutGapOrDuplicate) {
  auto s = MariaDbServer::Start();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  MariaDbServer& server = **s;
  ASSERT_TRUE(server.Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY)").ok());
  binlog::BinlogPosition start = Now(server);
  std::string sql;
  for (int i = 1; i <= 200; ++i) sql += "INSERT INTO d.t VALUES (" + std::to_string(i) + ");";
  ASSERT_TRUE(server.Execute(sql).ok());  // 200 transactions

  StreamOptions o = Options(server, StreamStart::At(start.file, start.position));
  auto replica = OpenReplica(o);
  ASSERT_NE(replica, nullptr);
  while (replica->committed.size() < 80) ASSERT_TRUE(replica->Step().ok());
  ASSERT_TRUE(server.Restart().ok());
  // The stream may still hand over what the source sent before it stopped, then must fail
  // with a retryable error.
  Status st;
  while (st.ok()) st = replica->Step();
  EXPECT_EQ(st.code(), StatusCode::kNetworkError) << st.ToString();
  size_t before = replica->committed.size();
  EXPECT_GE(before, 80u);

  o.start = StreamStart::At(replica->last_commit.file, replica->last_commit.position);
  SystemRetryClock clock;
  auto reopened = OpenStreamWithRetry(o, BackoffPolicy{}, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  replica->Attach(std::move(reopened).value());
  sql.clear();
  for (int i = 201; i <= 300; ++i) sql += "INSERT INTO d.t VALUES (" + std::to_string(i) + ");";
  ASSERT_TRUE(server.Execute(sql).ok());
  binlog::BinlogPosition end = Now(server);
  EXPECT_NE(end.file, start.file);  // the restart began a new binlog file
  ASSERT_TRUE(replica->RunTo(end).ok());
  std::vector<int64_t> want;
  for (int i = 1; i <= 300; ++i) want.push_back(i);
  EXPECT_EQ(Ids(replica->committed), want);
}

TEST(StreamVariantsTest, ChecksumNoneAndRotation) {
  auto s = MariaDbServer::Start({"binlog_checksum=NONE"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  MariaDbServer& server = **s;
  ASSERT_TRUE(
      server.Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)").ok());
  binlog::BinlogPosition start = Now(server);
  ASSERT_TRUE(server
                  .Execute("INSERT INTO d.t VALUES (1,'a'); FLUSH BINARY LOGS; "
                           "INSERT INTO d.t VALUES (2,'b'); FLUSH BINARY LOGS; "
                           "INSERT INTO d.t VALUES (3,'c')")
                  .ok());
  binlog::BinlogPosition end = Now(server);
  auto replica = OpenReplica(Options(server, StreamStart::At(start.file, start.position)));
  ASSERT_NE(replica, nullptr);
  EXPECT_FALSE(replica->stream().checksums());
  ASSERT_TRUE(replica->RunTo(end).ok());
  EXPECT_EQ(Ids(replica->committed), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(replica->committed[2].after, (Cells{"3", "c"}));
  EXPECT_EQ(replica->stream().current_file(), end.file);  // ROTATE names parsed without CRC
  EXPECT_EQ(replica->fake_rotates, 3);
}

TEST(StreamVariantsTest, CompressedEventsArriveIntact) {
  auto s = MariaDbServer::Start({"log_bin_compress=ON", "log_bin_compress_min_len=10"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  MariaDbServer& server = **s;
  ASSERT_TRUE(
      server.Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)").ok());
  binlog::BinlogPosition start = Now(server);
  ASSERT_TRUE(server
                  .Execute("INSERT INTO d.t VALUES (1, REPEAT('abc', 5000)), (2, 'short');"
                           "UPDATE d.t SET v = REPEAT('xyz', 3000) WHERE id = 2;"
                           "DELETE FROM d.t WHERE id = 1")
                  .ok());
  binlog::BinlogPosition end = Now(server);
  auto replica = OpenReplica(Options(server, StreamStart::At(start.file, start.position)));
  ASSERT_NE(replica, nullptr);
  ASSERT_TRUE(replica->RunTo(end).ok());
  const auto& rows = replica->committed;
  ASSERT_EQ(rows.size(), 4u);
  std::string abc, xyz;
  for (int i = 0; i < 5000; ++i) abc += "abc";
  for (int i = 0; i < 3000; ++i) xyz += "xyz";
  EXPECT_EQ(rows[0].after, (Cells{"1", abc}));
  EXPECT_EQ(rows[1].after, (Cells{"2", "short"}));
  EXPECT_EQ(rows[2].after, (Cells{"2", xyz}));
  EXPECT_EQ(rows[3].before, (Cells{"1", abc}));
  const auto& counts = replica->pump().stats().events;
  uint64_t compressed = 0;
  for (int type = 165; type <= 171; ++type) compressed += counts[type];
  EXPECT_GE(compressed, 3u);  // the rows events (and the DDL-free queries) came compressed
}

}  // namespace
}  // namespace binlake
