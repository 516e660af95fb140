// Stream-level behaviour on fixture binlogs: the PositionTracker (transactions, resume points,
// GTIDs), and errors for corrupt, truncated and encrypted input.
#include <gtest/gtest.h>

#include "binlog/event_decoder.h"
#include "binlog/test_util.h"

namespace binlake::binlog {
namespace {

using testing::CollectSink;
using testing::DecodeFile;
using testing::FixturePath;
using testing::RowInfo;

// PositionTracker over whole files: transactions counted by their boundaries, the resume point
// after the last commit, the GTID of either flavour, and positions after compressed payloads.
struct Tracked {
  uint64_t transactions = 0;
  BinlogPosition last_commit;
  std::string last_commit_gtid;
  std::vector<std::string> gtids;  // GTID of every row change
};

Tracked Track(const std::string& rel, bool stop_at_rotate = false) {
  Tracked t;
  CollectSink sink;
  EventPump pump(PumpOptions{}, &sink);
  auto reader = BinlogFileReader::Open(FixturePath(rel));
  EXPECT_TRUE(reader.ok());
  pump.StartFile("f");
  while (reader.ok()) {
    auto next = (*reader)->Next();
    EXPECT_TRUE(next.ok());
    if (!next.ok() || !next.value()) break;
    if (stop_at_rotate && next.value()->bytes[4] == static_cast<uint8_t>(EventType::kRotate)) break;
    EXPECT_TRUE(pump.Feed(next.value()->bytes, next.value()->offset).ok());
  }
  t.transactions = pump.position().transactions();
  t.last_commit = pump.position().last_commit();
  t.last_commit_gtid = pump.position().last_commit_gtid();
  for (const RowInfo& r : sink.rows) t.gtids.push_back(r.gtid);
  return t;
}

TEST(PositionTrackerTest, MariaDbGroupsAndResumePoint) {
  // README: FirstGTID 0-10-250080, LastGTID 0-10-254512, the file ends with ROTATE at 3753792.
  Tracked t = Track("mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000002");
  EXPECT_EQ(t.transactions, 254512u - 250080u + 1u);
  EXPECT_EQ(t.last_commit_gtid, "0-10-254512");
  EXPECT_EQ(t.last_commit.file, "mariadb-repl-bin.000003");  // the ROTATE names the next file
  EXPECT_EQ(t.last_commit.position, 4u);
  EXPECT_EQ(t.last_commit.gtid_set, "");  // the tracker knows single GTIDs, not the set
}

TEST(PositionTrackerTest, MySqlCompressedTransactionEndsAtThePayloadEvent) {
  Tracked t =
      Track(testing::kRustBinlogs + "transaction_compression.000001", /*stop_at_rotate=*/true);
  EXPECT_EQ(t.transactions, 1u);
  // TRANSACTION_PAYLOAD at 274, 157 bytes (expected/rust_mysql_common...json); then ROTATE.
  EXPECT_EQ(t.last_commit.position, 431u);
  EXPECT_EQ(t.last_commit.file, "f");
  Tracked all = Track(testing::kRustBinlogs + "transaction_compression.000001");
  EXPECT_EQ(all.last_commit.file, "binlog.000043");  // after the ROTATE: the next file's start
  EXPECT_EQ(all.last_commit.position, 4u);
}

TEST(PositionTrackerTest, GtidsOfRowChanges) {
  Tracked t = Track("rust-mysql-binlog-easypost/test_data/bin-log.000001");
  EXPECT_EQ(t.gtids, (std::vector<std::string>{"87cee3a4-6b31-11e7-bdfd-0d98d6698870:14918",
                                               "87cee3a4-6b31-11e7-bdfd-0d98d6698870:14919"}));
  EXPECT_EQ(t.last_commit_gtid, "87cee3a4-6b31-11e7-bdfd-0d98d6698870:14919");
  Tracked tag = Track(testing::kRustBinlogs + "binlog_transaction_with_GTID_TAG.000001");
  EXPECT_EQ(tag.last_commit_gtid, "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
}

TEST(FixtureEvents, CorruptedByteIsACrcErrorWithOffset) {
  std::string bytes = testing::ReadFileOrDie(FixturePath(
      "mysql-binlog-connector-java-osheroff/src/test/resources/mysql-bin.checksum-crc32"));
  CollectSink clean;
  auto reader = BinlogFileReader::FromMemory(AsBytes(bytes));
  ASSERT_TRUE(reader.ok());
  // Flip one byte inside the 3rd event and decode the whole file again.
  uint64_t third = 0;
  {
    CollectSink sink = testing::DecodeFixture(
        "mysql-binlog-connector-java-osheroff/src/test/resources/mysql-bin.checksum-crc32");
    third = sink.events[2].offset;
  }
  bytes[third + 25] ^= 0x01;
  auto corrupt = BinlogFileReader::FromMemory(AsBytes(bytes));
  ASSERT_TRUE(corrupt.ok());
  EventPump pump(PumpOptions{}, &clean);
  pump.StartFile("mysql-bin.checksum-crc32");
  Status st;
  while (st.ok()) {
    auto next = (*corrupt)->Next();
    ASSERT_TRUE(next.ok());
    if (!next.value()) break;
    st = pump.Feed(next.value()->bytes, next.value()->offset);
  }
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("at " + std::to_string(third)), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("CRC32 mismatch"), std::string::npos) << st.message();
}

TEST(FixtureEvents, TruncatedFileEndsWithAnErrorNamingTheOffset) {
  std::string bytes =
      testing::ReadFileOrDie(FixturePath(testing::kRustBinlogs + "mysql-enum-string-set.000001"));
  for (size_t cut : {size_t{3}, size_t{30}, size_t{1100}, bytes.size() - 1}) {
    SCOPED_TRACE(cut);
    auto reader = BinlogFileReader::FromMemory(AsBytes(std::string_view(bytes).substr(0, cut)));
    if (cut < 4) {
      EXPECT_FALSE(reader.ok());
      continue;
    }
    ASSERT_TRUE(reader.ok());
    Status st;
    while (true) {
      auto next = (*reader)->Next();
      if (!next.ok()) {
        st = next.status();
        break;
      }
      ASSERT_TRUE(next.value().has_value()) << "a cut file must not end cleanly";
    }
    EXPECT_NE(st.message().find("truncated event"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("at offset"), std::string::npos) << st.message();
  }
}

TEST(FixtureEvents, MariaDbStartEncryptionIsRefused) {
  // The START_ENCRYPTION_EVENT example of https://mariadb.com/kb/en/start_encryption_event/
  // (a real event: CRC32 included).
  std::vector<uint8_t> ev = testing::FromHex(
      "b85f5a59a45d0000002800000021010000000001010000006557502663593746"
      "2f3b332306bbda62");
  DecodeContext ctx = DecodeContext::Default();
  ctx.flavor = Flavor::kMariaDb;
  ctx.checksum = ChecksumAlg::kCrc32;
  auto r = DecodeEvent(ev, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("encrypted"), std::string::npos);
}

// Servers repeat the TABLE_MAP before every statement; the cache decodes each distinct one once.
TEST(TableMapCacheTest, RepeatedTableMapsAreDecodedOnce) {
  CollectSink sink;
  EventPump pump(PumpOptions{}, &sink);
  auto reader = BinlogFileReader::Open(FixturePath(
      "mysql-binlog-connector-java-osheroff/src/test/resources/mysql-bin.checksum-crc32"));
  ASSERT_TRUE(reader.ok());
  pump.StartFile("f");
  while (true) {
    auto next = (*reader)->Next();
    ASSERT_TRUE(next.ok());
    if (!next.value()) break;
    ASSERT_TRUE(pump.Feed(next.value()->bytes, next.value()->offset).ok());
  }
  uint64_t maps = pump.stats().events[static_cast<uint8_t>(EventType::kTableMap)];
  EXPECT_GT(maps, 10u);
  EXPECT_LT(pump.tables().decodes(), maps / 2);
  EXPECT_GT(pump.tables().decodes(), 0u);
}

}  // namespace
}  // namespace binlake::binlog
