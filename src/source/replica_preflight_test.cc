// Parsing SHOW GRANTS for the CDC pre-flight. The lines are the forms MariaDB 10.11 and MySQL 8
// print.
#include "source/replica_preflight.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ParseGlobalGrantsTest, MariaDbReplicationUser) {
  GlobalGrants g = ParseGlobalGrants(
      {"GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `repl`@`%` IDENTIFIED BY PASSWORD "
       "'*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
       "GRANT SELECT ON `shop`.* TO `repl`@`%`"});
  EXPECT_TRUE(g.Has("REPLICATION SLAVE"));
  EXPECT_TRUE(g.Has("BINLOG MONITOR"));
  EXPECT_FALSE(g.Has("SELECT"));  // schema-level only
  EXPECT_FALSE(g.has_roles);
}

TEST(ParseGlobalGrantsTest, AllPrivilegesCoversEverything) {
  GlobalGrants g =
      ParseGlobalGrants({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
                         "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION"});
  EXPECT_TRUE(g.Has("REPLICATION SLAVE"));
  EXPECT_TRUE(g.Has("REPLICATION CLIENT"));
}

TEST(ParseGlobalGrantsTest, SimilarNamesDoNotCount) {
  GlobalGrants g =
      ParseGlobalGrants({"GRANT REPLICATION SLAVE ADMIN, SLAVE MONITOR ON *.* TO `ops`@`%`"});
  EXPECT_FALSE(g.Has("REPLICATION SLAVE"));
  EXPECT_TRUE(g.Has("REPLICATION SLAVE ADMIN"));
}

TEST(ParseGlobalGrantsTest, MySqlStaticAndDynamicPrivilegesAndRoles) {
  GlobalGrants g = ParseGlobalGrants({"GRANT USAGE ON *.* TO `cdc`@`%`",
                                      "GRANT REPLICATION_SLAVE_ADMIN ON *.* TO `cdc`@`%`",
                                      "GRANT `replicator`@`%` TO `cdc`@`%`"});
  EXPECT_FALSE(g.Has("REPLICATION SLAVE"));
  EXPECT_TRUE(g.has_roles);
  GlobalGrants m =
      ParseGlobalGrants({"grant replication slave, replication client on *.* to `cdc`@`%`"});
  EXPECT_TRUE(m.Has("REPLICATION SLAVE"));
  EXPECT_TRUE(m.Has("REPLICATION CLIENT"));
}

TEST(ParseGlobalGrantsTest, MariaDbRoleGrant) {
  GlobalGrants g =
      ParseGlobalGrants({"GRANT `cdc_role` TO `u`@`%`", "GRANT USAGE ON *.* TO `u`@`%`"});
  EXPECT_TRUE(g.has_roles);
  EXPECT_FALSE(g.Has("REPLICATION SLAVE"));
}

}  // namespace
}  // namespace binlake
