#include "task/gtid_set_tracker.h"

#include <gtest/gtest.h>

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
                      "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-2").ok());
  t.Add("3e11fa47-71ca-11e1-9e33-c80aa9429562:6");
  t.Add("3e11fa47-71ca-11e1-9e33-c80aa9429562:9");
  t.Add("aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:3");
  EXPECT_EQ(t.ToString(),
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7:9,"
            "aaaaaaaa-71ca-11e1-9e33-c80aa9429562:tag1:1-3");
}

}  // namespace
}  // namespace binlake
