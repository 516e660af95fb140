#include "source/resume_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "source/connection_config.h"

namespace binlake {
namespace {

using ::testing::HasSubstr;

constexpr char kUuid[] = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

binlog::BinlogPosition At(std::string file, uint64_t pos, std::string gtid, std::string server) {
  binlog::BinlogPosition p{std::move(file), pos, std::move(gtid)};
  p.server = std::move(server);
  return p;
}

SourceServer Maria(std::string id, std::string state, bool read_only = false) {
  SourceServer s;
  s.is_mariadb = true;
  s.identity = std::move(id);
  s.log_bin = true;
  s.gtids = true;
  s.executed = std::move(state);
  s.read_only = read_only;
  return s;
}

SourceServer MySql(std::string uuid, std::string executed, bool gtids = true) {
  SourceServer s;
  s.identity = "server_uuid=" + uuid;
  s.log_bin = true;
  s.gtids = gtids;
  s.executed = std::move(executed);
  return s;
}

TEST(PlanResume, GtidOnTheSameServerToo) {
  auto plan = PlanResume(At("binlog.000003", 4711, "0-1-100", "server_id=1"), "the checkpoint",
                         Maria("server_id=1", "0-1-100"), "u@h:1");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->by_gtid);
  EXPECT_FALSE(plan->other_server);
  EXPECT_EQ(plan->start.ToString(), "GTID 0-1-100");
}

TEST(PlanResume, GtidOnAPromotedReplica) {
  auto plan = PlanResume(At("binlog.000003", 4711, "0-1-100", "server_id=1"), "the checkpoint",
                         Maria("server_id=2", "0-1-120,0-2-130"), "u@h:2");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->by_gtid);
  EXPECT_TRUE(plan->other_server);
  EXPECT_EQ(plan->start.kind, StreamStart::Kind::kMariaDbGtid);
  EXPECT_EQ(plan->start.gtid, "0-1-100");
}

TEST(PlanResume, AWritableServerLackingCommittedTransactionsDiverged) {
  auto plan = PlanResume(At("binlog.000003", 4711, "0-1-100", "server_id=1"), "the checkpoint",
                         Maria("server_id=2", "0-1-90,0-2-130"), "u@h:2");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("the source u@h:2 (server_id=2) lacks transactions the checkpoint "
                        "already covers: 0-1-100 (the binlog has server 1's domain 0 up to "
                        "0-1-90) (diverged or errant server)"));
}

TEST(PlanResume, AReadOnlyServerLackingThemMayCatchUp) {
  auto plan = PlanResume(At("binlog.000003", 4711, "0-1-100", "server_id=1"), "the checkpoint",
                         Maria("server_id=2", "0-1-90", /*read_only=*/true), "u@h:2");
  ASSERT_FALSE(plan.ok());
  EXPECT_TRUE(plan.status().IsRetryable()) << plan.status().ToString();
  EXPECT_THAT(plan.status().message(), HasSubstr("lacks transactions the checkpoint"));
}

TEST(PlanResume, MySqlGtidSetAndItsCoverage) {
  const std::string set = std::string(kUuid) + ":1-100";
  auto ok = PlanResume(At("binlog.000002", 99, set, "server_uuid=a"), "the checkpoint",
                       MySql("b", std::string(kUuid) + ":1-200"), "u@h");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->start.kind, StreamStart::Kind::kMySqlGtidSet);
  EXPECT_EQ(ok->start.gtid, set);
  auto lacking = PlanResume(At("binlog.000002", 99, set, "server_uuid=a"), "the checkpoint",
                            MySql("b", std::string(kUuid) + ":1-90"), "u@h");
  ASSERT_FALSE(lacking.ok());
  EXPECT_THAT(lacking.status().message(), HasSubstr(std::string(kUuid) + ":91-100"));
}

TEST(PlanResume, FilePositionWithoutGtids) {
  // MySQL with gtid_mode OFF: the same server resumes by file:position ...
  auto same = PlanResume(At("binlog.000002", 99, "", "server_uuid=a"), "the checkpoint",
                         MySql("a", "", /*gtids=*/false), "u@h");
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->by_gtid);
  EXPECT_EQ(same->start.ToString(), "binlog.000002:99");
  // ... another server cannot.
  auto other = PlanResume(At("binlog.000002", 99, "", "server_uuid=a"), "the checkpoint",
                          MySql("b", "", false), "u@h");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(other.status().message(), HasSubstr("in the binlog of another server"));
  // A set but gtid_mode not ON on the new server: no GTID resume, and not another server.
  auto permissive =
      PlanResume(At("binlog.000002", 99, std::string(kUuid) + ":1-5", "server_uuid=a"),
                 "the checkpoint", MySql("b", "", false), "u@h");
  ASSERT_FALSE(permissive.ok());
  EXPECT_THAT(permissive.status().message(), HasSubstr("gtid_mode must be ON"));
}

TEST(PlanResume, PositionsThatNameNoServerResumeAsBefore) {
  // State written before binlake recorded servers: its set may be partial, so file:position.
  auto plan = PlanResume(At("binlog.000003", 4711, "0-1-100", ""), "the checkpoint",
                         Maria("server_id=1", "0-1-100"), "u@h");
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->by_gtid);
  EXPECT_EQ(plan->start.ToString(), "binlog.000003:4711");
}

TEST(PlanResume, AGtidStartHasNoFile) {
  auto plan =
      PlanResume(At("", 0, "0-1-5", ""), "--start-gtid", Maria("server_id=1", "0-1-9"), "u@h");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->by_gtid);
  auto wrong = PlanResume(At("", 0, std::string(kUuid) + ":1-5", ""), "--start-gtid",
                          Maria("server_id=1", "0-1-9"), "u@h");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("MySQL GTID set"));
  // The empty set: the whole binlog history, either flavour.
  auto all =
      PlanResume(At("", 0, "", ""), "--start-gtid", MySql("a", std::string(kUuid) + ":1-3"), "u@h");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->start.kind, StreamStart::Kind::kMySqlGtidSet);
  auto off = PlanResume(At("", 0, std::string(kUuid) + ":1-5", ""), "--start-gtid",
                        MySql("a", "", /*gtids=*/false), "u@h");
  ASSERT_FALSE(off.ok());
  EXPECT_THAT(off.status().message(), HasSubstr("gtid_mode must be ON"));
}

TEST(PlanResume, PreferFilePositionOnlyOnTheSameServer) {
  auto same = PlanResume(At("binlog.000003", 4, "0-1-100", "server_id=1"), "--start-position",
                         Maria("server_id=1", "0-1-100"), "u@h", /*prefer_file_position=*/true);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->by_gtid);
  auto other = PlanResume(At("binlog.000003", 4, "0-1-100", "server_id=1"), "--start-position",
                          Maria("server_id=2", "0-1-100"), "u@h", true);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->by_gtid);
}

TEST(ConnectionConfigHosts, InOrderEachAlone) {
  ConnectionConfig c;
  c.host = "h1";
  c.port = 3306;
  c.user = "repl";
  c.password = "secret";
  c.other_hosts = {{"h2", 3307}, {"::1", 3308}};
  std::vector<ConnectionConfig> hosts = c.Hosts();
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[1].host, "h2");
  EXPECT_EQ(hosts[1].port, 3307);
  EXPECT_EQ(hosts[1].password, "secret");
  EXPECT_TRUE(hosts[1].other_hosts.empty());
  EXPECT_EQ(hosts[2].Describe(), "repl@[::1]:3308");
  EXPECT_EQ(c.Describe(), "repl@h1:3306,h2:3307,[::1]:3308");
  c.socket = "/run/mysqld.sock";
  EXPECT_EQ(c.Hosts().size(), 1u);
}

}  // namespace
}  // namespace binlake
