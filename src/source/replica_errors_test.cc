#include "source/replica_errors.h"

#include <errmsg.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>

#include <string>

namespace binlake {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ConnectionConfig Source() {
  ConnectionConfig c;
  c.host = "db.example";
  c.port = 3306;
  c.user = "repl";
  c.password = "hunter2";
  return c;
}

// The messages below are what MariaDB 10.11 sent in these situations (seen on the test server).
TEST(DumpErrorTest, PurgedFileNamesTheFileAndTheWayOut) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "Could not find first log file name in binary log index file",
                                StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("binlog file binlog.000001 is no longer on the source"));
  EXPECT_THAT(st.message(), HasSubstr("run a new full load"));
  EXPECT_THAT(st.message(), HasSubstr("repl@db.example:3306"));
  EXPECT_THAT(st.message(), ::testing::Not(HasSubstr("hunter2")));
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST(DumpErrorTest, GtidNotInBinlog) {
  Status st = DumpErrorToStatus(
      ER_MASTER_FATAL_ERROR_READING_BINLOG,
      "Error: connecting slave requested to start from GTID 0-1-99, which is not in the "
      "master's binlog",
      StreamStart::AfterMariaDbGtid("0-1-99"), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("GTID 0-1-99"));
  EXPECT_THAT(st.message(), HasSubstr("run a new full load"));
}

TEST(DumpErrorTest, MissingReplicationSlaveNamesTheGrant) {
  Status st = DumpErrorToStatus(
      ER_SPECIFIC_ACCESS_DENIED_ERROR,
      "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for this "
      "operation",
      StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("GRANT REPLICATION SLAVE ON *.* TO 'repl'"));
}

TEST(DumpErrorTest, LostConnectionIsRetryable) {
  const unsigned int errors[] = {CR_SERVER_LOST, CR_SERVER_GONE_ERROR, ER_SERVER_SHUTDOWN,
                                 ER_CONNECTION_KILLED};
  for (unsigned int e : errors) {
    Status st = DumpErrorToStatus(e, "Lost connection to server during query",
                                  StreamStart::At("binlog.000001", 4), Source());
    EXPECT_EQ(st.code(), StatusCode::kNetworkError) << e;
    EXPECT_TRUE(st.IsRetryable());
  }
}

TEST(DumpErrorTest, OtherFatalReadErrorsKeepTheServerMessage) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "binlog truncated in the middle of event; consider out of disk "
                                "space on master",
                                StreamStart::At("binlog.000001", 100), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("binlog.000001:100"));
  EXPECT_THAT(st.message(), HasSubstr("truncated in the middle of event"));
}

TEST(DumpErrorTest, SameServerId) {
  Status st = DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG,
                                "A slave with the same server_uuid/server_id as this slave has "
                                "connected to the master",
                                StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("another binlake instance of this task"));
  EXPECT_THAT(st.message(), HasSubstr("source.server_id"));
}

// MariaDB 10.11 ends the older of two dumps with one server_id with ER_SLAVE_SAME_ID (4052), in
// this text (seen on the test server when two instances of one task ran). It used to fall
// through to the generic mapping: an internal error that named neither cause nor remedy.
TEST(DumpErrorTest, MariaDbSlaveSameIdWhileStreaming) {
  Status st = DumpErrorToStatus(
      ER_SLAVE_SAME_ID,
      "A slave with the same server_uuid/server_id is already connected; the first event "
      "'binlog.000001' at 3840054, the last event read from 'binlog.000001' at 3893567, the "
      "last byte read from 'binlog.000001' at 3893598.",
      StreamStart::At("binlog.000001", 3840054), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_FALSE(st.IsRetryable());
  EXPECT_THAT(st.message(), HasSubstr("another binlake instance of this task"));
  EXPECT_THAT(st.message(), HasSubstr("source.server_id"));
  EXPECT_THAT(st.message(), HasSubstr("already connected"));
  EXPECT_THAT(st.message(), Not(HasSubstr("hunter2")));
}

TEST(DumpErrorTest, MySqlPurgedGtidsForAGtidStart) {
  // MySQL 8.4's text for ER_MASTER_HAS_PURGED_REQUIRED_GTIDS (1789), shortened.
  Status st = DumpErrorToStatus(
      ER_MASTER_HAS_PURGED_REQUIRED_GTIDS,
      "Cannot replicate because the source purged required binary logs. Replicate the missing "
      "transactions from elsewhere, or provision a new replica from backup.",
      StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("cannot stream from GTID 3e11fa47"));
  EXPECT_THAT(st.message(), HasSubstr("run a new full load"));
  EXPECT_THAT(st.message(), HasSubstr("the source says: Cannot replicate"));
}

TEST(DumpErrorTest, GtidWordsDoNotMakeAFilePositionStartAGtidError) {
  Status st =
      DumpErrorToStatus(ER_MASTER_FATAL_ERROR_READING_BINLOG, "event with a GTID out of order",
                        StreamStart::At("b.000002", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(st.message(), HasSubstr("cannot send its binlog from b.000002:4"));
  EXPECT_THAT(st.message(), Not(HasSubstr("run a new full load")));
}

TEST(DumpErrorTest, OtherAccessDeniedKeepsTheServerMessage) {
  Status st = DumpErrorToStatus(ER_ACCESS_DENIED_ERROR, "Access denied for user 'repl'@'%'",
                                StreamStart::At("binlog.000001", 4), Source());
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(st.message(), HasSubstr("reading the binlog of repl@db.example:3306"));
  EXPECT_THAT(st.message(), HasSubstr("Access denied for user 'repl'"));
  EXPECT_THAT(st.message(), Not(HasSubstr("GRANT")));
}

TEST(DumpErrorTest, EveryWayOfLosingTheConnectionIsRetryable) {
  for (unsigned int e :
       {CR_SERVER_LOST_EXTENDED, CR_CONNECTION_ERROR, ER_QUERY_INTERRUPTED, ER_NET_READ_ERROR,
        ER_NET_ERROR_ON_WRITE, ER_ABORTING_CONNECTION, ER_NEW_ABORTING_CONNECTION}) {
    Status st = DumpErrorToStatus(e, "gone", StreamStart::AfterMariaDbGtid("0-1-5"), Source());
    EXPECT_EQ(st.code(), StatusCode::kNetworkError) << e;
    EXPECT_THAT(st.message(), HasSubstr("reconnect from the last committed position")) << e;
    EXPECT_THAT(st.message(), HasSubstr("(gone)")) << e;
  }
}

TEST(DumpErrorTest, AnythingElseGoesThroughTheGeneralMapping) {
  Status st = DumpErrorToStatus(ER_UNKNOWN_ERROR, "something odd",
                                StreamStart::At("binlog.000001", 100), Source());
  EXPECT_EQ(st.code(), StatusCode::kInternal);  // MysqlErrorToStatus's default
  EXPECT_EQ(st.message(),
            "reading the binlog of repl@db.example:3306 from binlog.000001:100: something odd");
}

}  // namespace
}  // namespace binlake
