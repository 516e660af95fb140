#include "binlog/gtid_coverage.h"

#include <gtest/gtest.h>

namespace binlake::binlog {
namespace {

constexpr char kCoverageA[] = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr char kCoverageB[] = "b9b88c66-71ca-11e1-9e33-c80aa9429562";

std::string S(const std::string& a) { return a; }

TEST(MissingMySqlGtids, NothingMissingWhenTheServerHasMore) {
  EXPECT_EQ(
      *MissingMySqlGtids(S(kCoverageA) + ":1-100", S(kCoverageA) + ":1-150," + kCoverageB + ":1-3"),
      "");
  EXPECT_EQ(*MissingMySqlGtids("", S(kCoverageA) + ":1-5"), "");
  EXPECT_EQ(*MissingMySqlGtids(S(kCoverageA) + ":1-5:7", S(kCoverageA) + ":1-7"), "");
}

TEST(MissingMySqlGtids, ReportsTheDifference) {
  // The promoted replica got 1-90 of A; the checkpoint covers 1-100 and B:1-3.
  EXPECT_EQ(
      *MissingMySqlGtids(S(kCoverageA) + ":1-100," + kCoverageB + ":1-3", S(kCoverageA) + ":1-90"),
      S(kCoverageA) + ":91-100," + kCoverageB + ":1-3");
  // Holes in the middle, and a hole at the start.
  EXPECT_EQ(*MissingMySqlGtids(S(kCoverageA) + ":1-20", S(kCoverageA) + ":3-5:8-10:15"),
            S(kCoverageA) + ":1-2:6-7:11-14:16-20");
}

TEST(MissingMySqlGtids, TagsAreTransactionsOfTheirOwn) {
  EXPECT_EQ(*MissingMySqlGtids(S(kCoverageA) + ":1-3:blue:1-2", S(kCoverageA) + ":1-3"),
            S(kCoverageA) + ":blue:1-2");
  EXPECT_EQ(*MissingMySqlGtids(S(kCoverageA) + ":blue:1-2", S(kCoverageA) + ":1-3:blue:1-5"), "");
}

TEST(MissingMySqlGtids, BadTextIsAnError) {
  EXPECT_EQ(MissingMySqlGtids("nonsense", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MissingMySqlGtids("", "3e11:1").status().code(), StatusCode::kInvalidArgument);
}

TEST(MissingMariaGtids, TheSameServersSequenceMustBeReached) {
  // The replica logged everything of server 1 up to 0-1-120, then its own transactions.
  EXPECT_EQ(*MissingMariaGtids("0-1-100", "0-1-120,0-2-130"), "");
  EXPECT_EQ(*MissingMariaGtids("0-1-100", "0-1-100"), "");
  EXPECT_EQ(*MissingMariaGtids("", "0-1-1"), "");
}

TEST(MissingMariaGtids, AHigherSequenceOfAnotherServerDoesNotCount) {
  // Promoted after 0-1-90: its own 0-2-91.. would hide the gap in gtid_binlog_pos (0-2-130).
  EXPECT_EQ(*MissingMariaGtids("0-1-100", "0-1-90,0-2-130"),
            "0-1-100 (the binlog has server 1's domain 0 up to 0-1-90)");
}

TEST(MissingMariaGtids, EveryDomainIsChecked) {
  EXPECT_EQ(*MissingMariaGtids("0-1-100,5-7-3", "0-1-100"),
            "5-7-3 (the binlog has no transaction of server 7 in domain 5)");
  EXPECT_EQ(*MissingMariaGtids("0-1-100,5-7-3", " 5-7-2 , 0-1-99"),
            "0-1-100 (the binlog has server 1's domain 0 up to 0-1-99); "
            "5-7-3 (the binlog has server 7's domain 5 up to 5-7-2)");
}

TEST(MissingMariaGtids, BadTextIsAnError) {
  EXPECT_EQ(MissingMariaGtids("0-1", "").status().code(), StatusCode::kInvalidArgument);
  Status st = MissingMariaGtids("0-1-1", "0-x-1").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("gtid_binlog_state"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace binlake::binlog
