// Opening the replication stream after a recorded position on the first usable host of the
// source, with backoff: what CDC does at start and after every lost stream, and what makes it
// follow a failover (docs/COMMIT-PROTOCOL.md, "Failover").
//
// One attempt, for each host of options.connection in order (source_hosts.h):
//   connect; read the server (resume_plan.h: identity, GTIDs, executed set, read_only); refuse a
//   server whose binlog is off; decide file:position or GTID (PlanResume: a server lacking
//   transactions the position covers is refused, for good when it is writable); run the CDC
//   pre-flight for that start (replica_preflight.h: grants, binlog format, the start still in the
//   binlog); then open the stream there (binlog_stream.h).
// The first host that passes wins; the attempt fails retryably when no host answered (or the
// one that passed lost its stream while opening), and the whole attempt is repeated with
// `policy` (replica_retry.h's DefaultReconnectPolicy for CDC). A non-retryable refusal (a
// diverged server, a missing grant, a purged binlog) is returned at once when no host is usable.
//
// Thread-safety: the caller's thread; `clock` may be interrupted from another (SIGTERM).
#pragma once

#include <memory>
#include <string>

#include "binlog/binlog_position.h"
#include "common/retry.h"
#include "common/status.h"
#include "source/binlog_stream.h"
#include "source/mysql_connection.h"
#include "source/replica_preflight.h"
#include "source/resume_plan.h"

namespace binlake {

struct ResumeRequest {
  binlog::BinlogPosition position;    // where to resume (after it)
  std::string what;                   // names it in messages: "the checkpoint", "--start-gtid"...
  bool prefer_file_position = false;  // PlanResume's: an explicit file:position start
};

struct ResumedStream {
  std::unique_ptr<BinlogEventStream> stream;
  std::unique_ptr<MysqlConnection> control;  // to the stream's server (catalog reads, checks)
  SourceServer server;
  ResumePlan plan;
  CdcPreflightReport preflight;  // its warnings and info are the caller's to log
};

// `options` is the stream's (options.connection may name several hosts; options.start is
// ignored: the plan decides it).
Result<ResumedStream> OpenResumedStream(const StreamOptions& options, const ResumeRequest& request,
                                        const BackoffPolicy& policy, RetryClock& clock);

}  // namespace binlake
