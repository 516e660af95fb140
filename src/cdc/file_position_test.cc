#include "cdc/file_position.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

BinlogPosition P(std::string file, uint64_t position) {
  BinlogPosition p;
  p.file = std::move(file);
  p.position = position;
  return p;
}

TEST(FilePositionTest, ParsesFileColonPosition) {
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

TEST(FilePositionTest, RejectsMalformedPositionsWithOneClearLine) {
  for (const char* bad : {"", "binlog.000003", ":4", "binlog.000003:", "binlog.000003:3",
                          "binlog.000003:4x", "binlog.000003:-4"}) {
    auto p = ParseFilePosition(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(p.status().message().find("FILE:POSITION"), std::string::npos) << bad;
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos) << bad;
  }
}

TEST(FilePositionTest, FileNumbers) {
  EXPECT_EQ(BinlogFileNumber("binlog.000042"), 42u);
  EXPECT_EQ(BinlogFileNumber("mysql-bin.1000000"), 1000000u);
  EXPECT_EQ(BinlogFileNumber("binlog"), 0u);
  EXPECT_EQ(BinlogFileNumber("binlog.index"), 0u);
  EXPECT_EQ(BinlogFileNumber(""), 0u);
}

TEST(FilePositionTest, OrdersPositionsWithinAndAcrossFiles) {
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
}

}  // namespace
}  // namespace binlake
