// ProgressBoard: live counters of a full load, shared by the workers (writers) and a reporter
// thread (reader). On a terminal the reporter redraws one line per table plus a total line
// (rows, rate, ETA); otherwise it writes a plain log line every `log_interval`.
//
// Each table's rows are also exported as metrics (common/metrics.h: binlake_full_load_rows and
// _estimated as they go, binlake_rows_written_total{op="load"} and binlake_bytes_written_total
// when the table is done).
// Thread-safety: AddTable only before BeginReporting; Mark*/Add*/SetBytes from any thread;
// EnableReporting/BeginReporting/Stop from the owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/health.h"
#include "common/metrics.h"

namespace binlake {

class ProgressBoard {
 public:
  struct Table {
    std::string name;          // schema.table
    std::string metric_table;  // the metrics' table label
    uint64_t estimated_rows = 0;
    std::atomic<uint64_t> rows{0};
    std::atomic<uint64_t> bytes{0};  // bytes written to the target
    std::atomic<bool> done{false};
    std::atomic<int64_t> started_ns{-1};  // since the board started; -1 = not yet
    std::atomic<int64_t> finished_ns{-1};
    prometheus::Gauge* rows_metric = nullptr;  // binlake_full_load_rows{table}
    double Seconds() const {
      int64_t a = started_ns.load(), b = finished_ns.load();
      return a >= 0 && b >= a ? (b - a) / 1e9 : 0.0;
    }
  };

  explicit ProgressBoard(FILE* out = stderr);
  ~ProgressBoard();

  // Registers a table; returns its index for Add*. `metric_table`: its name in the metrics
  // (the target's, when transformation rules rename it); empty = `name`.
  size_t AddTable(std::string name, uint64_t estimated_rows, std::string metric_table = {});
  void MarkStarted(size_t table) {
    int64_t expected = -1;
    tables_[table]->started_ns.compare_exchange_strong(expected, NowNs());
  }
  void AddRows(size_t table, uint64_t rows) {
    tables_[table]->rows.fetch_add(rows);
    tables_[table]->rows_metric->Increment(static_cast<double>(rows));
    health::Tick();  // the workers' loop turns
  }
  void SetBytes(size_t table, uint64_t bytes) { tables_[table]->bytes.store(bytes); }
  // Also counts the table's rows and bytes as written (common/metrics.h): call SetBytes first.
  void MarkDone(size_t table) {
    CountWritten(*tables_[table]);
    MarkStarted(table);
    tables_[table]->finished_ns.store(NowNs());
    tables_[table]->done.store(true);
  }
  const Table& table(size_t i) const { return *tables_[i]; }

  // Asks for a reporter; `interactive` = redraw in place (a terminal). Nothing is printed until
  // BeginReporting, so pre-flight failures stay one error line.
  void EnableReporting(bool interactive, std::chrono::milliseconds interval);
  // Called by the load once every table is registered and the copy starts: resets the clock and
  // starts the reporter thread if reporting was enabled.
  void BeginReporting();
  void Stop();
  // Whether the reporter thread runs (between BeginReporting, if enabled, and Stop).
  bool reporting() const {
    std::lock_guard<std::mutex> lock(mu_);
    return thread_.joinable() && !stop_;
  }

  // One line per table for the final summary: rows, bytes, seconds, rows/s.
  std::string Summary(double seconds) const;

 private:
  int64_t NowNs() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                start_)
        .count();
  }
  static void CountWritten(const Table& t);
  void Report(bool final_report);
  std::string TotalLine(double elapsed) const;

  FILE* out_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool interactive_ = false;
  bool reporting_enabled_ = false;
  std::chrono::milliseconds interval_{10000};
  size_t lines_drawn_ = 0;
};

// Human units: "1.2 GB", "34.5 MB", "512 B".
std::string FormatBytes(uint64_t bytes);
// "1h02m", "3m07s", "12s".
std::string FormatDuration(double seconds);

}  // namespace binlake
