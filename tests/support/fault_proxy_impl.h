// The inside of FaultProxy (support/fault_proxy.h), shared by fault_proxy.cc (listener,
// connections, counters, TCP mode) and fault_proxy_http.cc (HTTP mode). Not for tests.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fault_proxy.h"

namespace binlake::testing {

class FaultProxy::Impl {
 public:
  enum class Mode { kHttp, kTcp };
  Impl(Mode mode, int upstream_port, HttpFaultPlan http, TcpFaultPlan tcp);
  ~Impl();  // Stop()

  // Binds 127.0.0.1:0, listens and starts accepting.
  Status Listen();
  int port() const { return port_; }
  // Stops accepting, shuts every connection down, joins every thread. Idempotent.
  void Stop();

  void SetEnabled(bool on) { enabled_.store(on); }
  bool enabled() const { return enabled_.load(); }
  bool stopping() const { return stopping_.load(); }

  // --- Connections. Every socket a serving thread owns is tracked, so Stop() can wake it. ---
  // Tracks `fd`; false (and `fd` closed) when the proxy is stopping.
  bool Track(int fd);
  // Untracks and closes `fd`; `reset`: with SO_LINGER 0, so the peer gets a RST.
  void Close(int fd, bool reset);
  // A tracked connection to the upstream, or -1.
  int ConnectUpstream();
  // Waits `d`, or less if the proxy stops; false if it is stopping.
  bool Pause(std::chrono::milliseconds d);
  // A random number in [lo, hi] from the plan's seeded generator.
  uint64_t Random(uint64_t lo, uint64_t hi);

  // --- HTTP mode (fault_proxy_http.cc) ---
  void ServeHttp(int fd);
  // Counts a request of `op` and decides its fault (std::nullopt: none). `has_body`: whether S3
  // answers this operation with a body (kTruncatedBody is chosen only then).
  std::optional<HttpFault> Decide(S3Op op, bool has_body);
  // Counts a fault as injected (`planned` was decided; `applied` is what it became).
  void Record(S3Op op, HttpFault planned, HttpFault applied);

  // --- TCP mode ---
  void ServeTcp(int fd);

  // --- Counters (read by FaultProxy) ---
  mutable std::mutex mu_;
  std::array<int, kS3OpCount> requests_{};                             // guarded by mu_
  std::array<std::array<int, kHttpFaultCount>, kS3OpCount> faults_{};  // guarded by mu_
  int connections_ = 0;                                                // guarded by mu_
  int dump_connections_ = 0;                                           // guarded by mu_
  int drops_ = 0;                                                      // guarded by mu_
  int drops_mid_event_ = 0;                                            // guarded by mu_
  int drops_mid_transaction_ = 0;                                      // guarded by mu_
  int held_ = 0;                                                       // guarded by mu_
  int released_ = 0;                                                   // guarded by mu_

 private:
  void AcceptLoop();
  void Serve(int fd);

  const Mode mode_;
  const int upstream_port_;
  const HttpFaultPlan http_;
  const TcpFaultPlan tcp_;
  std::atomic<bool> enabled_;
  std::atomic<bool> stopping_{false};
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;

  std::condition_variable stop_cv_;  // with mu_
  std::mt19937_64 rng_;              // guarded by mu_
  std::set<int> fds_;                // guarded by mu_
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_;  // guarded by mu_
  int budget_used_ = 0;          // guarded by mu_ (HTTP faults decided, TCP drops made)
  std::array<int, kS3OpCount> consecutive_{};  // guarded by mu_

  friend class FaultProxy;
};

}  // namespace binlake::testing
