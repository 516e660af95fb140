#include "source/stream_start.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace binlake {
namespace {

using ::testing::HasSubstr;

constexpr char kMySqlSet[] = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";

TEST(StreamStartTest, Describes) {
  EXPECT_EQ(StreamStart::At("binlog.000003", 4711).ToString(), "binlog.000003:4711");
  EXPECT_EQ(StreamStart::AfterMariaDbGtid("0-1-100,1-2-7").ToString(), "GTID 0-1-100,1-2-7");
  EXPECT_EQ(StreamStart::AfterMariaDbGtid("").ToString(), "GTID (empty)");
  EXPECT_EQ(StreamStart::AfterMySqlGtidSet(kMySqlSet).ToString(),
            "GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
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

TEST(ValidateStreamStartTest, FilePositions) {
  EXPECT_TRUE(ValidateStreamStart(StreamStart::At("binlog.000001", 4)).ok());
  EXPECT_TRUE(ValidateStreamStart(StreamStart::At("binlog.000001", 0xffffffffu)).ok());

  Status st = ValidateStreamStart(StreamStart::At("", 4));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("no file name"));
  for (uint64_t before_first_event : {0, 1, 3}) {
    st = ValidateStreamStart(StreamStart::At("binlog.000001", before_first_event));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << before_first_event;
    EXPECT_THAT(st.message(), HasSubstr("positions start at 4"));
  }
  st = ValidateStreamStart(StreamStart::At("binlog.000001", uint64_t{1} << 32));
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_THAT(st.message(), HasSubstr("binlog.000001:4294967296"));
  EXPECT_THAT(st.message(), HasSubstr("beyond 4 GiB"));
}

TEST(ValidateStreamStartTest, GtidsParseInTheirFlavour) {
  EXPECT_TRUE(ValidateStreamStart(StreamStart::AfterMariaDbGtid("0-1-100,1-2-7")).ok());
  EXPECT_TRUE(ValidateStreamStart(StreamStart::AfterMariaDbGtid("")).ok());
  EXPECT_TRUE(ValidateStreamStart(StreamStart::AfterMySqlGtidSet(kMySqlSet)).ok());
  EXPECT_TRUE(ValidateStreamStart(StreamStart::AfterMySqlGtidSet("")).ok());  // whole history

  Status st = ValidateStreamStart(StreamStart::AfterMariaDbGtid("0-1"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  // A MySQL set is not a MariaDB list, and the other way round.
  EXPECT_EQ(ValidateStreamStart(StreamStart::AfterMariaDbGtid(kMySqlSet)).code(),
            StatusCode::kInvalidArgument);
  st = ValidateStreamStart(StreamStart::AfterMySqlGtidSet("0-1-100"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("binlog start"));
  st = ValidateStreamStart(
      StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:x"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("the tag 'x' has no transaction numbers"));
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST(CheckStartSuitsSourceTest, GtidFlavourMustMatchTheSource) {
  const StreamStart maria = StreamStart::AfterMariaDbGtid("0-1-100");
  const StreamStart mysql = StreamStart::AfterMySqlGtidSet(kMySqlSet);
  const StreamStart file = StreamStart::At("binlog.000001", 4);
  EXPECT_TRUE(CheckStartSuitsSource(maria, true, "repl@db:3306", "10.11.6-MariaDB").ok());
  EXPECT_TRUE(CheckStartSuitsSource(mysql, false, "repl@db:3306", "8.4.3").ok());
  EXPECT_TRUE(CheckStartSuitsSource(file, true, "repl@db:3306", "10.11.6-MariaDB").ok());
  EXPECT_TRUE(CheckStartSuitsSource(file, false, "repl@db:3306", "8.4.3").ok());

  Status st = CheckStartSuitsSource(maria, false, "repl@db:3306", "8.4.3");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "binlog start GTID 0-1-100 is a MariaDB GTID, but repl@db:3306 is MySQL 8.4.3");
  st = CheckStartSuitsSource(mysql, true, "repl@db:3306", "10.11.6-MariaDB");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("is a MySQL GTID set, but repl@db:3306 is MariaDB 10.11.6"));
  EXPECT_THAT(st.message(), HasSubstr("@@gtid_binlog_pos"));
}

}  // namespace
}  // namespace binlake
