// FaultProxy: a TCP proxy on 127.0.0.1 (a free port) in front of a server on 127.0.0.1:<port>
// that injects faults from a seeded random plan with a bounded budget, for tests that check what
// binlake does when the network and its servers misbehave. Loopback only; every wait is bounded;
// the destructor stops the proxy (every connection is closed, every thread joined).
//
// Two modes:
//  - HTTP (StartHttp, for an S3 endpoint): requests and responses are parsed as HTTP/1.1
//    (request line, headers, a Content-Length body, keep-alive; responses with Content-Length,
//    chunked, or no body for HEAD/1xx/204/304), each request is classified as the S3 operation it
//    is (S3Op) and may get one fault (HttpFault): an S3 error answered by the proxy (500
//    InternalError, 503 SlowDown) without forwarding; the connection reset (SO_LINGER 0) before
//    the request is complete; the request forwarded and the connection reset part-way through
//    the answer; the answer's body cut short (the connection closed); a latency spike before
//    forwarding; the request forwarded and its answer dropped (the connection closed). Every
//    request goes upstream on a connection of its own.
//  - TCP (StartTcp, for a MySQL/MariaDB source): bytes are forwarded both ways; a connection that
//    asked for a binlog dump (COM_BINLOG_DUMP or COM_BINLOG_DUMP_GTID) is reset after a random
//    number of server->client bytes, so the cut lands inside an event (and, under write load,
//    inside a transaction).
//
// Faults are injected only while enabled (SetFaultsEnabled; on at start unless the plan says
// otherwise), at most `budget` of them; counters tell which operations got which faults.
//
// Thread-safety: every method may be called from any thread. Connections are served by one thread
// each.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake::testing {

// The S3 operations binlake sends. A PutObject whose key contains "_binlake/cdc/checkpoint-" is
// kPutCheckpoint (the commit point of the CDC protocol).
enum class S3Op {
  kCreateMultipartUpload,    // POST ?uploads
  kUploadPart,               // PUT ?partNumber&uploadId
  kCompleteMultipartUpload,  // POST ?uploadId
  kAbortMultipartUpload,     // DELETE ?uploadId
  kPutObject,                // PUT
  kPutCheckpoint,            // PUT .../_binlake/cdc/checkpoint-*
  kGetObject,                // GET
  kHeadObject,               // HEAD
  kListObjectsV2,            // GET bucket ?list-type=2
  kListMultipartUploads,     // GET bucket ?uploads
  kDeleteObject,             // DELETE
  kOther,                    // anything else (HeadBucket, ...)
};
inline constexpr int kS3OpCount = 12;
std::string_view S3OpName(S3Op op);
// The operation a request is, from its method and target ("/bucket/key?query", path-style).
S3Op ClassifyS3Request(std::string_view method, std::string_view target);

enum class HttpFault {
  kInternalError,     // 500 InternalError (S3 XML error body), not forwarded
  kSlowDown,          // 503 SlowDown, not forwarded
  kResetMidRequest,   // reset after part of the body (after the headers when there is none)
  kResetMidResponse,  // forwarded; reset after part of the answer
  kTruncatedBody,     // forwarded; the answer's body cut short and the connection closed
  kLatency,           // a pause of [min_latency, max_latency] before forwarding
  kDropAnswer,        // forwarded (so applied); the connection closed instead of the answer
};
inline constexpr int kHttpFaultCount = 7;
std::string_view HttpFaultName(HttpFault fault);
std::vector<HttpFault> AllHttpFaults();

struct HttpFaultPlan {
  uint64_t seed = 1;
  bool enabled = true;       // faults on from the start
  double probability = 0.1;  // chance that a request gets a fault
  int budget = 100;          // faults in all; afterwards the proxy only forwards
  // Coverage: each operation's requests get faults until it had this many (within the budget).
  int min_per_operation = 0;
  // At most this many requests of one operation in a row get a fault, so a client that retries
  // a few times always gets through.
  int max_consecutive = 2;
  // The kinds injected. Each fault is the kind this operation has had least (ties: random),
  // among those that fit it (no kTruncatedBody where S3 answers without a body).
  std::vector<HttpFault> kinds = AllHttpFaults();
  std::chrono::milliseconds min_latency{100};
  std::chrono::milliseconds max_latency{1500};
  // Requests whose target ("/bucket/key?query") contains `hold_target` (when not empty) are
  // held for `hold_for`, then forwarded whatever became of their client meanwhile: a request in
  // flight when its sender died, arriving late. Not faults (no budget, counted by held()).
  std::string hold_target;
  std::chrono::milliseconds hold_for{0};
};

struct TcpFaultPlan {
  uint64_t seed = 1;
  bool enabled = true;
  int budget = 3;  // connections dropped in all
  // A binlog dump connection is reset after a random number of server->client bytes (counted
  // from the dump request) in [min_bytes, max_bytes].
  uint64_t min_bytes = 1;
  uint64_t max_bytes = 1 << 20;
};

class FaultProxy {
 public:
  // A proxy to 127.0.0.1:upstream_port.
  static Result<std::unique_ptr<FaultProxy>> StartHttp(int upstream_port, HttpFaultPlan plan);
  static Result<std::unique_ptr<FaultProxy>> StartTcp(int upstream_port, TcpFaultPlan plan);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Faults on or off; forwarding goes on either way.
  void SetFaultsEnabled(bool on);

  // HTTP counters: requests received of an operation, faults injected (of one kind).
  int requests(S3Op op) const;
  int faults(S3Op op) const;
  int faults(S3Op op, HttpFault kind) const;
  int faults_of_kind(HttpFault kind) const;
  int total_faults() const;  // HTTP faults injected + TCP connections dropped
  // Requests held by the plan's hold rule, and of those how many were forwarded since and got
  // the server's answer (delivered to their client or not).
  int held() const;
  int released() const;
  // The counters as a table: one line per operation, one column per fault kind.
  std::string Report() const;

  // TCP counters: connections accepted, binlog dump connections seen, connections dropped, and
  // of those how many were cut inside an event (a packet) and inside a transaction (after its
  // GTID event, before its XID event was complete).
  int connections() const;
  int dump_connections() const;
  int drops() const;
  int drops_mid_event() const;
  int drops_mid_transaction() const;

 private:
  class Impl;
  explicit FaultProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace binlake::testing
