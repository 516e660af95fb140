// MariaGtidList and ParseMariaGtid: the one parser of MariaDB GTID text (gtid_binlog_pos form)
// and the position operations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "binlog/gtid_set.h"

namespace binlake::binlog {
namespace {

using ::testing::HasSubstr;

MariaGtidList ParseListOk(std::string_view text) {
  Result<MariaGtidList> r = MariaGtidList::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : MariaGtidList{};
}

MariaGtid MariaGtidOk(std::string_view text) {
  Result<MariaGtid> g = ParseMariaGtid(text);
  EXPECT_TRUE(g.ok()) << text << ": " << g.status().ToString();
  return g.ok() ? *g : MariaGtid{};
}

TEST(MariaGtidListTest, ParsesGtidBinlogPosForms) {
  EXPECT_TRUE(ParseListOk("").empty());
  EXPECT_TRUE(ParseListOk(" \n ").empty());
  EXPECT_EQ(ParseListOk("0-1-100").ToString(), "0-1-100");
  // Ascending by domain, whitespace and newlines around items ignored.
  EXPECT_EQ(ParseListOk(" 7-2-5,\n0-1-100 , 3-3-0").ToString(), "0-1-100,3-3-0,7-2-5");
  const MariaGtidList max = ParseListOk("4294967295-4294967295-18446744073709551615");
  ASSERT_EQ(max.gtids().size(), 1u);
  EXPECT_EQ(max.gtids()[0].domain_id, 4294967295u);
  EXPECT_EQ(max.gtids()[0].seq_no, 18446744073709551615u);
  EXPECT_EQ(ParseListOk(max.ToString()), max);
}

TEST(MariaGtidListTest, MalformedTextNamesTheItemAndTheFault) {
  struct Case {
    std::string text;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"0-1", "'0-1' in '0-1': not three numbers"},
      {"0-1-2-3", "not three numbers"},
      {"0-1-", "bad sequence number"},
      {"-1-2", "bad domain id"},
      {"0--2", "bad server id"},
      {"a-1-2", "bad domain id"},
      {"0-1-+2", "bad sequence number"},
      {"0 -1-2", "bad domain id"},
      {"4294967296-1-2", "bad domain id"},                   // 2^32
      {"0-4294967296-2", "bad server id"},                   // 2^32
      {"0-1-18446744073709551616", "bad sequence number"},   // 2^64
      {"0-1-184467440737095516150", "bad sequence number"},  // 21 digits
      {"0-1-2,", "an empty element"},
      {",0-1-2", "an empty element"},
      {"0-1-2,,1-1-1", "an empty element"},
      {"0-1-2,0-2-5", "domain 0 appears twice"},
      {"3E11FA47-71CA-11E1-9E33-C80AA9429562:23", "not three numbers"},  // a MySQL GTID
      {"0-1-2';DROP", "bad sequence number"},
  };
  for (const Case& c : cases) {
    Result<MariaGtidList> r = MariaGtidList::Parse(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr(c.names)) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr("expected domain-server-sequence")) << c.text;
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << c.text;
  }
}

TEST(MariaGtidTest, ParsesOneGtid) {
  EXPECT_EQ(MariaGtidOk(" 0-1-100\n"), (MariaGtid{0, 1, 100}));
  for (const char* bad : {"", "0-1", "0-1-2-3", "0-x-5", "-1-5", "0-1-", "uuid:1"}) {
    Result<MariaGtid> r = ParseMariaGtid(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("bad MariaDB GTID")) << bad;
  }
}

TEST(MariaGtidListTest, AddKeepsTheLastGtidPerDomain) {
  MariaGtidList list = ParseListOk("0-1-100,1-2-7");
  list.Add(MariaGtidOk("0-1-101"));
  list.Add(MariaGtidOk("2-1-5"));
  list.Add(MariaGtidOk("1-3-8"));  // another server of domain 1 takes over
  EXPECT_EQ(list.ToString(), "0-1-101,1-3-8,2-1-5");
}

TEST(MariaGtidListTest, ContainsComparesSequenceNumbersWithinADomain) {
  const MariaGtidList pos = ParseListOk("0-1-100,1-2-7");
  EXPECT_TRUE(pos.Contains(MariaGtidOk("0-1-100")));
  EXPECT_TRUE(pos.Contains(MariaGtidOk("0-9-50")));  // any server of the domain
  EXPECT_FALSE(pos.Contains(MariaGtidOk("0-1-101")));
  EXPECT_FALSE(pos.Contains(MariaGtidOk("2-1-1")));  // a domain the position has not seen
  EXPECT_TRUE(pos.Contains(MariaGtidList()));
  EXPECT_TRUE(pos.Contains(ParseListOk("1-2-7,0-1-3")));
  EXPECT_FALSE(pos.Contains(ParseListOk("0-1-3,1-2-8")));
  EXPECT_FALSE(MariaGtidList().Contains(pos));
}

}  // namespace
}  // namespace binlake::binlog
