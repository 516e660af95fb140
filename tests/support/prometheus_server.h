// Test harness: a real Prometheus server (the Debian package's /usr/bin/prometheus) that scrapes
// one target, started for a test and always stopped by the destructor; plus the small HTTP
// helpers the metrics tests use (a free loopback port, a GET through curl).
//
// PrometheusServer runs in a fresh temp dir (its prometheus.yml, its TSDB, its log), listens on
// a free 127.0.0.1 port and is a child of the test process: the destructor ends it (SIGTERM,
// bounded wait, then SIGKILL) and reaps it. It also dies with the test process if that is
// killed (PR_SET_PDEATHSIG), so no Prometheus outlives a test, a failed one included.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/status.h"
#include "common/testing/temp_dir.h"

namespace binlake::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, getsockname, close); 0 if
// none could be had. Another process may take it before the caller binds it.
int FreeLoopbackPort();

// GET `url` with curl (no proxy, 10 s timeout): the HTTP status code and the body. A failed
// connection (refused, timeout) is a NetworkError; any HTTP status, 5xx included, is a result.
Result<std::pair<int, std::string>> HttpGet(const std::string& url);

// `s` percent-encoded for a URL query value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& s);

class PrometheusServer {
 public:
  // Starts Prometheus scraping `scrape_target` ("127.0.0.1:PORT") at `metrics_path` every
  // `scrape_interval` (job "binlake"; scrape timeout = the interval), and waits (deadline 60 s,
  // polling GET /-/ready) until it is ready. It listens on a free 127.0.0.1 port, never the
  // target's (which the target may not have bound yet). Fails with the end of its log if it ends
  // or does not become ready; a port taken meanwhile by another process is retried on another.
  // Call it on a thread that outlives the server (the test's): the child dies with that thread.
  static Result<std::unique_ptr<PrometheusServer>> Start(
      const std::string& scrape_target, std::chrono::milliseconds scrape_interval,
      const std::string& metrics_path = "/metrics");
  ~PrometheusServer();  // SIGTERM, up to 10 s, then SIGKILL; reaped; the temp dir removed
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  // http://127.0.0.1:PORT
  std::string Url() const;
  // Prometheus's own output (its log file), for failure messages.
  std::string Log() const;

  // An instant query (GET /api/v1/query): the response's raw JSON. An HTTP status other than 200
  // (a bad PromQL expression is 400) is an error with the body.
  Result<std::string> Query(const std::string& promql);
  // The value of an instant query that yields one sample: data.result[0].value[1] of a vector
  // (or data.result[1] of a scalar), as a double ("NaN", "+Inf" included). Empty when the vector
  // is empty (no such series yet). More than one series is an error: aggregate them (sum(...)).
  Result<std::optional<double>> QueryScalar(const std::string& promql);

 private:
  PrometheusServer() = default;
  // One attempt to start on port_; ok once /-/ready answered 200.
  Status Launch(const std::string& config_path);
  // True while the child runs (reaps it once it ended).
  bool Running();
  void Stop();

  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  pid_t pid_ = 0;
  int exit_status_ = 0;  // waitpid status, once reaped
};

}  // namespace binlake::testing
