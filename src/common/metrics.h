// binlake's operational metrics, in Prometheus's data model (Debian's prometheus-cpp core
// library), and the health its /healthz and /readyz endpoints report. Every stage records into
// one process-wide registry, as Prometheus client libraries do with their default registry;
// nothing leaves the process unless a command serves it (ops/ops_server.h, --metrics-address).
//
// Names follow https://prometheus.io/docs/practices/naming/ (base units in the name, counters
// end in _total); docs/OPERATIONS.md lists each metric with its labels and meaning.
//
// Cost: counters and gauges are atomics. A label set is looked up (a hash map under the family's
// mutex) by the functions taking labels: callers on hot paths call them once per batch or table,
// never per row. Histograms take a short mutex per observation.
// Thread-safety: every function may be called from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake::metrics {

// The registry every metric below lives in.
prometheus::Registry& Registry();

// --- rows and bytes -------------------------------------------------------------------------
// Rows in committed data files of `table` ("schema.table", the target's names); `op` is
// "load" (full load), "insert", "update" or "delete".
prometheus::Counter& RowsWritten(const std::string& table, std::string_view op);
// Data file bytes written for `table`; `phase` is "full_load" or "cdc".
prometheus::Counter& BytesWritten(const std::string& table, std::string_view phase);

// --- full load ------------------------------------------------------------------------------
prometheus::Gauge& FullLoadRows(const std::string& table);           // copied so far
prometheus::Gauge& FullLoadRowsEstimated(const std::string& table);  // the source's estimate

// --- CDC ------------------------------------------------------------------------------------
prometheus::Counter& CdcTransactions();
prometheus::Counter& CdcBatchesCommitted();
// Source commit -> committed in the target, one observation per transaction: `latencies` maps
// latency (seconds) to how many transactions had it.
void ObserveCdcLatencies(const std::vector<std::pair<double, uint64_t>>& latencies);
void ObserveCdcCommitDuration(std::chrono::steady_clock::duration d);
// How far the stream is behind the source: now - commit time of the last transaction read,
// 0 when the source has nothing more to send (a heartbeat came).
prometheus::Gauge& CdcSourceBehindSeconds();
// Bytes of binlog the source holds after the last transaction read (SHOW BINARY LOGS, polled).
prometheus::Gauge& CdcSourceBehindBytes();
// The newest checkpoint, as the labels of binlake_cdc_checkpoint_info (value 1; the previous
// label set is removed) and its last source commit time.
void SetCdcCheckpoint(uint64_t sequence, const std::string& position, const std::string& gtid_set,
                      const std::string& server, uint64_t last_commit_us);
prometheus::Counter& SourceReconnects();

// --- store (S3) -----------------------------------------------------------------------------
// One request sent (each attempt); `code` is the HTTP status, or "network" for a transport
// failure.
void StoreRequest(std::string_view operation, std::string_view code);
void StoreRetry(std::string_view operation);
// A request that failed for good (retries exhausted or not retryable).
void StoreError(std::string_view operation, std::string_view code);

// --- hot standby (run --standby; registered on first use, so only standby processes show them)
// 1 while this instance holds the task's lease, 0 while it waits.
prometheus::Gauge& LeaseHeld();
// The lease term this instance holds or last held.
prometheus::Gauge& LeaseTerm();
// Times this instance became the active one.
prometheus::Counter& LeaseAcquired();

// Sets the process's constant series (build info, start time); called once by the CLI.
void InitProcessMetrics(const std::string& version);
// Updates the series computed at scrape time (uptime); called by the metrics server.
void BeforeScrape();

}  // namespace binlake::metrics
