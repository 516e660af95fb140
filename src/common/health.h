// The process's health, as an orchestrator's probes see it (ops/ops_server.h serves it):
//   live  (/healthz): the task's loop turned within the liveness window. Every loop that can run
//         long ticks: the CDC stream loop (each event and heartbeat), every retry/backoff loop
//         (common/retry.h), the full load's workers. A hung process (deadlock, stuck call
//         without a timeout) stops ticking.
//   ready (/readyz):  live, the task is connected to its source (when it has one and is not a
//         waiting standby), and the target store is not failing: no request has been failing,
//         retries included, for longer than the store grace period.
// Process-wide, like the metrics (common/metrics.h). Thread-safety: every function may be called
// from any thread; the state is atomics plus one mutex for the reason texts.
#pragma once

#include <chrono>
#include <string>

namespace binlake::health {

// The loop turned (cheap: one atomic store of a steady-clock reading).
void Tick();
// Whether the process works with a source at all (set by full-load/cdc/run before they start),
// and the state of its connection; `why` says what happened ("binlog stream lost: ...").
void SetUsesSource(bool uses);
void SetSourceConnected(bool connected, const std::string& why = "");
// Hot standby: while waiting for the task's lease the process is ready when it could take over
// (the target store answers; the source is not asked), and says so: "ready (<why>)", `why`
// naming the holder ("standby: the lease is held by host:42 (term 3)").
void SetStandby(bool standby, const std::string& why = "");
// A store request failed (an attempt, retried or not) / succeeded.
void StoreFailed(const std::string& why);
void StoreSucceeded();

struct Report {
  bool ok = false;
  std::string text;  // "ok" / "ready", or "not ready: <reasons>"
};
// `liveness`: how long the loop may go without a tick. `store_grace`: how long store requests
// may keep failing (while retried) before the process is not ready.
Report Liveness(std::chrono::steady_clock::duration liveness);
Report Readiness(std::chrono::steady_clock::duration liveness,
                 std::chrono::steady_clock::duration store_grace);

// For tests: back to the state at process start.
void ResetForTesting();

}  // namespace binlake::health
