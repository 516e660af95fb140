#include "binlog/gtid_set_tracker.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

TEST(GtidSetTrackerTest, MariaDbKeepsTheLastGtidPerDomain) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("0-1-100,1-2-7").ok());
  t.Add("0-1-101");
  t.Add("2-1-5");
  t.Add("1-3-8");
  EXPECT_EQ(t.ToString(), "0-1-101,1-3-8,2-1-5");
  EXPECT_FALSE(t.Reset("0-1").ok());
}

TEST(GtidSetTrackerTest, MySqlMergesIntervals) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,\n"
                      "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-2")
                  .ok());
  t.Add("3e11fa47-71ca-11e1-9e33-c80aa9429562:6");
  t.Add("3e11fa47-71ca-11e1-9e33-c80aa9429562:9");
  t.Add("aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:3");
  EXPECT_EQ(t.ToString(),
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7:9,"
            "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-3");
}

TEST(GtidSetTrackerTest, MySqlAddsInAnyOrderAndNewSources) {
  GtidSetTracker t;
  const std::string u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  ASSERT_TRUE(t.Reset(u + ":5-6").ok());
  t.Add(u + ":7");                                  // extends the last interval
  t.Add(u + ":7");                                  // again: no change
  t.Add(u + ":10");                                 // beyond it: a new interval
  t.Add(u + ":2");                                  // before everything
  t.Add(u + ":4");                                  // joins 5-7
  t.Add(u + ":3");                                  // joins 2 and 4-7
  t.Add(u + ":9");                                  // joins 10
  t.Add("bbbbbbbb-71ca-11e1-9e33-c80aa9429562:1");  // a source not seen yet
  EXPECT_EQ(t.ToString(), u + ":2-7:9-10,bbbbbbbb-71ca-11e1-9e33-c80aa9429562:1");
}

TEST(GtidSetTrackerTest, MalformedGtidsAreIgnored) {
  GtidSetTracker t;
  ASSERT_TRUE(t.Reset("0-1-100").ok());
  for (const char* bad : {"0-1", "0-1-2-3", "0-x-5", "-1-5", "0-1-", "uuid:", "uuid:x", ""}) {
    t.Add(bad);
  }
  EXPECT_EQ(t.ToString(), "0-1-100");
  t.Add(" 0-1-101\n");  // surrounding blanks are trimmed
  EXPECT_EQ(t.ToString(), "0-1-101");
}

}  // namespace
}  // namespace binlake
