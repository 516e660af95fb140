#include "source/dump_packet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_servers.h"

namespace binlake {
namespace {

using ::testing::HasSubstr;

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

std::vector<uint8_t> Bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

TEST(DumpErrPacketTest, NumberSqlStateAndMessage) {
  // 1236 = 0x04d4, SQL state HY000 (https://mariadb.com/kb/en/err_packet/).
  std::vector<uint8_t> p = Bytes("\xff\xd4\x04#HY000Could not find first log");
  std::optional<DumpErrPacket> err = ParseDumpErrPacket(p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->number, 1236u);
  EXPECT_EQ(err->message, "Could not find first log");
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(err->message.data()), p.data() + 9);  // in place
  // Without the SQL state marker the message follows the number.
  p = Bytes("\xff\xd4\x04no state");
  err = ParseDumpErrPacket(p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->number, 1236u);
  EXPECT_EQ(err->message, "no state");
}

TEST(DumpErrPacketTest, ShortErrPacketsAndOtherPackets) {
  std::vector<uint8_t> p = {0xff};
  std::optional<DumpErrPacket> err = ParseDumpErrPacket(p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->number, 0u);
  EXPECT_EQ(err->message, "");
  p = {0xff, 0xd4};
  err = ParseDumpErrPacket(p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->number, 0u);
  EXPECT_EQ(err->message, "");
  p = {0xff, 0xd4, 0x04};
  err = ParseDumpErrPacket(p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->number, 1236u);
  EXPECT_EQ(err->message, "");
  EXPECT_FALSE(ParseDumpErrPacket({}).has_value());
  p = {0x00, 0xff};
  EXPECT_FALSE(ParseDumpErrPacket(p).has_value());  // an event
  p = {0xfe, 0, 0, 2, 0};
  EXPECT_FALSE(ParseDumpErrPacket(p).has_value());  // EOF
}

TEST(DumpEofPacketTest, OnlyShortPacketsStartingWithFe) {
  std::vector<uint8_t> eof = {0xfe, 0, 0, 2, 0};  // warnings 0, status SERVER_STATUS_AUTOCOMMIT
  EXPECT_TRUE(IsDumpEofPacket(eof));
  eof = {0xfe};
  EXPECT_TRUE(IsDumpEofPacket(eof));
  std::vector<uint8_t> long_fe(9, 0xfe);  // 9 bytes or more: not an EOF packet
  EXPECT_FALSE(IsDumpEofPacket(long_fe));
  std::vector<uint8_t> event = {0x00, 0xfe};
  EXPECT_FALSE(IsDumpEofPacket(event));
  EXPECT_FALSE(IsDumpEofPacket({}));
}

TEST(DumpPacketCrc32Test, MatchesTheChecksumOfARealEvent) {
  // The MariaDB fixture has CRC32 checksums: its FORMAT_DESCRIPTION (offset 4) ends in one.
  std::string file = Fixture(kMariaDb);
  std::vector<uint8_t> fde = Packet(file, 4);
  EXPECT_TRUE(DumpPacketCrc32Matches(fde));
  fde[1 + 20] ^= 0x01;  // one bit of the body
  EXPECT_FALSE(DumpPacketCrc32Matches(fde));
  fde[1 + 20] ^= 0x01;
  fde.back() ^= 0x80;  // one bit of the checksum
  EXPECT_FALSE(DumpPacketCrc32Matches(fde));
  // Too short for a header and a checksum.
  std::vector<uint8_t> short_packet(1 + 19 + 3, 0);
  EXPECT_FALSE(DumpPacketCrc32Matches(short_packet));
  EXPECT_FALSE(DumpPacketCrc32Matches({}));
}

}  // namespace
}  // namespace binlake
