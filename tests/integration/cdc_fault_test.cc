// CDC into Ceph radosgw under injected faults, with the oracle of cdc_test: the full-load files
// plus the CDC files, applied in change order with DuckDB SQL, equal the source tables (MD5 over
// the rows on both sides), and the CDC files hold exactly the row changes the source wrote after
// the snapshot (counted by mariadb-binlog).
//
// 1. `binlake run` under sysbench writes, its S3 endpoint behind an HTTP fault proxy (500 and 503
//    SlowDown answers, resets in the middle of requests and answers, answers cut short, latency
//    spikes, dropped answers, on every S3 request type) and its source behind a TCP fault proxy
//    (binlog dumps cut in the middle of events), with SIGKILLs of binlake, the source paused
//    (SIGSTOP) for longer than the heartbeat period and the source restarted. No binlake run may
//    crash (end by a signal the test did not send) or hang (every run ends within a bound). A run
//    that stops by itself with an error (say it started while the source was down) is started
//    again, as a service manager would, and listed in the output with its last lines.
// 2. Two `binlake cdc` instances of one task started at once under load: exactly one keeps
//    committing, the other stops with a clear message ("another binlake instance ..."), whether
//    the source ends the older dump (same server_id) or the checkpoint's conditional create
//    decides (each its own server_id).
// Hot standby (run --standby) is cdc_standby_test.cc, on the same fixture.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "common/testing/temp_dir.h"
#include "integration/cdc_fault_fixture.h"
#include "store/testing/radosgw_env.h"
#include "support/cdc_oracle.h"
#include "support/fault_proxy.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

using namespace cdc_fault;  // NOLINT: the fixture's names
namespace fs = std::filesystem;
using testing::BinlakeProcess;
using testing::CommandResult;
using testing::FaultProxy;
using testing::HttpFault;
using testing::MariaDbServer;
using testing::S3Op;
using testing::ShellQuote;
using Clock = std::chrono::steady_clock;

// The fault plans' seed: BINLAKE_FAULT_SEED if set (to explore other plans), else `fallback`.
uint64_t SeedFromEnv(uint64_t fallback) {
  const char* v = std::getenv("BINLAKE_FAULT_SEED");
  uint64_t seed = v && *v ? std::strtoull(v, nullptr, 10) : fallback;
  std::printf("fault plan seed %llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// Exploration knobs (not set by the suite): BINLAKE_FAULT_P (chance of a fault per request),
// BINLAKE_FAULT_RUN (faults in a row per operation: above binlake's 8 attempts, requests fail),
// BINLAKE_FAULT_BUDGET.
double EnvOr(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atof(v) : fallback;
}

// Keeps one binlake process running: one that ends by itself is recorded and replaced (at most
// `max_starts` processes in all). The test kills and stops them through it.
class Supervisor {
 public:
  Supervisor(std::string args, std::string env, int max_starts)
      : args_(std::move(args)), env_(std::move(env)), max_starts_(max_starts) {}
  ~Supervisor() {
    if (current_) current_->Kill(SIGKILL);
  }

  void Start() {
    if (starts_ >= max_starts_) return;
    ++starts_;
    current_ = std::make_unique<BinlakeProcess>(args_, env_);
  }
  // Replaces a process that ended by itself. Call often.
  void Tick() {
    if (current_ && !current_->Running()) {
      ++self_exits_;
      Record(*current_, "ended by itself");
      current_.reset();
      Start();
    }
  }
  // Polls Tick for `d`.
  void RunFor(std::chrono::milliseconds d) {
    auto until = Clock::now() + d;
    while (Clock::now() < until) {
      Tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // SIGKILLs the running process (if any) and starts the next one.
  bool KillAndRestart() {
    Tick();
    if (!current_) return false;
    bool ended = current_->Kill(SIGKILL, std::chrono::seconds(10));
    EXPECT_TRUE(ended) << "binlake " << current_->pid() << " survived SIGKILL";
    Record(*current_, "SIGKILLed by the test");
    current_.reset();
    ++kills_;
    Start();
    return ended;
  }
  // SIGTERM: the last run must stop cleanly within kStopBound.
  BinlakeProcess* Stop() {
    Tick();
    if (!current_) return nullptr;
    bool ended = current_->Kill(SIGTERM, kStopBound);
    EXPECT_TRUE(ended) << "binlake did not stop within " << kStopBound.count() << " s of SIGTERM:\n"
                       << Tail(current_->Log());
    Record(*current_, "SIGTERMed by the test");
    last_ = std::move(current_);
    return last_.get();
  }

  int kills() const { return kills_; }
  int self_exits() const { return self_exits_; }
  const std::vector<std::string>& history() const { return history_; }
  std::string History() const {
    std::string out;
    for (const auto& h : history_) out += "  " + h + "\n";
    return out;
  }

  static std::string Tail(const std::string& log, size_t lines = 15) { return LogTail(log, lines); }

 private:
  void Record(BinlakeProcess& p, const std::string& how) {
    std::string log = p.Log();
    std::string entry =
        "run " + std::to_string(history_.size() + 1) + " (" + how + "): " + p.DescribeExit();
    if (how == "ended by itself") entry += "; last lines:\n" + Tail(log, 4);
    history_.push_back(entry);
    EXPECT_FALSE(p.Crashed()) << "binlake crashed: " << p.DescribeExit() << "\n" << Tail(log, 40);
    logs_ += log;
  }

  std::string args_;
  std::string env_;
  int max_starts_;
  int starts_ = 0;
  int kills_ = 0;
  int self_exits_ = 0;
  std::unique_ptr<BinlakeProcess> current_;
  std::unique_ptr<BinlakeProcess> last_;
  std::vector<std::string> history_;
  std::string logs_;  // of every run that ended

 public:
  const std::string& logs() const { return logs_; }
  // The warnings and errors of every run, digits masked, each with how often it appeared.
  std::string Warnings() const {
    std::map<std::string, int> seen;
    size_t pos = 0;
    while (pos < logs_.size()) {
      size_t end = logs_.find('\n', pos);
      if (end == std::string::npos) end = logs_.size();
      std::string line = logs_.substr(pos, end - pos);
      pos = end + 1;
      size_t at = line.find("binlake: warning: ");
      if (at == std::string::npos) at = line.find("binlake: error: ");
      if (at == std::string::npos) continue;
      line = line.substr(at);
      for (char& c : line) {
        if (c >= '0' && c <= '9') c = '#';
      }
      ++seen[line.substr(0, 150)];
    }
    std::string out;
    for (const auto& [line, n] : seen) out += "  " + std::to_string(n) + "x " + line + "\n";
    return out;
  }
};

TEST_F(CdcFaultTest, RunSurvivesS3AndSourceFaults) {
  const auto t0 = Clock::now();
  testing::HttpFaultPlan http;
  http.seed = SeedFromEnv(20240611);
  http.probability = EnvOr("BINLAKE_FAULT_P", 0.1);
  http.budget = static_cast<int>(EnvOr("BINLAKE_FAULT_BUDGET", 160));
  // Every operation's first faults cycle through the kinds, so each gets every kind it can.
  http.min_per_operation = testing::kHttpFaultCount;
  http.max_consecutive = static_cast<int>(EnvOr("BINLAKE_FAULT_RUN", 2));
  auto s3_proxy = FaultProxy::StartHttp(PortOf(env_.endpoint), http);
  ASSERT_TRUE(s3_proxy.ok()) << s3_proxy.status().ToString();
  testing::TcpFaultPlan tcp;
  tcp.seed = http.seed + 1;
  tcp.budget = 4;
  tcp.min_bytes = 20000;
  tcp.max_bytes = 400000;
  auto source_proxy = FaultProxy::StartTcp(server_->port(), tcp);
  ASSERT_TRUE(source_proxy.ok()) << source_proxy.status().ToString();

  Supervisor binlake("run --progress off " + CdcArgs("mysql://root@127.0.0.1:" +
                                                         std::to_string((*source_proxy)->port()),
                                                     (*s3_proxy)->endpoint()),
                     Credentials(), /*max_starts=*/20);
  binlake.Start();
  std::mt19937 rng(static_cast<uint32_t>(http.seed));
  {
    Load load(*server_, "--time=30 --threads=2 --rate=100");
    // A SIGKILL early (in the full load, or before CDC's first commit), then until the full
    // load is done and CDC commits (through the faults).
    binlake.RunFor(std::chrono::milliseconds(1000 + rng() % 1000));
    std::printf("first SIGKILL with %llu checkpoints committed\n",
                static_cast<unsigned long long>(NewestCheckpoint()));
    binlake.KillAndRestart();
    auto deadline = Clock::now() + std::chrono::seconds(120);
    while (NewestCheckpoint() < 1 && Clock::now() < deadline) {
      binlake.RunFor(std::chrono::seconds(1));
    }
    ASSERT_GE(NewestCheckpoint(), 1u) << binlake.History();
    // The source stops answering for longer than the heartbeat period (CdcMaxBatchInterval 1 s
    // gives 500 ms heartbeats and a 2 s read timeout) while binlake streams, then goes on.
    ASSERT_EQ(::kill(server_->pid(), SIGSTOP), 0);
    binlake.RunFor(std::chrono::seconds(5));
    ASSERT_EQ(::kill(server_->pid(), SIGCONT), 0);
    // SIGKILLs at random moments.
    for (int i = 0; i < 3; ++i) {
      binlake.RunFor(std::chrono::milliseconds(2000 + rng() % 3000));
      binlake.KillAndRestart();
    }
    while (!load.Done()) binlake.RunFor(std::chrono::milliseconds(500));
    CommandResult r = load.Join();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // The source restarts while binlake streams; more writes after it, one more SIGKILL.
  ASSERT_TRUE(server_->Restart().ok());
  {
    Load load(*server_, "--time=12 --threads=2 --rate=100");
    binlake.RunFor(std::chrono::seconds(5));
    binlake.KillAndRestart();
    while (!load.Done()) binlake.RunFor(std::chrono::milliseconds(500));
    CommandResult r = load.Join();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // Faults off: binlake must catch up with the source.
  (*s3_proxy)->SetFaultsEnabled(false);
  (*source_proxy)->SetFaultsEnabled(false);
  const std::string end = server_->MasterPosition();
  auto deadline = Clock::now() + kCatchUp;
  bool caught_up = false;
  while (!caught_up && Clock::now() < deadline) {
    caught_up =
        testing::WaitForCheckpoint(DirectTarget(), end, std::chrono::seconds(2), Credentials());
    binlake.Tick();
  }
  BinlakeProcess* last = binlake.Stop();
  const std::string report = (*s3_proxy)->Report();
  std::printf(
      "S3 faults (%d injected):\n%sTCP: %d binlog dumps, %d cut (%d inside an event, %d inside a "
      "transaction)\nbinlake runs:\n%swarnings and errors:\n%s",
      (*s3_proxy)->total_faults(), report.c_str(), (*source_proxy)->dump_connections(),
      (*source_proxy)->drops(), (*source_proxy)->drops_mid_event(),
      (*source_proxy)->drops_mid_transaction(), binlake.History().c_str(),
      binlake.Warnings().c_str());
  ASSERT_TRUE(caught_up) << "no checkpoint reached " << end << " within " << kCatchUp.count()
                         << " s of the faults' end\n"
                         << binlake.History();
  ASSERT_NE(last, nullptr) << binlake.History();
  EXPECT_EQ(last->exit_code(), 0) << Supervisor::Tail(last->Log());
  EXPECT_NE(last->Log().find("cdc stopped (interrupted)"), std::string::npos)
      << Supervisor::Tail(last->Log());

  // The faults happened: every S3 request type binlake sends got some, every kind was injected,
  // binlog dumps were cut, binlake reconnected.
  for (S3Op op : {S3Op::kCreateMultipartUpload, S3Op::kUploadPart, S3Op::kCompleteMultipartUpload,
                  S3Op::kAbortMultipartUpload, S3Op::kPutObject, S3Op::kPutCheckpoint,
                  S3Op::kGetObject, S3Op::kHeadObject, S3Op::kListObjectsV2,
                  S3Op::kListMultipartUploads, S3Op::kDeleteObject}) {
    EXPECT_GE((*s3_proxy)->faults(op), 1) << testing::S3OpName(op) << "\n" << report;
  }
  for (HttpFault kind : testing::AllHttpFaults()) {
    EXPECT_GE((*s3_proxy)->faults_of_kind(kind), 1) << testing::HttpFaultName(kind);
    // Every kind on each request type of the commit path (a cut-short body only where S3
    // answers with one).
    for (S3Op op : {S3Op::kUploadPart, S3Op::kCompleteMultipartUpload, S3Op::kPutCheckpoint,
                    S3Op::kGetObject, S3Op::kListObjectsV2, S3Op::kDeleteObject}) {
      if (kind == HttpFault::kTruncatedBody &&
          (op == S3Op::kUploadPart || op == S3Op::kPutCheckpoint || op == S3Op::kDeleteObject)) {
        continue;
      }
      EXPECT_GE((*s3_proxy)->faults(op, kind), 1)
          << testing::S3OpName(op) << " " << testing::HttpFaultName(kind);
    }
  }
  EXPECT_GE((*source_proxy)->drops(), 1);
  EXPECT_GE((*source_proxy)->drops_mid_transaction(), 1);
  EXPECT_EQ(binlake.kills(), 5);
  // The paused source was noticed by its missing heartbeats; lost streams were reopened.
  EXPECT_NE(binlake.logs().find("no event or heartbeat from"), std::string::npos);
  EXPECT_NE(binlake.logs().find("reconnecting"), std::string::npos);

  CheckOracle(binlake.logs());
  std::printf("RunSurvivesS3AndSourceFaults: %.0f s\n",
              std::chrono::duration<double>(Clock::now() - t0).count());
}

// A full load SIGKILLed while its upload of a LOAD file is on the way: the request arrives at the
// store late (held by the proxy), after a second full load of newer data has written its own
// LOAD files. The late write must not replace them: the target must hold the second load's data.
TEST_F(CdcFaultTest, ALateWriteOfAKilledFullLoadChangesNothing) {
  testing::HttpFaultPlan http;
  http.probability = 0;
  http.budget = 0;
  http.hold_target = "/LOAD";
  http.hold_for = std::chrono::seconds(8);
  auto s3_proxy = FaultProxy::StartHttp(PortOf(env_.endpoint), http);
  ASSERT_TRUE(s3_proxy.ok()) << s3_proxy.status().ToString();
  const std::string source = "mysql://root@127.0.0.1:" + std::to_string(server_->port());
  const std::string load_args =
      "full-load --progress off --source " + source + " --tls-mode disabled ";
  {
    BinlakeProcess first(load_args + TargetArgs((*s3_proxy)->endpoint()), Credentials());
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while ((*s3_proxy)->held() == 0 && first.Running() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GE((*s3_proxy)->held(), 1) << first.DescribeExit() << "\n" << first.Log();
    ASSERT_TRUE(first.Kill(SIGKILL, std::chrono::seconds(10)));
  }
  // Newer data, loaded by a second full load straight to the store.
  ASSERT_TRUE(server_->Execute("UPDATE sbtest.sbtest1 SET k = k + 1000000").ok());
  ASSERT_TRUE(server_->Execute("UPDATE sbtest.sbtest2 SET k = k + 1000000").ok());
  CommandResult second = testing::RunBinlake(load_args + DirectTarget(), Credentials());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // The held requests reach the store after the second load, get their answers.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while ((*s3_proxy)->released() < (*s3_proxy)->held() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ((*s3_proxy)->released(), (*s3_proxy)->held());
  std::printf("%d late request(s) of the killed full load reached the store\n",
              (*s3_proxy)->released());
  CheckOracle();
}

// Parameter: whether each instance has its own --server-id. With the task's derived one (false),
// the source itself ends the older binlog dump when the newer starts; with their own (true), both
// stream and the conditional create of checkpoint N decides.
class CdcTwoInstancesTest : public CdcFaultTest, public ::testing::WithParamInterface<bool> {};

TEST_P(CdcTwoInstancesTest, ExactlyOneKeepsCommitting) {
  const auto t0 = Clock::now();
  const std::string source = "mysql://root@127.0.0.1:" + std::to_string(server_->port());
  CommandResult loaded = testing::RunBinlake(
      "full-load --source " + source + " --tls-mode disabled " + DirectTarget() + " --progress off",
      Credentials());
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  Load load(*server_, "--time=15 --threads=2 --rate=100");
  std::vector<std::unique_ptr<BinlakeProcess>> instances;
  for (int i = 0; i < 2; ++i) {
    std::string own_id = GetParam() ? " --server-id " + std::to_string(4000 + i) : "";
    instances.push_back(std::make_unique<BinlakeProcess>(
        "cdc " + CdcArgs(source, env_.endpoint) + own_id, Credentials()));
  }
  // One of them stops by itself.
  auto deadline = Clock::now() + std::chrono::seconds(90);
  int loser = -1;
  while (loser < 0 && Clock::now() < deadline) {
    for (int i = 0; i < 2; ++i) {
      if (!instances[i]->Running()) loser = i;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(loser, 0) << "both instances still run after 90 s\n"
                      << Supervisor::Tail(instances[0]->Log()) << "\n"
                      << Supervisor::Tail(instances[1]->Log());
  BinlakeProcess& lost = *instances[loser];
  BinlakeProcess& won = *instances[1 - loser];
  std::printf("the instance that stopped: %s\n%s\n", lost.DescribeExit().c_str(),
              lost.Log().c_str());
  EXPECT_FALSE(lost.Crashed());
  EXPECT_NE(lost.exit_code(), 0);
  EXPECT_NE(lost.Log().find("another binlake instance"), std::string::npos) << lost.Log();
  // The other keeps committing.
  ASSERT_TRUE(won.Running()) << won.DescribeExit() << "\n" << won.Log();
  const uint64_t at_loss = NewestCheckpoint();
  deadline = Clock::now() + std::chrono::seconds(60);
  while (NewestCheckpoint() < at_loss + 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GE(NewestCheckpoint(), at_loss + 3) << Supervisor::Tail(won.Log());
  CommandResult r = load.Join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(testing::WaitForCheckpoint(DirectTarget(), server_->MasterPosition(), kCatchUp,
                                         Credentials()))
      << Supervisor::Tail(won.Log());
  ASSERT_TRUE(won.Kill(SIGTERM, kStopBound)) << Supervisor::Tail(won.Log());
  EXPECT_EQ(won.exit_code(), 0) << won.Log();
  EXPECT_FALSE(won.Crashed());
  CheckOracle();
  std::printf("two instances (%s): %.0f s\n", GetParam() ? "own server ids" : "one server id",
              std::chrono::duration<double>(Clock::now() - t0).count());
}

INSTANTIATE_TEST_SUITE_P(ServerIds, CdcTwoInstancesTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "OwnServerIds" : "SameServerId";
                         });

}  // namespace
}  // namespace binlake
