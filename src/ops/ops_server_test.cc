// The operations endpoint over real HTTP (cpp-httplib's client against the server on a loopback
// port): the exposition text, the health states and their reasons, bind errors, and scrapes
// concurrent with metric updates (THREADS: run under ThreadSanitizer too).
#include "ops/ops_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "common/health.h"
#include "common/metrics.h"

namespace binlake::ops {
namespace {

struct Answer {
  int status = 0;
  std::string body;
  std::string content_type;
};

Answer Get(const std::string& address, const std::string& path) {
  const size_t colon = address.rfind(':');
  httplib::Client client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  auto r = client.Get(path.c_str());
  if (!r) return {};
  return {r->status, r->body, r->get_header_value("Content-Type")};
}

TEST(ParseHostPortTest, AcceptsHostPortForms) {
  auto a = ParseHostPort("127.0.0.1:9464");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9464);
  auto any = ParseHostPort(":0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "0.0.0.0");
  EXPECT_EQ(any->port, 0);
  auto v6 = ParseHostPort("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"9464", "host:", "host:x", "host:70000", "::1:80", "h:-1", "h:80x"}) {
    auto r = ParseHostPort(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("HOST:PORT"), std::string::npos);
  }
}

TEST(OpsServerTest, ServesMetricsInTheExpositionFormat) {
  metrics::InitProcessMetrics("9.9.9-test");
  metrics::RowsWritten("shop.orders", "insert").Increment(3);
  auto server = OpsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string address = (*server)->address();
  EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u) << address;
  EXPECT_NE(address, "127.0.0.1:0");
  Answer a = Get(address, "/metrics");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(a.body.find("# TYPE binlake_rows_written_total counter"), std::string::npos);
  EXPECT_NE(a.body.find("binlake_rows_written_total{op=\"insert\",table=\"shop.orders\"} 3"),
            std::string::npos)
      << a.body;
  EXPECT_NE(a.body.find("binlake_build_info{version=\"9.9.9-test\"} 1"), std::string::npos);
  EXPECT_NE(a.body.find("# TYPE binlake_cdc_latency_seconds histogram"), std::string::npos);
  EXPECT_EQ(Get(address, "/nothing").status, 404);
}

TEST(OpsServerTest, HealthAndReadinessFollowTheTaskState) {
  health::ResetForTesting();
  OpsServerOptions options;
  options.store_grace = std::chrono::seconds(0);
  auto server = OpsServer::Start("127.0.0.1:0", options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string address = (*server)->address();
  health::Tick();
  EXPECT_EQ(Get(address, "/healthz").status, 200);
  EXPECT_EQ(Get(address, "/readyz").status, 200);  // no source in this process

  health::SetUsesSource(true);
  health::SetSourceConnected(false, "binlog stream lost: connection reset");
  Answer down = Get(address, "/readyz");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body, "not ready: source disconnected (binlog stream lost: connection reset)\n");
  EXPECT_EQ(Get(address, "/healthz").status, 200);  // alive, and retrying

  health::SetSourceConnected(true);
  EXPECT_EQ(Get(address, "/readyz").status, 200);
  health::StoreFailed("PutObject 503");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // past the zero grace period
  Answer failing = Get(address, "/readyz");
  EXPECT_EQ(failing.status, 503);
  EXPECT_NE(failing.body.find("target store failing"), std::string::npos) << failing.body;
  EXPECT_NE(failing.body.find("PutObject 503"), std::string::npos) << failing.body;
  health::StoreSucceeded();
  EXPECT_EQ(Get(address, "/readyz").status, 200);

  // A waiting standby is ready to take over without a source connection; a failing store makes
  // it not ready.
  health::SetSourceConnected(false, "not started");
  health::SetStandby(true, "standby: the lease is held by host:42 (term 3)");
  Answer standby = Get(address, "/readyz");
  EXPECT_EQ(standby.status, 200);
  EXPECT_EQ(standby.body, "ready (standby: the lease is held by host:42 (term 3))\n");
  health::StoreFailed("ListObjectsV2 503");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(Get(address, "/readyz").status, 503);
  health::StoreSucceeded();
  health::SetStandby(false);
  EXPECT_EQ(Get(address, "/readyz").status, 503);  // active, and the source is not connected
  health::ResetForTesting();
}

TEST(OpsServerTest, LivenessFailsWhenTheLoopStopsTurning) {
  health::ResetForTesting();
  OpsServerOptions options;
  options.liveness = std::chrono::seconds(0);
  auto server = OpsServer::Start("127.0.0.1:0", options);
  ASSERT_TRUE(server.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  Answer a = Get((*server)->address(), "/healthz");
  EXPECT_EQ(a.status, 503);
  EXPECT_NE(a.body.find("not live"), std::string::npos) << a.body;
  EXPECT_EQ(Get((*server)->address(), "/readyz").status, 503);
  health::ResetForTesting();
}

TEST(OpsServerTest, AnAddressInUseIsOneClearError) {
  auto first = OpsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok());
  auto second = OpsServer::Start((*first)->address());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(second.status().message().find("cannot listen on --metrics-address"),
            std::string::npos);
}

TEST(OpsServerTest, ScrapesDoNotDisturbWriters) {
  auto server = OpsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(server.ok());
  prometheus::Counter& rows = metrics::RowsWritten("race.t", "update");
  const double before = rows.Value();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) {
      rows.Increment();
      if (i % 1000 == 0) metrics::SetCdcCheckpoint(i, "f.000001:" + std::to_string(i), "", "", 0);
      health::Tick();
    }
    done = true;
  });
  int scrapes = 0;
  while (!done.load() || scrapes < 3) {
    EXPECT_EQ(Get((*server)->address(), "/metrics").status, 200);
    ++scrapes;
  }
  writer.join();
  EXPECT_EQ(rows.Value() - before, 20000);
  // Exactly one checkpoint series remains.
  std::string body = RenderMetrics();
  size_t series = 0;
  for (size_t p = 0; (p = body.find("binlake_cdc_checkpoint_info{", p)) != std::string::npos; ++p) {
    ++series;
  }
  EXPECT_EQ(series, 1u) << body;
}

}  // namespace
}  // namespace binlake::ops
