// The fixture of the CDC tests against radosgw (cdc_fault_test.cc, cdc_standby_test.cc): a
// MariaDB with sysbench's tables prepared, a target prefix of its own in the radosgw of the
// ctest fixture "radosgw", binlake's flags for both, and the exactly-once oracle of
// support/cdc_oracle.h on a copy of the target.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "common/testing/temp_dir.h"
#include "store/testing/radosgw_env.h"
#include "support/cdc_oracle.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace cdc_fault {

using testing::CommandResult;
using testing::MariaDbServer;
using testing::ShellQuote;
using Clock = std::chrono::steady_clock;

// Every binlake run must end within this after the test asks it to (SIGTERM), and the target
// must catch up with the source within kCatchUp once faults stop.
inline constexpr auto kStopBound = std::chrono::seconds(60);
inline constexpr auto kCatchUp = std::chrono::seconds(240);

// The last `lines` lines of a log.
inline std::string LogTail(const std::string& log, size_t lines = 15) {
  size_t pos = log.size();
  for (size_t n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n) {
    pos = log.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? log : log.substr(pos + 1);
}

// The port of an endpoint URL ("http://127.0.0.1:PORT").
inline int PortOf(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

// The lines of `logs` that say where binlake started, resumed and committed (for failures).
inline std::string InfoLines(const std::string& logs) {
  std::istringstream in(logs);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("binlake: info: ") != std::string::npos ||
        line.find("binlake: warning: ") != std::string::npos ||
        line.find("binlake: error: ") != std::string::npos) {
      out += line.substr(0, 300) + "\n";
    }
  }
  return out;
}

class CdcFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = testing::LoadRadosgwEnv();
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = *env;
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    prefix_ = std::string("cdc-fault-") + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(prefix_.begin(), prefix_.end(), '/', '-');
    ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
    CommandResult prepared = testing::Sysbench(*server_, "prepare", "");
    ASSERT_EQ(prepared.exit_code, 0) << prepared.out << prepared.err;
  }

  std::string Credentials() const {
    return "AWS_ACCESS_KEY_ID=" + ShellQuote(env_.access_key_id) +
           " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env_.secret_access_key);
  }
  // --target and the S3 flags, with the endpoint given (radosgw itself, or a proxy before it).
  std::string TargetArgs(const std::string& endpoint) const {
    return "--target " + ShellQuote("s3://" + env_.bucket + "/" + prefix_) + " --endpoint-url " +
           ShellQuote(endpoint) + " --region " + ShellQuote(env_.region) + " --path-style";
  }
  std::string DirectTarget() const { return TargetArgs(env_.endpoint); }
  std::string CdcArgs(const std::string& source_url, const std::string& endpoint) const {
    return "--source " + source_url + " --tls-mode disabled " + TargetArgs(endpoint) +
           " --set CdcMaxBatchInterval=1 --sequence-column seq";
  }
  uint64_t NewestCheckpoint() const {
    return testing::NewestCheckpoint(DirectTarget(), Credentials());
  }

  // The oracle, on a copy of the target read from radosgw directly.
  // `logs`: binlake's output, whose info lines are shown when the digests differ.
  void CheckOracle(const std::string& logs = "") {
    TempDir mirror("binlake-cdc-fault-mirror");
    Status copied = testing::MirrorTarget(testing::RadosgwTarget(env_, prefix_), mirror.path());
    ASSERT_TRUE(copied.ok()) << copied.ToString();
    for (const char* t : {"sbtest1", "sbtest2"}) {
      EXPECT_EQ(testing::TargetDigest(mirror.path(), t), testing::SourceDigest(*server_, t))
          << testing::DigestDifferences(*server_, mirror.path(), t) << InfoLines(logs);
    }
    std::string snapshot = testing::SnapshotPosition(mirror.path());
    ASSERT_NE(snapshot, ":");
    EXPECT_EQ(testing::TargetCdcRows(mirror.path()),
              testing::SourceRowChangesAfter(*server_, snapshot));
  }

  testing::RadosgwEnv env_;
  std::unique_ptr<MariaDbServer> server_;
  std::string prefix_;
};

// Sysbench writes on a thread of its own; the result is checked by Join().
class Load {
 public:
  Load(MariaDbServer& server, std::string extra)
      : thread_([this, &server, extra] {
          result_ = testing::Sysbench(server, "run", extra);
          done_.store(true);
        }) {}
  ~Load() {
    if (thread_.joinable()) thread_.join();
  }
  bool Done() const { return done_.load(); }
  CommandResult Join() {
    thread_.join();
    return result_;
  }

 private:
  std::atomic<bool> done_{false};
  CommandResult result_;
  std::thread thread_;
};

}  // namespace cdc_fault
}  // namespace binlake
