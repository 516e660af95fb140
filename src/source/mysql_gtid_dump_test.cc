// COM_BINLOG_DUMP_GTID payload, byte for byte: the fixed fields around the SID block, which is the
// set's binary form (binlog::MySqlGtidSet::Encode; parser and encoding are tested against real
// binlogs in src/binlog/gtid_set_test.cc).
#include "source/mysql_gtid_dump.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

std::string Hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string PayloadHex(uint32_t server_id, std::string_view set_text) {
  Result<binlog::MySqlGtidSet> set = binlog::MySqlGtidSet::Parse(set_text);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  if (!set.ok()) return "";
  Result<std::vector<uint8_t>> p = BuildBinlogDumpGtidPayload(server_id, *set);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? Hex(*p) : "";
}

TEST(MySqlGtidDumpTest, EmptySet) {
  EXPECT_EQ(PayloadHex(0x01020304, ""),
            "0000"                // flags: none
            "04030201"            // server_id
            "00000000"            // file name length (no name follows)
            "0400000000000000"    // position 4
            "08000000"            // data size
            "0000000000000000");  // n_sids 0
}

TEST(MySqlGtidDumpTest, UntaggedSet) {
  EXPECT_EQ(PayloadHex(4242, "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"),
            "0000"
            "92100000"  // 4242
            "00000000"
            "0400000000000000"
            "30000000"                          // 48 bytes of SID block:
            "0100000000000000"                  // n_sids
            "3e11fa4771ca11e19e33c80aa9429562"  // the UUID's 16 bytes
            "0100000000000000"                  // n_intervals
            "0100000000000000"                  // start 1
            "0600000000000000");                // end 6: exclusive
}

TEST(MySqlGtidDumpTest, TaggedSetUsesTheTaggedFormat) {
  EXPECT_EQ(PayloadHex(7, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:MyTag:2"),
            "0000"
            "07000000"
            "00000000"
            "0400000000000000"
            "5f000000"                          // 95 bytes of SID block:
            "0102000000000001"                  // format 1 | n_sids 2 << 8 | format 1 << 56
            "3e11fa4771ca11e19e33c80aa9429562"  // untagged TSID: tag length 0
            "00"
            "0100000000000000"
            "0100000000000000"
            "0600000000000000"
            "3e11fa4771ca11e19e33c80aa9429562"  // then "mytag": length 5 as varlen (5 << 1)
            "0a6d79746167"
            "0100000000000000"
            "0200000000000000"
            "0300000000000000");
}

}  // namespace
}  // namespace binlake
