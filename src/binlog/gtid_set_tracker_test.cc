// GtidSetTracker: picks the flavour from the text, adds one transaction's GTID at a time, ignores
// GTIDs it cannot read, and prints the canonical set. The parsers themselves are tested in
// gtid_set_test.cc and maria_gtid_list_test.cc.
#include "binlog/gtid_set_tracker.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

const std::string kA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

TEST(GtidSetTrackerTest, MariaDbKeepsTheLastGtidPerDomain) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("0-1-100,1-2-7").ok());
  t.Add("0-1-101");
  t.Add("2-1-5");
  t.Add("1-3-8");
  EXPECT_EQ(t.ToString(), "0-1-101,1-3-8,2-1-5");
}

TEST(GtidSetTrackerTest, MySqlMergesIntervalsAndKeepsTagsWithTheirUuid) {
  GtidSetTracker t;
  // As @@gtid_executed prints it (",\n" between UUIDs), one UUID in upper case.
  ASSERT_TRUE(t.Reset("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,\n"
                      "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-2")
                  .ok());
  t.Add(kA + ":6");
  t.Add(kA + ":9");
  t.Add("aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:3");
  t.Add(kA + ":mytag:1");  // a tagged GTID of a UUID seen untagged: the same element
  EXPECT_EQ(t.ToString(), kA + ":1-7:9:mytag:1,aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-3");
  // The text it prints reads back as the same set.
  GtidSetTracker again;
  ASSERT_TRUE(again.Reset(t.ToString()).ok());
  EXPECT_EQ(again.ToString(), t.ToString());
}

TEST(GtidSetTrackerTest, StartsEmptyAndLearnsTheFlavourFromTheFirstGtid) {
  GtidSetTracker t;
  EXPECT_EQ(t.ToString(), "");
  ASSERT_TRUE(t.Reset("").ok());
  t.Add(kA + ":1");
  t.Add(kA + ":2");
  EXPECT_EQ(t.ToString(), kA + ":1-2");
  ASSERT_TRUE(t.Reset(" \n").ok());
  t.Add("0-1-5");
  EXPECT_EQ(t.ToString(), "0-1-5");
}

TEST(GtidSetTrackerTest, MalformedGtidsAreIgnored) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("0-1-100").ok());
  for (const char* bad : {"0-1", "0-1-2-3", "0-x-5", "-1-5", "0-1-", "uuid:", "uuid:x", "", " "}) {
    t.Add(bad);
  }
  t.Add(kA + ":0");  // GNOs start at 1
  t.Add(kA + ":bad-tag:1");
  EXPECT_EQ(t.ToString(), "0-1-100");
  t.Add(" 0-1-101\n");  // surrounding blanks are trimmed
  EXPECT_EQ(t.ToString(), "0-1-101");
}

TEST(GtidSetTrackerTest, ResetRejectsMalformedSetsAndEmptiesTheTracker) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("0-1-100").ok());
  for (const std::string& bad : {std::string("0-1"), kA + ":5-1", kA + ":mytag", kA + ":1,,"}) {
    Status st = t.Reset(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(t.ToString(), "") << bad;
  }
}

}  // namespace
}  // namespace binlake
