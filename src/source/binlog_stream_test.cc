// BinlogEventStream pieces that need no server: start positions, the default server_id, GTID
// list validation, the mapping of the source's dump errors, and argument checks in Open.
#include "source/binlog_stream.h"

#include <errmsg.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "support/test_servers.h"

namespace binlake {
namespace {

using ::testing::HasSubstr;

ConnectionConfig Source() {
  ConnectionConfig c;
  c.host = "db.example";
  c.port = 3306;
  c.user = "repl";
  c.password = "hunter2";
  return c;
}

TEST(StreamStartTest, Describes) {
  EXPECT_EQ(StreamStart::At("binlog.000003", 4711).ToString(), "binlog.000003:4711");
  EXPECT_EQ(StreamStart::AfterMariaDbGtid("0-1-100,1-2-7").ToString(), "GTID 0-1-100,1-2-7");
  EXPECT_EQ(StreamStart::AfterMariaDbGtid("").ToString(), "GTID (empty)");
  EXPECT_EQ(StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5").ToString(),
            "GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
}

TEST(DefaultReplicaServerIdTest, StableInRangeAndDistinct) {
  uint32_t a = DefaultReplicaServerId("s3://bucket/task-a");
  EXPECT_EQ(a, DefaultReplicaServerId("s3://bucket/task-a"));
  EXPECT_NE(a, DefaultReplicaServerId("s3://bucket/task-b"));
  std::set<uint32_t> seen;
  for (int i = 0; i < 20000; ++i) {
    uint32_t id = DefaultReplicaServerId("task-" + std::to_string(i));
    EXPECT_GE(id, 1u << 30);
    EXPECT_LT(id, 0xffffffffu);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 20000u);  // no collision among 20k tasks
  EXPECT_GE(DefaultReplicaServerId(""), 1u << 30);
}

TEST(ReadAheadTest, OnlyWhereACpuIsFreeForIt) {
  ConnectionConfig c;
  for (const char* local : {"127.0.0.1", "127.0.1.1", "localhost", "::1"}) {
    c.host = local;
    EXPECT_FALSE(ReadAheadPays(c, 1)) << local;
    EXPECT_FALSE(ReadAheadPays(c, 2)) << local;  // the source's dump thread takes one
    EXPECT_TRUE(ReadAheadPays(c, 4)) << local;
  }
  c.host = "db.example.com";
  EXPECT_TRUE(ReadAheadPays(c, 2));   // a remote source leaves both CPUs to us
  EXPECT_FALSE(ReadAheadPays(c, 1));  // one CPU: nothing to overlap
  c.host = "10.0.0.5";
  EXPECT_TRUE(ReadAheadPays(c, 2));
  c.socket = "/run/mysqld/mysqld.sock";  // a unix socket: the source is here
  EXPECT_FALSE(ReadAheadPays(c, 2));
  EXPECT_TRUE(ReadAheadPays(c, 3));
  EXPECT_GE(UsableCpus(), 1u);
}

// The list is parsed by binlog::MariaGtidList (maria_gtid_list_test.cc); this only checks that
// the stream's check uses it.
TEST(MariaDbGtidListTest, ValidatesWithTheOneParser) {
  EXPECT_TRUE(ValidateMariaDbGtidList("").ok());
  EXPECT_TRUE(ValidateMariaDbGtidList("0-1-100, 1-2-7").ok());
  Status st = ValidateMariaDbGtidList("0-1-100,0-2-7");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("domain 0 appears twice"));
}

// The messages below are what MariaDB 10.11 sent in these situations (seen on the test server).
TEST(DumpErrorTest, PurgedFileNamesTheFileAndTheWayOut) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "Could not find first log file name in binary log index file",
                                StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("binlog file binlog.000001 is no longer on the source"));
  EXPECT_THAT(st.message(), HasSubstr("run a new full load"));
  EXPECT_THAT(st.message(), HasSubstr("repl@db.example:3306"));
  EXPECT_THAT(st.message(), ::testing::Not(HasSubstr("hunter2")));
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST(DumpErrorTest, GtidNotInBinlog) {
  Status st = DumpErrorToStatus(
      ER_MASTER_FATAL_ERROR_READING_BINLOG,
      "Error: connecting slave requested to start from GTID 0-1-99, which is not in the "
      "master's binlog",
      StreamStart::AfterMariaDbGtid("0-1-99"), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("GTID 0-1-99"));
  EXPECT_THAT(st.message(), HasSubstr("run a new full load"));
}

TEST(DumpErrorTest, MissingReplicationSlaveNamesTheGrant) {
  Status st = DumpErrorToStatus(
      ER_SPECIFIC_ACCESS_DENIED_ERROR,
      "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for this "
      "operation",
      StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("GRANT REPLICATION SLAVE ON *.* TO 'repl'"));
}

TEST(DumpErrorTest, LostConnectionIsRetryable) {
  const unsigned int errors[] = {CR_SERVER_LOST, CR_SERVER_GONE_ERROR, ER_SERVER_SHUTDOWN,
                                 ER_CONNECTION_KILLED};
  for (unsigned int e : errors) {
    Status st = DumpErrorToStatus(e, "Lost connection to server during query",
                                  StreamStart::At("binlog.000001", 4), Source());
    EXPECT_EQ(st.code(), StatusCode::kNetworkError) << e;
    EXPECT_TRUE(st.IsRetryable());
  }
}

TEST(DumpErrorTest, OtherFatalReadErrorsKeepTheServerMessage) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "binlog truncated in the middle of event; consider out of disk "
                                "space on master",
                                StreamStart::At("binlog.000001", 100), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("binlog.000001:100"));
  EXPECT_THAT(st.message(), HasSubstr("truncated in the middle of event"));
}

TEST(DumpErrorTest, SameServerId) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "A slave with the same server_uuid/server_id as this slave has "
                                "connected to the master",
                                StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("source.server_id"));
}

TEST(OpenTest, RejectsBadStartsBeforeConnecting) {
  StreamOptions o;
  o.connection = Source();
  o.connection.port = 1;  // never reached: the checks come first
  o.start = StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:x");
  auto r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);  // a tag with no numbers
  EXPECT_THAT(r.status().message(), HasSubstr("binlog start: bad element"));
  EXPECT_THAT(r.status().message(), HasSubstr("the tag 'x' has no transaction numbers"));
  o.start = StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1");
  r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("binlog start: bad element"));
  EXPECT_THAT(r.status().message(), HasSubstr("'3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1'"));

  o.start = StreamStart::At("binlog.000001", 2);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.start = StreamStart::At("", 4);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.start = StreamStart::At("binlog.000001", uint64_t{5} << 32);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kUnsupported);
  o.start = StreamStart::AfterMariaDbGtid("0-1");
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenTest, UnreachableSourceIsANetworkError) {
  StreamOptions o;
  o.connection = Source();
  o.connection.host = "127.0.0.1";
  o.connection.port = 1;  // nothing listens on port 1
  o.connection.tls_mode = TlsMode::kDisabled;
  o.start = StreamStart::At("binlog.000001", 4);
  auto r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError) << r.status().ToString();
  // A tagged MySQL GTID set passes the checks before connecting.
  o.start = StreamStart::AfterMySqlGtidSet(
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:mytag:1-3,\n"
      "b9b88c66-0755-11f1-9899-4a9da94c4d71:7");
  r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError) << r.status().ToString();
}

TEST(StreamEventTest, Kinds) {
  StreamEvent ev;
  ev.type = 4;
  ev.artificial = true;
  EXPECT_TRUE(ev.IsFakeRotate());
  ev.artificial = false;
  EXPECT_FALSE(ev.IsFakeRotate());
  ev.type = 27;
  EXPECT_TRUE(ev.IsHeartbeat());
  ev.type = 41;
  EXPECT_TRUE(ev.IsHeartbeat());
  ev.type = 2;
  EXPECT_FALSE(ev.IsHeartbeat());
}

// FrameDumpPacket over real events from fixture binlogs, each wrapped as the source sends it:
// a 0x00 status byte, then the event.
std::string Fixture(const std::string& rel) {
  std::ifstream in(testing::FixturesDir() + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << rel;
  return ss.str();
}

std::vector<uint8_t> Packet(const std::string& file, size_t offset) {
  uint32_t size = 0;
  std::memcpy(&size, file.data() + offset + 9, 4);  // little-endian hosts only (x86-64, arm64)
  std::vector<uint8_t> p(size_t{1} + size, 0x00);
  std::memcpy(p.data() + 1, file.data() + offset, size);
  return p;
}

const char kMariaDb[] = "mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000002";

TEST(FrameDumpPacketTest, EveryEventOfAMariaDbBinlogAtItsOffset) {
  std::string file = Fixture(kMariaDb);
  binlog::BinlogPosition cursor{"mariadb-repl-bin.000002", 4, ""};
  size_t offset = 4, count = 0;
  while (offset < file.size()) {
    std::vector<uint8_t> p = Packet(file, offset);
    auto ev = FrameDumpPacket(p, &cursor);
    ASSERT_TRUE(ev.ok()) << offset << ": " << ev.status().ToString();
    ASSERT_EQ(ev->position, offset);
    ASSERT_EQ(ev->bytes.size(), p.size() - 1);
    ASSERT_EQ(ev->bytes.data(), p.data() + 1);  // in place, not copied
    ASSERT_FALSE(ev->artificial);
    offset += ev->bytes.size();
    ++count;
    if (ev->type != 4) {
      ASSERT_EQ(cursor.position, offset);
    }
  }
  EXPECT_EQ(count, 26594u);
  // The last event is the ROTATE (with CRC32) to the next file.
  EXPECT_EQ(cursor.file, "mariadb-repl-bin.000003");
  EXPECT_EQ(cursor.position, 4u);
}

TEST(FrameDumpPacketTest, RotateWithoutChecksum) {
  std::string file = Fixture("rust_mysql_common/test-data/binlogs/binlog_transaction.000001");
  binlog::BinlogPosition cursor{"master-bin.000001", 1626, ""};
  auto ev = FrameDumpPacket(Packet(file, 1626), &cursor);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->type, 4);
  EXPECT_FALSE(ev->IsFakeRotate());
  EXPECT_EQ(ev->position, 1626u);
  EXPECT_EQ(cursor.file, "master-bin.000002");
  EXPECT_EQ(cursor.position, 4u);
}

TEST(FrameDumpPacketTest, FakeRotateAsARelayLogKeptIt) {
  // A replica's relay log stores the source's fake ROTATE (timestamp 0, log_pos 0) verbatim.
  std::string file = Fixture("rust_mysql_common/test-data/binlogs/bug33029-slave-relay-bin.000001");
  binlog::BinlogPosition cursor{"", 4, ""};
  std::vector<uint8_t> p = Packet(file, 98);
  auto ev = FrameDumpPacket(p, &cursor);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_TRUE(ev->IsFakeRotate());
  EXPECT_EQ(ev->position, 4u);
  EXPECT_EQ(cursor.file, "master-bin.000001");
  EXPECT_EQ(cursor.position, 4u);
}

TEST(FrameDumpPacketTest, PositionsWidenPast4GiB) {
  std::string file = Fixture(kMariaDb);
  std::vector<uint8_t> fde = Packet(file, 4);  // log_pos 256, 252 bytes
  const uint64_t k4G = uint64_t{1} << 32;
  binlog::BinlogPosition cursor{"big.000001", k4G + 4, ""};
  auto ev = FrameDumpPacket(fde, &cursor);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->position, k4G + 4);
  EXPECT_EQ(cursor.position, k4G + 256);
  cursor.position = k4G - 16;  // the event ends past the 4 GiB line: log_pos wrapped
  ev = FrameDumpPacket(fde, &cursor);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(cursor.position, k4G + 256);
  EXPECT_EQ(ev->position, k4G + 4);
}

TEST(FrameDumpPacketTest, PacketsThatAreNotOneEventAreCorruption) {
  std::string file = Fixture(kMariaDb);
  std::vector<uint8_t> good = Packet(file, 256);
  binlog::BinlogPosition cursor{"f", 256, ""};
  std::vector<std::vector<uint8_t>> bad = {
      {},
      {0x00},
      std::vector<uint8_t>(good.begin(), good.begin() + 10),  // shorter than a header
      std::vector<uint8_t>(good.begin(), good.end() - 1),     // truncated event
  };
  bad.push_back(good);
  bad.back()[0] = 0xff;  // not the OK status byte
  bad.push_back(good);
  bad.back().push_back(0);  // a byte more than the header's event_size
  for (const auto& p : bad) {
    auto ev = FrameDumpPacket(p, &cursor);
    EXPECT_EQ(ev.status().code(), StatusCode::kCorruption) << p.size();
    EXPECT_EQ(cursor.file, "f");
    EXPECT_EQ(cursor.position, 256u);
  }
  // A ROTATE whose header is whole but whose body holds no file name.
  std::vector<uint8_t> rotate = Packet(file, 3753738);
  rotate.resize(1 + 19 + 8);
  uint32_t size = 19 + 8;
  std::memcpy(rotate.data() + 1 + 9, &size, 4);
  auto ev = FrameDumpPacket(rotate, &cursor);
  EXPECT_EQ(ev.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(ev.status().message(), HasSubstr("without a file name"));
}

}  // namespace
}  // namespace binlake
