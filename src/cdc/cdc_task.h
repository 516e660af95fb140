// RunCdc: the CDC task. Streams the source's binlog as a replica (source/binlog_stream.h),
// decodes it (binlog/event_pump.h) and writes every committed change of the selected tables
// through the CdcWriter (cdc/writer.h), which commits batches with the protocol of
// docs/COMMIT-PROTOCOL.md.
//
// Start: the newest CDC checkpoint in the target; without one, the explicit start (position or
// MariaDB GTID), else the snapshot position of a complete full load in the target.
// Reconnects: a network error or a source restart drops the open batch and resumes from the last
// checkpoint (always a transaction boundary) with exponential backoff; non-retryable errors
// (purged binlog, lost grant, corrupt event, target errors, a promoted server that lacks
// transactions already written) stop the task with one clear line.
// Failover: every (re)connect goes to the first usable host of `source` (several in --source) and
// resumes after the checkpoint's GTID set when the source uses GTIDs, on that server or another;
// checkpoints name the server they were taken on (source/resume_stream.h, source/resume_plan.h,
// docs/COMMIT-PROTOCOL.md "Failover").
// Stop: at `stop_at_position` / `stop_at_time`, or when `cancel` is set (SIGINT/SIGTERM): the
// transaction in progress is finished or dropped, and what is complete is committed.
//
// The parts: cdc/start.h (where to start), source/resume_stream.h (on which host, and how),
// cdc/cdc_sink.h (what is written: selection, filters, DDL), cdc/cancel_watcher.h (prompt
// stops), binlog/binlog_position.h (positions); this file's RunCdc is the reconnect and stream
// loop that joins them.
// Threading: RunCdc runs on the caller's thread (plus the cancel watcher's and the writer's own).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "binlog/binlog_position.h"
#include "cdc/writer.h"
#include "common/status.h"
#include "config/settings.h"
#include "source/binlog_stream.h"
#include "source/connection_config.h"
#include "source/replica_retry.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"

namespace binlake {

struct CdcTaskOptions {
  ConnectionConfig source;
  uint32_t server_id = 0;  // 0 = DefaultReplicaServerId(task_key)
  std::string task_key;    // identity of the task (its target URL)
  S3Settings settings;
  const TableMappings* mappings = nullptr;  // nullptr = every user table
  RowFileWriterFactory writer_factory;
  std::string file_extension;
  std::string sequence_column_name;  // optional ordering column

  // Used only when the target has no CDC checkpoint yet.
  std::optional<StreamStart> start;  // --start-position / --start-gtid
  std::optional<std::chrono::system_clock::time_point> start_time;  // --start-time

  // Bounded runs: stop after the first transaction ending at or after this position, or before
  // the first transaction committed at or after this time.
  std::optional<binlog::BinlogPosition> stop_at_position;
  std::optional<std::chrono::system_clock::time_point> stop_at_time;

  const std::atomic<bool>* cancel = nullptr;
  // Hot standby (ops/standby.h): `fence` commits a fencing checkpoint right after the start
  // when the target has a checkpoint (CdcWriter::Fence), so an instance that held the task
  // before can commit nothing more; `may_commit` is asked before every checkpoint (an error
  // drops the batch and stops the task: the lease is lost).
  bool fence = false;
  std::function<Status()> may_commit;
  std::string lease_holder;  // recorded in each checkpoint (CdcCheckpoint::lease_*)
  uint64_t lease_term = 0;
  BackoffPolicy reconnect = DefaultReconnectPolicy();  // source/replica_retry.h
};

struct CdcRunResult {
  CdcCheckpoint last_checkpoint;
  uint64_t row_changes = 0;   // written in this run
  uint64_t transactions = 0;  // seen in this run
  uint64_t reconnects = 0;
  double stream_seconds = 0;  // from the first event received to the end (commits included)
  std::string stop_reason;    // "stop position reached", "interrupted", ...
};

Result<CdcRunResult> RunCdc(const CdcTaskOptions& options, ObjectStore& store);

}  // namespace binlake
