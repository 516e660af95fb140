// The operations endpoint of a running command (--metrics-address HOST:PORT), over HTTP/1.1 with
// Debian's cpp-httplib:
//   GET /metrics  the process's metrics (common/metrics.h) in the Prometheus text exposition
//                 format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/)
//   GET /healthz  200 "ok" while the task's loop turns; 503 and why otherwise (common/health.h)
//   GET /readyz   200 "ready" when live, connected to the source and the target store is not
//                 failing; 503 "not ready: <reasons>" otherwise
// Requests are served on the server's own two threads and only read atomics, or take the
// metrics' short family locks: a scrape never waits for, nor blocks, the replication path.
// The server stops (and its threads end) when the OpsServer is destroyed.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace binlake::ops {

struct OpsServerOptions {
  // How long the task's loop may go without turning before /healthz fails. The CDC loop turns
  // at every event and source heartbeat (at most every 15 s) and every retry waits at most 20 s.
  std::chrono::seconds liveness{120};
  // How long target store requests may keep failing (while retried) before /readyz fails.
  std::chrono::seconds store_grace{10};
};

// "HOST:PORT", "[IPv6]:PORT" or ":PORT" (every interface). Port 0 picks a free port.
struct HostPort {
  std::string host;
  int port = 0;
};
Result<HostPort> ParseHostPort(const std::string& address);

class OpsServer {
 public:
  // Binds `address` and starts serving. kInvalidArgument for a malformed address,
  // kPreconditionFailed when it cannot be bound (in use, not a local address).
  static Result<std::unique_ptr<OpsServer>> Start(const std::string& address,
                                                  OpsServerOptions options = {});
  ~OpsServer();
  OpsServer(const OpsServer&) = delete;
  OpsServer& operator=(const OpsServer&) = delete;

  // The bound address, "HOST:PORT" (the port chosen when 0 was asked for).
  const std::string& address() const { return address_; }

 private:
  struct Impl;
  explicit OpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

// The /metrics body (also for tests).
std::string RenderMetrics();

// Writes RenderMetrics() to `path` (through a temporary file in the same directory and a rename,
// so a reader never sees half of it): for commands that end, such as materialize and validate,
// whose last values a scrape cannot catch (--metrics-file; node_exporter's textfile collector
// reads such files).
Status WriteMetricsFile(const std::string& path);

}  // namespace binlake::ops
