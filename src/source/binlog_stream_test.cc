// BinlogEventStream::Open without a server: the start is checked before connecting, and an
// unreachable source is a retryable error. The stream's parts have tests of their own
// (stream_start_test.cc, dump_packet_test.cc, replica_errors_test.cc, replica_server_id_test.cc,
// read_ahead_policy_test.cc); against a real server: replica_*integration_test.cc.
#include "source/binlog_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace binlake {
namespace {

using ::testing::HasSubstr;

ConnectionConfig Source() {
  ConnectionConfig c;
  c.host = "db.example";
  c.port = 3306;
  c.user = "repl";
  c.password = "hunter2";
  return c;
}

TEST(OpenTest, RejectsBadStartsBeforeConnecting) {
  StreamOptions o;
  o.connection = Source();
  o.connection.port = 1;  // never reached: the checks come first
  o.start = StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:x");
  auto r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);  // a tag with no numbers
  EXPECT_THAT(r.status().message(), HasSubstr("binlog start: bad element"));
  EXPECT_THAT(r.status().message(), HasSubstr("the tag 'x' has no transaction numbers"));
  o.start = StreamStart::AfterMySqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1");
  r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("binlog start: bad element"));
  EXPECT_THAT(r.status().message(), HasSubstr("'3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1'"));

  o.start = StreamStart::At("binlog.000001", 2);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.start = StreamStart::At("", 4);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.start = StreamStart::At("binlog.000001", uint64_t{5} << 32);
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kUnsupported);
  o.start = StreamStart::AfterMariaDbGtid("0-1");
  EXPECT_EQ(BinlogEventStream::Open(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenTest, UnreachableSourceIsANetworkError) {
  StreamOptions o;
  o.connection = Source();
  o.connection.host = "127.0.0.1";
  o.connection.port = 1;  // nothing listens on port 1
  o.connection.tls_mode = TlsMode::kDisabled;
  o.start = StreamStart::At("binlog.000001", 4);
  auto r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError) << r.status().ToString();
  // A tagged MySQL GTID set passes the checks before connecting.
  o.start = StreamStart::AfterMySqlGtidSet(
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:mytag:1-3,\n"
      "b9b88c66-0755-11f1-9899-4a9da94c4d71:7");
  r = BinlogEventStream::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kNetworkError) << r.status().ToString();
}

}  // namespace
}  // namespace binlake
