#include "fullload/progress.h"

#include <fmt/format.h>

#include <algorithm>

namespace binlake {

std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string FormatDuration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  auto s = static_cast<uint64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

ProgressBoard::ProgressBoard(FILE* out) : out_(out), start_(std::chrono::steady_clock::now()) {}

ProgressBoard::~ProgressBoard() { Stop(); }

size_t ProgressBoard::AddTable(std::string name, uint64_t estimated_rows,
                               std::string metric_table) {
  auto t = std::make_unique<Table>();
  t->name = std::move(name);
  t->estimated_rows = estimated_rows;
  t->metric_table = metric_table.empty() ? t->name : std::move(metric_table);
  metrics::FullLoadRowsEstimated(t->metric_table).Set(static_cast<double>(estimated_rows));
  t->rows_metric = &metrics::FullLoadRows(t->metric_table);
  t->rows_metric->Set(0);
  tables_.push_back(std::move(t));
  return tables_.size() - 1;
}

void ProgressBoard::CountWritten(const Table& t) {
  if (t.done.load()) return;  // counted once
  metrics::RowsWritten(t.metric_table, "load").Increment(static_cast<double>(t.rows.load()));
  metrics::BytesWritten(t.metric_table, "full_load").Increment(static_cast<double>(t.bytes.load()));
}

void ProgressBoard::EnableReporting(bool interactive, std::chrono::milliseconds interval) {
  reporting_enabled_ = true;
  interactive_ = interactive;
  interval_ = interval;
}

void ProgressBoard::BeginReporting() {
  start_ = std::chrono::steady_clock::now();
  if (!reporting_enabled_ || thread_.joinable()) return;
  thread_ = std::thread([this, interval = interval_] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, interval, [this] { return stop_; })) Report(false);
  });
}

void ProgressBoard::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ || !thread_.joinable()) {
      stop_ = true;
      return;
    }
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (interactive_) Report(true);
}

std::string ProgressBoard::TotalLine(double elapsed) const {
  uint64_t rows = 0, est = 0, bytes = 0;
  for (const auto& t : tables_) {
    uint64_t r = t->rows.load();
    rows += r;
    bytes += t->bytes.load();
    est += t->done ? r : std::max(t->estimated_rows, r);
  }
  double rate = elapsed > 0 ? rows / elapsed : 0;
  std::string eta = rate > 0 && est > rows ? FormatDuration((est - rows) / rate) : "-";
  return fmt::format("total: {} rows of ~{} ({:.0f}%), {:.0f} rows/s, {} written, ETA {}", rows,
                     est, est ? 100.0 * rows / est : 100.0, rate, FormatBytes(bytes), eta);
}

void ProgressBoard::Report(bool final_report) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!interactive_) {
    if (!final_report) fmt::print(out_, "binlake: progress: {}\n", TotalLine(elapsed));
    std::fflush(out_);
    return;
  }
  std::string text;
  if (lines_drawn_ > 0) text += fmt::format("\x1b[{}A", lines_drawn_);  // cursor up
  size_t lines = 0;
  for (const auto& t : tables_) {
    uint64_t r = t->rows.load();
    if (r == 0 && !t->done) continue;
    std::string state =
        t->done ? "done"
                : fmt::format("~{:.0f}%", t->estimated_rows ? 100.0 * r / t->estimated_rows : 0.0);
    text += fmt::format("\x1b[2K  {:<40} {:>12} rows  {:>10}  {}\n", t->name, r,
                        FormatBytes(t->bytes.load()), state);
    ++lines;
  }
  text += "\x1b[2K  " + TotalLine(elapsed) + "\n";
  ++lines;
  fmt::print(out_, "{}", text);
  std::fflush(out_);
  lines_drawn_ = lines;
}

std::string ProgressBoard::Summary(double seconds) const {
  std::string s = fmt::format("{:<40} {:>12} {:>10} {:>8} {:>12}\n", "table", "rows", "bytes",
                              "seconds", "rows/s");
  uint64_t rows = 0, bytes = 0;
  for (const auto& t : tables_) {
    uint64_t r = t->rows.load();
    rows += r;
    bytes += t->bytes.load();
    double ts = t->Seconds();
    s += fmt::format("{:<40} {:>12} {:>10} {:>8.1f} {:>12.0f}\n", t->name, r,
                     FormatBytes(t->bytes.load()), ts, ts > 0 ? r / ts : 0.0);
  }
  s += fmt::format("{:<40} {:>12} {:>10} {:>8.1f} {:>12.0f}\n", "TOTAL", rows, FormatBytes(bytes),
                   seconds, seconds > 0 ? rows / seconds : 0.0);
  return s;
}

}  // namespace binlake
