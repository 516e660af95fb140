#include "binlog/binlog_position.h"

#include <gtest/gtest.h>

namespace binlake::binlog {
namespace {

BinlogPosition P(std::string file, uint64_t position) {
  BinlogPosition p;
  p.file = std::move(file);
  p.position = position;
  return p;
}

TEST(BinlogPositionTest, DefaultIsNoPosition) {
  // full_load.json records this (binlog_position 0) for a snapshot taken with the binlog off.
  BinlogPosition p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.position, 0u);
  EXPECT_EQ(p.gtid_set, "");
  EXPECT_FALSE(P("binlog.000001", kFirstEventPosition).empty());
}

TEST(BinlogPositionTest, ToStringIsFileColonPositionWithoutTheGtidSet) {
  BinlogPosition p{"binlog.000003", 4711, "0-1-42"};
  EXPECT_EQ(p.ToString(), "binlog.000003:4711");
  auto back = ParseFilePosition(p.ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->file, p.file);
  EXPECT_EQ(back->position, p.position);
  EXPECT_EQ(back->gtid_set, "");
}

TEST(BinlogPositionTest, ParsesFileColonPosition) {
  auto p = ParseFilePosition("binlog.000003:4711");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->file, "binlog.000003");
  EXPECT_EQ(p->position, 4711u);
  // The last ':' separates: a file name may hold one.
  p = ParseFilePosition("host:binlog.000001:4");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->file, "host:binlog.000001");
  EXPECT_EQ(p->position, 4u);
}

TEST(BinlogPositionTest, RejectsMalformedPositionsWithOneClearLine) {
  for (const char* bad : {"", "binlog.000003", ":4", "binlog.000003:", "binlog.000003:3",
                          "binlog.000003:4x", "binlog.000003:-4"}) {
    auto p = ParseFilePosition(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(p.status().message().find("FILE:POSITION"), std::string::npos) << bad;
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos) << bad;
  }
}

TEST(BinlogPositionTest, FileNumbers) {
  EXPECT_EQ(BinlogFileNumber("binlog.000042"), 42u);
  EXPECT_EQ(BinlogFileNumber("mysql-bin.1000000"), 1000000u);
  EXPECT_EQ(BinlogFileNumber("binlog"), 0u);
  EXPECT_EQ(BinlogFileNumber("binlog.index"), 0u);
  EXPECT_EQ(BinlogFileNumber(""), 0u);
}

TEST(BinlogPositionTest, OrdersPositionsWithinAndAcrossFiles) {
  EXPECT_TRUE(AtOrAfter(P("binlog.000001", 100), P("binlog.000001", 100)));
  EXPECT_TRUE(AtOrAfter(P("binlog.000001", 101), P("binlog.000001", 100)));
  EXPECT_FALSE(AtOrAfter(P("binlog.000001", 99), P("binlog.000001", 100)));
  // Across files the file number decides, whatever the offsets.
  EXPECT_TRUE(AtOrAfter(P("binlog.000002", 4), P("binlog.000001", 999999)));
  EXPECT_FALSE(AtOrAfter(P("binlog.000001", 999999), P("binlog.000002", 4)));
  EXPECT_TRUE(AtOrAfter(P("binlog.000010", 4), P("binlog.000009", 4)));
  // Same number under another base name: the offsets decide.
  EXPECT_TRUE(AtOrAfter(P("other.000002", 200), P("binlog.000002", 100)));
  EXPECT_FALSE(AtOrAfter(P("other.000002", 50), P("binlog.000002", 100)));
  // The GTID set takes no part.
  BinlogPosition with_gtids = P("binlog.000001", 100);
  with_gtids.gtid_set = "0-1-5";
  EXPECT_TRUE(AtOrAfter(with_gtids, P("binlog.000001", 100)));
  EXPECT_TRUE(AtOrAfter(P("binlog.000001", 100), with_gtids));
}

}  // namespace
}  // namespace binlake::binlog
