#include "source/read_ahead_policy.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace binlake {
namespace {

TEST(ReadAheadTest, OnlyWhereACpuIsFreeForIt) {
  ConnectionConfig c;
  for (const char* local : {"127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"}) {
    c.host = local;
    EXPECT_FALSE(ReadAheadPays(c, 1)) << local;
    EXPECT_FALSE(ReadAheadPays(c, 2)) << local;  // the source's dump thread takes one
    EXPECT_TRUE(ReadAheadPays(c, 3)) << local;
    EXPECT_TRUE(ReadAheadPays(c, 4)) << local;
  }
  c.host = "db.example.com";
  EXPECT_TRUE(ReadAheadPays(c, 2));   // a remote source leaves both CPUs to us
  EXPECT_FALSE(ReadAheadPays(c, 1));  // one CPU: nothing to overlap
  EXPECT_FALSE(ReadAheadPays(c, 0));  // (no CPU reported: as one)
  c.host = "10.0.0.5";
  EXPECT_TRUE(ReadAheadPays(c, 2));
  c.host = "::2";  // another IPv6 host
  EXPECT_TRUE(ReadAheadPays(c, 2));
  c.socket = "/run/mysqld/mysqld.sock";  // a unix socket: the source is here, whatever the host
  EXPECT_FALSE(ReadAheadPays(c, 2));
  EXPECT_TRUE(ReadAheadPays(c, 3));
}

TEST(ReadAheadTest, UsableCpusIsTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(UsableCpus(), static_cast<unsigned>(CPU_COUNT(&set)));
  EXPECT_GE(UsableCpus(), 1u);
}

}  // namespace
}  // namespace binlake
