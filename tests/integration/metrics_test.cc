// Metrics and health endpoints end to end (--metrics-address), read by a real Prometheus (the
// Debian package's prometheus and promtool). `binlake run` full-loads sysbench's two tables
// from a real MariaDB and replicates a sysbench run into a file:// target while Prometheus
// scrapes it every second:
//   1. /metrics is valid Prometheus text exposition: `promtool check metrics` (the parser plus
//      its lint: HELP on every family, _total on counters, base units) exits 0;
//   2. what Prometheus stored agrees exactly with what is in the target: rows written by op
//      (load = the full load's 2 x 2,000 rows; insert/update/delete = the CDC files' rows, which
//      equal the source's row changes after the snapshot, counted by mariadb-binlog), data file
//      bytes by phase = the sizes of the LOAD and CDC files; CDC latency, batch and commit
//      histograms observed; one checkpoint series; source_behind back to 0 once caught up; the
//      target scraped (up == 1);
//   3. /readyz follows the source: 200 while streaming, 503 naming the source within 30 s of a
//      SIGKILL of mariadbd while /healthz stays 200 (the process lives and retries), 200 again
//      after the restart, with binlake_source_reconnects_total >= 1;
//   4. SIGTERM still ends binlake cleanly (exit code 0), the metrics server included.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "support/cdc_oracle.h"
#include "support/prometheus_server.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::BinlakeProcess;
using testing::CommandResult;
using testing::MariaDbServer;
using testing::PrometheusServer;
using testing::RunShell;
using testing::ShellQuote;
using Clock = std::chrono::steady_clock;

constexpr int kTables = 2;
constexpr int kTableSize = 2000;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \r\n\t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \r\n\t") - b + 1);
}

// The sum of the samples named exactly `name` (any labels) in a text exposition; empty if there
// is none.
std::optional<double> SampleSum(const std::string& exposition, const std::string& name) {
  std::istringstream in(exposition);
  std::string line;
  std::optional<double> sum;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.compare(0, name.size(), name) != 0) continue;
    size_t i = name.size();
    if (i < line.size() && line[i] == '{') {  // labels: skip to the '}' outside quotes
      bool quoted = false;
      for (++i; i < line.size() && (quoted || line[i] != '}'); ++i) {
        if (line[i] == '\\') {
          ++i;
        } else if (line[i] == '"') {
          quoted = !quoted;
        }
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') continue;  // a longer name with this prefix
    sum = sum.value_or(0) + std::strtod(line.c_str() + i, nullptr);
  }
  return sum;
}

// The last answer of a polled endpoint.
struct Poll {
  bool reached = false;  // the wanted status came
  int code = 0;          // 0: no HTTP answer (`error` says why)
  std::string body;
  std::string error;
  double seconds = 0;  // from the first request to the last

  std::string Describe() const {
    if (code == 0) return "no answer after " + std::to_string(seconds) + " s: " + error;
    return "HTTP " + std::to_string(code) + " after " + std::to_string(seconds) + " s: " + body;
  }
};

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    started_ = Clock::now();
    auto s = MariaDbServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    dir_ = fs::temp_directory_path() /
           ("binlake-metrics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    std::printf("[ metrics test took %.1f s ]\n", SecondsSince(started_));
  }

  fs::path Out() const { return dir_ / "out"; }
  std::string TargetArgs() const { return "--target " + ShellQuote("file://" + Out().string()); }

  void Sysbench(const std::string& command, const std::string& extra) {
    CommandResult r =
        RunShell("sysbench oltp_write_only --db-driver=mysql --mysql-socket=" +
                 ShellQuote(server_->socket()) +
                 " --mysql-user=root --mysql-db=sbtest --tables=" + std::to_string(kTables) +
                 " --table-size=" + std::to_string(kTableSize) + " " + extra + " " + command);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // GETs `url` every 100 ms until it answers `want`, `timeout` passes or binlake ends.
  static Poll PollStatus(const std::string& url, int want, std::chrono::seconds timeout,
                         BinlakeProcess& binlake) {
    Poll p;
    const auto start = Clock::now();
    while (true) {
      auto r = testing::HttpGet(url);
      p.code = r.ok() ? r->first : 0;
      p.body = r.ok() ? r->second : "";
      p.error = r.ok() ? "" : r.status().ToString();
      p.seconds = SecondsSince(start);
      if (p.code == want) {
        p.reached = true;
        return p;
      }
      if (!binlake.Running() || Clock::now() - start >= timeout) return p;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // The one value of an instant query (empty if no series); a failed query fails the test.
  static std::optional<double> Value(PrometheusServer& prometheus, const std::string& promql) {
    auto v = prometheus.QueryScalar(promql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : std::nullopt;
  }

  // Polls an instant query every 200 ms until it yields `want` or `timeout` passed: the last
  // value (empty if no series).
  static std::optional<double> PollValue(PrometheusServer& prometheus, const std::string& promql,
                                         double want, std::chrono::seconds timeout) {
    const auto start = Clock::now();
    while (true) {
      std::optional<double> v = Value(prometheus, promql);
      if (v == want || Clock::now() - start >= timeout) return v;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // An instant query's raw JSON, or why it failed: for failure messages.
  static std::string QueryText(PrometheusServer& prometheus, const std::string& promql) {
    auto r = prometheus.Query(promql);
    return r.ok() ? *r : r.status().ToString();
  }

  // Bytes of the sbtest tables' data files whose names start with `prefix` ("LOAD": the full
  // load's, "2": CDC's).
  uint64_t DataFileBytes(const std::string& prefix) const {
    uint64_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(Out() / "sbtest", ec);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file() && it->path().filename().string().rfind(prefix, 0) == 0) {
        n += it->file_size();
      }
    }
    return n;
  }

  // Rows of the target's CDC files with Op `op` ('I', 'U', 'D'), read by DuckDB.
  uint64_t TargetCdcRowsWithOp(char op) const {
    auto rows =
        testing::DuckDbQuery({"SELECT count(*) AS n FROM read_csv(" +
                              testing::DuckQuote((Out() / "sbtest").string() + "/*/2*.csv") +
                              ", header=false, all_varchar=true, allow_quoted_nulls=false, "
                              "names=['Op','seq','id','k','c','pad']) WHERE Op = " +
                              testing::DuckQuote(std::string(1, op))});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::stoull((*rows)[0].at("n").value_or("0")) : 0;
  }

  Clock::time_point started_;
  std::unique_ptr<MariaDbServer> server_;
  fs::path dir_;
};

TEST_F(MetricsTest, PrometheusScrapesACdcRunAndHealthFollowsTheSource) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
  Sysbench("prepare", "");
  const double wall_start = static_cast<double>(std::time(nullptr));

  const int port = testing::FreeLoopbackPort();
  ASSERT_NE(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const std::string endpoint = "http://" + address;
  auto started = PrometheusServer::Start(address, std::chrono::seconds(1));
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<PrometheusServer> prometheus = std::move(started).value();

  // --sequence-column seq: the CDC files' layout the oracle reads (Op,seq,id,k,c,pad).
  const auto binlake_start = Clock::now();
  BinlakeProcess binlake("run --source " + server_->RootUrl() + " --tls-mode disabled " +
                         TargetArgs() +
                         " --set CdcMaxBatchInterval=1 --sequence-column seq --progress off "
                         "--log-format json --metrics-address " +
                         address);

  // Ready: connected to the source, the target not failing.
  Poll ready = PollStatus(endpoint + "/readyz", 200, std::chrono::seconds(60), binlake);
  ASSERT_TRUE(ready.reached) << ready.Describe() << "\nbinlake " << binlake.DescribeExit() << "\n"
                             << binlake.Log();
  const double ready_after = SecondsSince(binlake_start);
  EXPECT_EQ(Trim(ready.body), "ready");
  auto healthz = testing::HttpGet(endpoint + "/healthz");
  ASSERT_TRUE(healthz.ok()) << healthz.status().ToString();
  EXPECT_EQ(healthz->first, 200) << healthz->second;
  EXPECT_EQ(Trim(healthz->second), "ok");

  // Changes, all of them committed in the target.
  const auto load_start = Clock::now();
  Sysbench("run", "--time=5 --threads=2");
  ASSERT_TRUE(testing::WaitForCheckpoint(TargetArgs(), server_->MasterPosition(),
                                         std::chrono::seconds(120)))
      << binlake.Log();
  const double load_and_commit = SecondsSince(load_start);

  // 1. The exposition is valid and lint-clean.
  auto metrics = testing::HttpGet(endpoint + "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  ASSERT_EQ(metrics->first, 200) << metrics->second;
  const fs::path exposition = dir_ / "metrics.txt";
  std::ofstream(exposition) << metrics->second;
  CommandResult lint = RunShell("promtool check metrics < " + ShellQuote(exposition.string()));
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n"
                               << lint.out << lint.err << "\n/metrics:\n"
                               << metrics->second;
  EXPECT_NE(metrics->second.find("binlake_build_info"), std::string::npos) << metrics->second;
  EXPECT_NE(metrics->second.find("# TYPE binlake_cdc_latency_seconds histogram"), std::string::npos)
      << metrics->second;

  // 2. Prometheus agrees with the target, which agrees with the source.
  const uint64_t cdc_rows = testing::TargetCdcRows(Out());
  ASSERT_EQ(cdc_rows, testing::SourceRowChangesAfter(*server_, testing::SnapshotPosition(Out())));
  ASSERT_GT(cdc_rows, 0u);
  const std::string cdc_rows_query =
      R"(sum(binlake_rows_written_total{op=~"insert|update|delete"}))";
  const auto agree_start = Clock::now();
  std::optional<double> scraped = PollValue(
      *prometheus, cdc_rows_query, static_cast<double>(cdc_rows), std::chrono::seconds(30));
  const double agree_after = SecondsSince(agree_start);
  ASSERT_TRUE(scraped.has_value())
      << "no rows_written series in Prometheus; up: " << QueryText(*prometheus, "up")
      << "\nits log:\n"
      << prometheus->Log();
  EXPECT_EQ(*scraped, static_cast<double>(cdc_rows));
  // Per op, as the files say (a key-changing update would be a 'D' and an 'I'; sysbench's are
  // not).
  EXPECT_EQ(Value(*prometheus, R"(sum(binlake_rows_written_total{op="insert"}))").value_or(-1),
            static_cast<double>(TargetCdcRowsWithOp('I')));
  EXPECT_EQ(Value(*prometheus, R"(sum(binlake_rows_written_total{op="update"}))").value_or(-1),
            static_cast<double>(TargetCdcRowsWithOp('U')));
  EXPECT_EQ(Value(*prometheus, R"(sum(binlake_rows_written_total{op="delete"}))").value_or(-1),
            static_cast<double>(TargetCdcRowsWithOp('D')));
  EXPECT_EQ(Value(*prometheus, R"(sum(binlake_rows_written_total{op="load"}))").value_or(-1),
            static_cast<double>(kTables * kTableSize));
  for (int t = 1; t <= kTables; ++t) {
    const std::string table = "sbtest.sbtest" + std::to_string(t);
    EXPECT_EQ(
        Value(*prometheus, R"(binlake_rows_written_total{op="load",table=")" + table + R"("})")
            .value_or(-1),
        static_cast<double>(kTableSize))
        << table;
    EXPECT_EQ(
        Value(*prometheus, R"(binlake_full_load_rows{table=")" + table + R"("})").value_or(-1),
        static_cast<double>(kTableSize))
        << table;
  }
  EXPECT_EQ(Value(*prometheus, "count(binlake_full_load_rows_estimated)").value_or(-1),
            static_cast<double>(kTables));
  EXPECT_EQ(
      Value(*prometheus, R"(sum(binlake_bytes_written_total{phase="full_load"}))").value_or(-1),
      static_cast<double>(DataFileBytes("LOAD")));
  EXPECT_EQ(Value(*prometheus, R"(sum(binlake_bytes_written_total{phase="cdc"}))").value_or(-1),
            static_cast<double>(DataFileBytes("2")));
  EXPECT_GT(Value(*prometheus, "sum(binlake_cdc_transactions_total)").value_or(-1), 0);
  EXPECT_GT(Value(*prometheus, "sum(binlake_cdc_latency_seconds_count)").value_or(-1), 0);
  // The mean latency of a run that committed every second is seconds, not minutes.
  const double mean_latency = Value(*prometheus,
                                    "sum(binlake_cdc_latency_seconds_sum) / "
                                    "sum(binlake_cdc_latency_seconds_count)")
                                  .value_or(-1);
  EXPECT_GE(mean_latency, 0);
  EXPECT_LT(mean_latency, 60);
  EXPECT_GT(Value(*prometheus, "sum(binlake_cdc_batches_committed_total)").value_or(-1), 0);
  EXPECT_GT(Value(*prometheus, "sum(binlake_cdc_commit_duration_seconds_count)").value_or(-1), 0);
  EXPECT_EQ(Value(*prometheus, "count(binlake_cdc_checkpoint_info)").value_or(-1), 1)
      << QueryText(*prometheus, "binlake_cdc_checkpoint_info");
  // Caught up and idle: a heartbeat (every 0.5 s with CdcMaxBatchInterval=1) sets it to 0.
  EXPECT_EQ(PollValue(*prometheus, "binlake_cdc_source_behind_seconds", 0, std::chrono::seconds(30))
                .value_or(-1),
            0);
  EXPECT_EQ(Value(*prometheus, R"(count(binlake_build_info{version!=""}))").value_or(-1), 1);
  EXPECT_EQ(Value(*prometheus, "binlake_build_info").value_or(-1), 1);
  const double process_start = Value(*prometheus, "process_start_time_seconds").value_or(-1);
  EXPECT_GE(process_start, wall_start - 5);
  EXPECT_LE(process_start, static_cast<double>(std::time(nullptr)) + 5);
  EXPECT_GT(Value(*prometheus, "binlake_uptime_seconds").value_or(-1), 0);
  EXPECT_EQ(Value(*prometheus, R"(up{job="binlake"})").value_or(-1), 1);

  // 3. The source goes away: not ready, still healthy.
  ASSERT_TRUE(server_->Kill().ok());
  Poll down = PollStatus(endpoint + "/readyz", 503, std::chrono::seconds(30), binlake);
  ASSERT_TRUE(down.reached) << down.Describe() << "\nbinlake " << binlake.DescribeExit() << "\n"
                            << binlake.Log();
  const double unready_after = down.seconds;
  EXPECT_NE(down.body.find("source"), std::string::npos) << down.body;
  // Healthy all along the retries: sampled for 5 s (an observation window, not a wait).
  const auto window_start = Clock::now();
  int samples = 0;
  while (SecondsSince(window_start) < 5) {
    auto h = testing::HttpGet(endpoint + "/healthz");
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_EQ(h->first, 200) << "while the source is down, after " << SecondsSince(window_start)
                             << " s: " << h->second;
    ++samples;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_GE(samples, 5);
  ASSERT_TRUE(binlake.Running()) << binlake.DescribeExit() << "\n" << binlake.Log();

  // The source is back: ready again, the reconnect counted.
  const auto restart_start = Clock::now();
  ASSERT_TRUE(server_->Restart().ok());
  Poll back = PollStatus(endpoint + "/readyz", 200, std::chrono::seconds(90), binlake);
  ASSERT_TRUE(back.reached) << back.Describe() << "\nbinlake " << binlake.DescribeExit() << "\n"
                            << binlake.Log();
  const double ready_again_after = SecondsSince(restart_start);
  metrics = testing::HttpGet(endpoint + "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_GE(SampleSum(metrics->second, "binlake_source_reconnects_total").value_or(-1), 1)
      << metrics->second;

  // 4. A clean stop.
  ASSERT_TRUE(binlake.Kill(SIGTERM)) << binlake.Log();
  EXPECT_EQ(binlake.exit_code(), 0) << binlake.DescribeExit() << "\n" << binlake.Log();
  EXPECT_FALSE(binlake.Crashed()) << binlake.DescribeExit() << "\n" << binlake.Log();

  // --log-format json: every log line is one JSON object with the fields of
  // docs/OPERATIONS.md (the stream loss among them, as a warning); only the two summary lines
  // the commands print on stdout are text.
  std::istringstream log(binlake.Log());
  int json_lines = 0;
  bool saw_loss = false;
  for (std::string line; std::getline(log, line);) {
    if (line.rfind("full load complete:", 0) == 0 || line.rfind("cdc stopped", 0) == 0) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(j.is_object()) << "not a JSON log line: " << line;
    for (const char* key : {"time", "level", "message", "task", "fields"}) {
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << line;
    }
    EXPECT_EQ(j.value("task", ""), "file://" + Out().string()) << line;
    ++json_lines;
    saw_loss |= j.value("level", "") == "warning" &&
                j.value("message", "").find("binlog stream lost") != std::string::npos;
  }
  EXPECT_GE(json_lines, 2);
  EXPECT_TRUE(saw_loss) << binlake.Log();

  std::printf(
      "[ metrics: ready %.1f s after start; sysbench + checkpoint %.1f s; Prometheus agreed on "
      "%llu CDC rows after %.1f s; /readyz 503 %.1f s after the source's SIGKILL, 200 %.1f s "
      "after its restart ]\n",
      ready_after, load_and_commit, static_cast<unsigned long long>(cdc_rows), agree_after,
      unready_after, ready_again_after);
}

}  // namespace
}  // namespace binlake
