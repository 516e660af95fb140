#include "common/metrics.h"

#include <map>
#include <mutex>

namespace binlake::metrics {
namespace {

using prometheus::Labels;

// Latency buckets (seconds): from sub-second commits to minutes behind.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {0.1, 0.25, 0.5, 1,   2,   5,   10,
                                                                 30,  60,   120, 300, 900, 3600};
const prometheus::Histogram::BucketBoundaries kCommitBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                0.5,   1,    2.5,   5,    10,  30};

struct Families {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& rows =
      prometheus::BuildCounter()
          .Name("binlake_rows_written_total")
          .Help("Rows in committed data files, by target table and operation (load = full load)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& bytes =
      prometheus::BuildCounter()
          .Name("binlake_bytes_written_total")
          .Help("Data file bytes written, by target table and phase")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& load_rows =
      prometheus::BuildGauge()
          .Name("binlake_full_load_rows")
          .Help("Rows the full load copied so far, by table")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& load_estimate =
      prometheus::BuildGauge()
          .Name("binlake_full_load_rows_estimated")
          .Help("The source's estimate of each table's rows (information_schema.TABLES)")
          .Register(*registry);
  prometheus::Counter& transactions = prometheus::BuildCounter()
                                          .Name("binlake_cdc_transactions_total")
                                          .Help("Source transactions CDC read and ended")
                                          .Register(*registry)
                                          .Add({});
  prometheus::Counter& batches = prometheus::BuildCounter()
                                     .Name("binlake_cdc_batches_committed_total")
                                     .Help("CDC batches committed (checkpoints created)")
                                     .Register(*registry)
                                     .Add({});
  prometheus::Histogram& latency =
      prometheus::BuildHistogram()
          .Name("binlake_cdc_latency_seconds")
          .Help("Source commit to committed in the target, per transaction")
          .Register(*registry)
          .Add({}, kLatencyBuckets);
  prometheus::Histogram& commit =
      prometheus::BuildHistogram()
          .Name("binlake_cdc_commit_duration_seconds")
          .Help("Time to commit one CDC batch: prepare files, create the checkpoint, publish")
          .Register(*registry)
          .Add({}, kCommitBuckets);
  prometheus::Gauge& behind =
      prometheus::BuildGauge()
          .Name("binlake_cdc_source_behind_seconds")
          .Help("Now minus the source commit time of the last transaction read; 0 when caught up")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& behind_bytes =
      prometheus::BuildGauge()
          .Name("binlake_cdc_source_behind_bytes")
          .Help("Bytes of binlog the source holds after the last transaction read")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Gauge>& checkpoint_info =
      prometheus::BuildGauge()
          .Name("binlake_cdc_checkpoint_info")
          .Help("The newest committed checkpoint (value 1; its position in the labels)")
          .Register(*registry);
  prometheus::Gauge& last_commit =
      prometheus::BuildGauge()
          .Name("binlake_cdc_last_source_commit_timestamp_seconds")
          .Help("Source commit time of the newest checkpoint's last transaction (Unix time)")
          .Register(*registry)
          .Add({});
  prometheus::Counter& reconnects = prometheus::BuildCounter()
                                        .Name("binlake_source_reconnects_total")
                                        .Help("Times the binlog stream was lost and reopened")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Family<prometheus::Counter>& store_requests =
      prometheus::BuildCounter()
          .Name("binlake_store_requests_total")
          .Help("S3 requests sent (every attempt), by operation and HTTP status or 'network'")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& store_retries =
      prometheus::BuildCounter()
          .Name("binlake_store_retries_total")
          .Help("S3 requests retried, by operation")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& store_errors =
      prometheus::BuildCounter()
          .Name("binlake_store_errors_total")
          .Help("S3 requests that failed for good, by operation and HTTP status or 'network'")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& build_info = prometheus::BuildGauge()
                                                          .Name("binlake_build_info")
                                                          .Help("binlake's version (value 1)")
                                                          .Register(*registry);
  prometheus::Gauge& start_time = prometheus::BuildGauge()
                                      .Name("process_start_time_seconds")
                                      .Help("Start time of the process since the Unix epoch")
                                      .Register(*registry)
                                      .Add({});
  prometheus::Gauge& uptime = prometheus::BuildGauge()
                                  .Name("binlake_uptime_seconds")
                                  .Help("Seconds since the process started")
                                  .Register(*registry)
                                  .Add({});

  std::mutex mu;  // guards checkpoint_series
  prometheus::Gauge* checkpoint_series = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

Families& F() {
  static Families* f = new Families();  // never destroyed: threads may record at exit
  return *f;
}

}  // namespace

prometheus::Registry& Registry() { return *F().registry; }

prometheus::Counter& RowsWritten(const std::string& table, std::string_view op) {
  return F().rows.Add({{"table", table}, {"op", std::string(op)}});
}
prometheus::Counter& BytesWritten(const std::string& table, std::string_view phase) {
  return F().bytes.Add({{"table", table}, {"phase", std::string(phase)}});
}
prometheus::Gauge& FullLoadRows(const std::string& table) {
  return F().load_rows.Add({{"table", table}});
}
prometheus::Gauge& FullLoadRowsEstimated(const std::string& table) {
  return F().load_estimate.Add({{"table", table}});
}
prometheus::Counter& CdcTransactions() { return F().transactions; }
prometheus::Counter& CdcBatchesCommitted() { return F().batches; }

void ObserveCdcLatencies(const std::vector<std::pair<double, uint64_t>>& latencies) {
  if (latencies.empty()) return;
  // One locked update for the batch: counts per bucket (the last one is +Inf) and the sum.
  std::vector<double> increments(kLatencyBuckets.size() + 1, 0.0);
  double sum = 0;
  for (const auto& [seconds, count] : latencies) {
    size_t b = 0;
    while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
    increments[b] += static_cast<double>(count);
    sum += seconds * static_cast<double>(count);
  }
  F().latency.ObserveMultiple(increments, sum);
}

void ObserveCdcCommitDuration(std::chrono::steady_clock::duration d) {
  F().commit.Observe(std::chrono::duration<double>(d).count());
}

prometheus::Gauge& CdcSourceBehindSeconds() { return F().behind; }
prometheus::Gauge& CdcSourceBehindBytes() { return F().behind_bytes; }

void SetCdcCheckpoint(uint64_t sequence, const std::string& position, const std::string& gtid_set,
                      const std::string& server, uint64_t last_commit_us) {
  Families& f = F();
  std::lock_guard<std::mutex> lock(f.mu);
  if (f.checkpoint_series) f.checkpoint_info.Remove(f.checkpoint_series);
  f.checkpoint_series = &f.checkpoint_info.Add({{"checkpoint", std::to_string(sequence)},
                                                {"position", position},
                                                {"gtid_set", gtid_set},
                                                {"server", server}});
  f.checkpoint_series->Set(1);
  if (last_commit_us) f.last_commit.Set(static_cast<double>(last_commit_us) / 1e6);
}

prometheus::Counter& SourceReconnects() { return F().reconnects; }

namespace {
struct LeaseFamilies {
  prometheus::Gauge& held = prometheus::BuildGauge()
                                .Name("binlake_lease_held")
                                .Help("1 while this instance holds the task's lease (--standby)")
                                .Register(Registry())
                                .Add({});
  prometheus::Gauge& term = prometheus::BuildGauge()
                                .Name("binlake_lease_term")
                                .Help("The lease term this instance holds or last held")
                                .Register(Registry())
                                .Add({});
  prometheus::Counter& acquired = prometheus::BuildCounter()
                                      .Name("binlake_lease_acquired_total")
                                      .Help("Times this instance became the task's active one")
                                      .Register(Registry())
                                      .Add({});
};
LeaseFamilies& L() {
  static LeaseFamilies* f = new LeaseFamilies();  // never destroyed, like the registry
  return *f;
}
}  // namespace

prometheus::Gauge& LeaseHeld() { return L().held; }
prometheus::Gauge& LeaseTerm() { return L().term; }
prometheus::Counter& LeaseAcquired() { return L().acquired; }

void StoreRequest(std::string_view operation, std::string_view code) {
  F().store_requests.Add({{"operation", std::string(operation)}, {"code", std::string(code)}})
      .Increment();
}
void StoreRetry(std::string_view operation) {
  F().store_retries.Add({{"operation", std::string(operation)}}).Increment();
}
void StoreError(std::string_view operation, std::string_view code) {
  F().store_errors.Add({{"operation", std::string(operation)}, {"code", std::string(code)}})
      .Increment();
}

void InitProcessMetrics(const std::string& version) {
  Families& f = F();
  f.build_info.Add({{"version", version}}).Set(1);
  f.start_time.Set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()));
}

void BeforeScrape() {
  Families& f = F();
  f.uptime.Set(std::chrono::duration<double>(std::chrono::steady_clock::now() - f.started).count());
}

}  // namespace binlake::metrics
