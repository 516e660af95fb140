// StreamOptions::non_blocking against a real MariaDB: the short reads the CDC task makes beside
// its own dump (cdc/xa_replay.h). The source sends what its binlog holds and then EOF (kNotFound,
// not a network error), the read announces server_id 0, and a replica streaming at the same time
// is neither evicted nor disturbed.
#include <gtest/gtest.h>

#include "source/replica_test_util.h"

namespace binlake {
namespace {

using replica_testing::Now;
using replica_testing::OpenReplica;
using replica_testing::Options;
using testing::MariaDbServer;

TEST(NonBlockingStreamTest, ReadsToTheEndBesideARunningReplica) {
  auto started = MariaDbServer::Start();
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> server = std::move(started).value();
  ASSERT_TRUE(server->Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY)").ok());
  const binlog::BinlogPosition start = Now(*server);
  ASSERT_TRUE(server->Execute("INSERT INTO d.t VALUES (1), (2)").ok());
  const binlog::BinlogPosition middle = Now(*server);

  // The task's own dump, from the same start, kept open throughout.
  auto replica = OpenReplica(Options(*server, StreamStart::At(start.file, start.position)));
  ASSERT_NE(replica, nullptr);
  ASSERT_TRUE(replica->RunTo(middle).ok());
  EXPECT_EQ(replica->committed.size(), 2u);

  for (int round = 0; round < 2; ++round) {
    StreamOptions o = Options(*server, StreamStart::At(start.file, start.position));
    o.non_blocking = true;
    o.prefetch_bytes = 0;
    auto stream = BinlogEventStream::Open(o);
    ASSERT_TRUE(stream.ok()) << stream.status().ToString();
    EXPECT_EQ((*stream)->server_id(), 0u);
    uint64_t events = 0;
    Status end;
    while (true) {
      Result<StreamEvent> ev = (*stream)->Next();
      if (!ev.ok()) {
        end = ev.status();
        break;
      }
      ++events;
    }
    EXPECT_EQ(end.code(), StatusCode::kNotFound) << end.ToString();
    EXPECT_NE(end.message().find("reached the end of the binlog"), std::string::npos);
    EXPECT_EQ((*stream)->next_position(), middle.position);
    EXPECT_GE(events, 4u);  // fake ROTATE, FORMAT_DESCRIPTION, the transaction's events
  }

  // The replica was not evicted: it goes on receiving without an error.
  ASSERT_TRUE(server->Execute("INSERT INTO d.t VALUES (3)").ok());
  Status more = replica->RunTo(Now(*server));
  EXPECT_TRUE(more.ok()) << more.ToString();
  EXPECT_EQ(replica->committed.size(), 3u);
}

}  // namespace
}  // namespace binlake
