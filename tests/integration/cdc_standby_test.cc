// Hot standby (`binlake run --standby`, docs/OPERATIONS.md) into radosgw under sysbench writes:
// instance a becomes active (full load, then CDC) while b waits; a is SIGKILLed and b takes over;
// c starts as a standby; b is SIGSTOPped, c takes over, and b, resumed, finds it lost the lease
// and goes back to standby without committing anything. The takeover times are reported.
// Checked: the lease holder in `binlake status` at each step; every checkpoint names the lease
// term it was committed under, and the terms never decrease along the checkpoint sequence (no
// stale active committed after a takeover); and the exactly-once oracle of cdc_test (target =
// source, CDC rows = the source's row changes after the snapshot).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cdc/checkpoint.h"
#include "integration/cdc_fault_fixture.h"
#include "store/target_config.h"
#include "support/fault_proxy.h"

namespace binlake {
namespace {

using namespace cdc_fault;  // NOLINT: the fixture's names
using testing::BinlakeProcess;

// SIGSTOPs a process; it resumes at Resume() or, whatever fails first, when this goes.
class Freeze {
 public:
  explicit Freeze(int pid) : pid_(pid), stopped_(::kill(pid, SIGSTOP) == 0) {}
  ~Freeze() { Resume(); }
  Freeze(const Freeze&) = delete;
  Freeze& operator=(const Freeze&) = delete;
  bool stopped() const { return stopped_; }
  void Resume() {
    if (stopped_) ::kill(pid_, SIGCONT);
    stopped_ = false;
  }

 private:
  int pid_;
  bool stopped_;
};

class CdcStandbyTest : public CdcFaultTest {
 protected:
  std::string RunArgs(const std::string& id) const { return RunArgs(id, env_.endpoint); }
  // With the target reached through `endpoint` (a proxy before radosgw).
  std::string RunArgs(const std::string& id, const std::string& endpoint) const {
    const std::string source = "mysql://root@127.0.0.1:" + std::to_string(server_->port());
    // Each its own server_id: the source does not end a frozen instance's binlog dump when the
    // next one connects, so that instance wakes with its stream and its open batch intact and
    // only the lease and the fencing checkpoint can keep it from committing.
    const int server_id = 5000 + static_cast<int>(id[0]);
    return "run " + CdcArgs(source, endpoint) +
           " --progress off --standby --lease-seconds 3 --instance-id " + id + " --server-id " +
           std::to_string(server_id) +
           // Every checkpoint stays an object, for the check of their lease terms.
           " --set CdcCheckpointsToKeep=100000";
  }
  // `binlake status --json`'s "lease" ({} when none or unreadable).
  nlohmann::json Lease() const {
    CommandResult r = testing::RunBinlake("status --json " + DirectTarget(), Credentials());
    if (r.exit_code != 0) return nlohmann::json::object();
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (!j.is_object() || !j.contains("lease")) return nlohmann::json::object();
    return j["lease"];
  }
  std::string Holder() const { return Lease().value("holder", ""); }

  // Polls `done` every 100 ms until it holds or `timeout` passed.
  template <typename F>
  static bool PollUntil(F done, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }
  static double Since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }
};

TEST_F(CdcStandbyTest, AStandbyTakesOverFromAKilledAndFromAFrozenActive) {
  Load load(*server_, "--time=45 --threads=2 --rate=100");
  BinlakeProcess a(RunArgs("a"), Credentials());
  ASSERT_TRUE(PollUntil([&] { return Holder() == "a" && NewestCheckpoint() >= 2; }))
      << LogTail(a.Log());
  BinlakeProcess b(RunArgs("b"), Credentials());
  ASSERT_TRUE(PollUntil([&] {
    return b.Log().find("standby: the task is active on a (term 1); waiting") != std::string::npos;
  })) << LogTail(b.Log());

  // 1. The active dies.
  const uint64_t at_kill = NewestCheckpoint();
  const auto killed = Clock::now();
  ASSERT_TRUE(a.Kill(SIGKILL, std::chrono::seconds(10)));
  ASSERT_TRUE(PollUntil([&] { return Holder() == "b"; })) << LogTail(b.Log());
  const double kill_lease = Since(killed);
  // Its first commits: the fencing checkpoint, then data.
  ASSERT_TRUE(PollUntil([&] { return NewestCheckpoint() >= at_kill + 2; })) << LogTail(b.Log());
  const double kill_commit = Since(killed);
  EXPECT_NE(b.Log().find("committed fencing checkpoint"), std::string::npos) << LogTail(b.Log());

  // 2. A new standby; then the active freezes.
  BinlakeProcess c(RunArgs("c"), Credentials());
  ASSERT_TRUE(PollUntil([&] {
    return c.Log().find("standby: the task is active on b (term 2); waiting") != std::string::npos;
  })) << LogTail(c.Log());
  const uint64_t at_stop = NewestCheckpoint();
  const auto stopped = Clock::now();
  Freeze frozen_b(b.pid());
  ASSERT_TRUE(frozen_b.stopped());
  ASSERT_TRUE(PollUntil([&] { return Holder() == "c"; })) << LogTail(c.Log());
  const double stop_lease = Since(stopped);
  // b wakes at once, with its stream and a batch in progress, while c is still starting: b
  // must find its lease expired and commit nothing (nor after c's fencing checkpoint).
  frozen_b.Resume();
  ASSERT_TRUE(PollUntil([&] { return NewestCheckpoint() >= at_stop + 2; })) << LogTail(c.Log());
  const double stop_commit = Since(stopped);
  ASSERT_TRUE(PollUntil([&] { return b.Log().find("back to standby") != std::string::npos; }))
      << LogTail(b.Log());
  EXPECT_TRUE(b.Running()) << b.DescribeExit() << "\n" << LogTail(b.Log());
  EXPECT_EQ(Holder(), "c");

  CommandResult r = load.Join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(testing::WaitForCheckpoint(DirectTarget(), server_->MasterPosition(), kCatchUp,
                                         Credentials()))
      << LogTail(c.Log());
  // A standby stops at once on SIGTERM; the active commits what is complete and releases the
  // lease.
  ASSERT_TRUE(b.Kill(SIGTERM, kStopBound)) << LogTail(b.Log());
  EXPECT_EQ(b.exit_code(), 0) << b.Log();
  ASSERT_TRUE(c.Kill(SIGTERM, kStopBound)) << LogTail(c.Log());
  EXPECT_EQ(c.exit_code(), 0) << c.Log();
  EXPECT_TRUE(Lease().value("released", false)) << Lease().dump();
  for (BinlakeProcess* p : {&a, &b, &c}) EXPECT_FALSE(p->Crashed()) << p->Log();

  // Every checkpoint names its lease term; the terms never go back; and every checkpoint of a
  // term was begun before the next term was acquired (a stale instance that woke up and
  // committed would have begun its checkpoint later). One clock: all run on this machine.
  TempDir mirror("binlake-cdc-standby-mirror");
  ASSERT_TRUE(testing::MirrorTarget(testing::RadosgwTarget(env_, prefix_), mirror.path()).ok());
  auto read = [&](const std::string& key) {
    std::ifstream in(std::filesystem::path(mirror.path()) / key);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::map<uint64_t, std::string> acquired_at;  // terms 2 and 3 (older terms are deleted)
  for (uint64_t term : {2, 3}) {
    char name[64];
    std::snprintf(name, sizeof name, "_binlake/lease/term-%020llu.json",
                  static_cast<unsigned long long>(term));
    auto j = nlohmann::json::parse(read(name), nullptr, false);
    ASSERT_TRUE(j.is_object()) << name;
    acquired_at[term] = j.value("acquired_at", "");
  }
  uint64_t last_term = 0, checkpoints = 0;
  std::string terms;
  for (uint64_t seq = 1;; ++seq) {
    const std::string key = CdcCheckpointKey("", seq);
    if (!std::filesystem::exists(std::filesystem::path(mirror.path()) / key)) break;
    auto cp = ParseCdcCheckpoint(read(key));
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    ++checkpoints;
    EXPECT_NE(cp->lease_term, 0u) << "checkpoint " << seq << " has no lease term";
    EXPECT_GE(cp->lease_term, last_term)
        << "checkpoint " << seq << " by " << cp->lease_holder << " after one of term " << last_term;
    if (auto next = acquired_at.find(cp->lease_term + 1); next != acquired_at.end()) {
      EXPECT_LT(cp->created_at, next->second)
          << "checkpoint " << seq << " by " << cp->lease_holder << " (term " << cp->lease_term
          << ") was begun after term " << next->first << " was acquired";
    }
    if (cp->lease_term != last_term) terms += " " + cp->lease_holder + "@" + std::to_string(seq);
    last_term = cp->lease_term;
  }
  EXPECT_EQ(last_term, 3u) << terms;  // a, b, c
  EXPECT_GE(checkpoints, at_stop + 2);
  CheckOracle(a.Log() + b.Log() + c.Log());
  std::printf(
      "standby takeover (lease 3 s): after SIGKILL the lease moved in %.1f s and the new active "
      "committed data %.1f s after the kill; after SIGSTOP %.1f s and %.1f s; %llu checkpoints, "
      "terms began at:%s\n",
      kill_lease, kill_commit, stop_lease, stop_commit,
      static_cast<unsigned long long>(checkpoints), terms.c_str());
}

// An active frozen inside its full load (sbtest1's LOAD file written, sbtest2's and the load's
// state not yet), woken after a standby took the task over and completed a full load of its own
// and its first commits: the woken instance must not write anything more (no LOAD file, no
// full_load.json, no deletion), and goes back to standby. Instance a reaches the target through
// a proxy that delays each of its requests by 300-500 ms, so its full load takes seconds and the
// freeze falls inside it.
TEST_F(CdcStandbyTest, AnActiveFrozenInItsFullLoadWritesNothingAfterTheTakeover) {
  auto store = OpenObjectStore(testing::RadosgwTarget(env_, prefix_));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto exists = [&](const std::string& key) {
    auto h = (*store)->Head(key);
    return h.ok() && h->has_value();
  };
  // The full load's objects (LOAD files and its state) by key, with their ETags.
  auto full_load_objects = [&] {
    std::map<std::string, std::string> objects;
    for (const std::string prefix : {"sbtest/", "_binlake/full_load.json"}) {
      auto listed = (*store)->List(prefix);
      EXPECT_TRUE(listed.ok()) << listed.status().ToString();
      if (!listed.ok()) continue;
      for (const ObjectInfo& o : *listed) {
        if (o.key.find("/LOAD") != std::string::npos || o.key == prefix) objects[o.key] = o.etag;
      }
    }
    return objects;
  };
  testing::HttpFaultPlan slow;
  slow.probability = 1;
  slow.budget = 1 << 30;
  slow.max_consecutive = 1 << 30;
  slow.kinds = {testing::HttpFault::kLatency};
  slow.min_latency = std::chrono::milliseconds(300);
  slow.max_latency = std::chrono::milliseconds(500);
  auto proxy = testing::FaultProxy::StartHttp(PortOf(env_.endpoint), slow);
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();

  Load load(*server_, "--time=20 --threads=1 --rate=50");
  BinlakeProcess a(RunArgs("a", (*proxy)->endpoint()) + " --threads 1", Credentials());
  ASSERT_TRUE(PollUntil([&] { return exists("sbtest/sbtest1/LOAD00000001.csv") || !a.Running(); },
                        std::chrono::seconds(60)))
      << LogTail(a.Log());
  Freeze frozen_a(a.pid());
  ASSERT_TRUE(frozen_a.stopped()) << LogTail(a.Log());
  auto state = (*store)->Get("_binlake/full_load.json");  // written "running" at the start
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->find("complete"), std::string::npos) << "the freeze came after a's full load";
  EXPECT_EQ(Holder(), "a");

  const auto stopped = Clock::now();
  BinlakeProcess b(RunArgs("b"), Credentials());
  ASSERT_TRUE(PollUntil([&] { return Holder() == "b"; })) << LogTail(b.Log());
  // b's own full load (a new snapshot), its fencing checkpoint and a data commit.
  ASSERT_TRUE(PollUntil([&] { return NewestCheckpoint() >= 2; })) << LogTail(b.Log());
  const double takeover = Since(stopped);
  const std::map<std::string, std::string> before = full_load_objects();
  ASSERT_EQ(before.count("_binlake/full_load.json"), 1u) << LogTail(b.Log());
  ASSERT_EQ(before.count("sbtest/sbtest2/LOAD00000001.csv"), 1u) << LogTail(b.Log());

  frozen_a.Resume();
  ASSERT_TRUE(PollUntil([&] { return a.Log().find("back to standby") != std::string::npos; }))
      << LogTail(a.Log());
  EXPECT_NE(a.Log().find("no longer holds the task's lease"), std::string::npos)
      << LogTail(a.Log());
  EXPECT_TRUE(a.Running()) << a.DescribeExit() << "\n" << LogTail(a.Log());
  EXPECT_EQ(full_load_objects(), before) << "a changed the full load's objects after waking";
  EXPECT_EQ(Holder(), "b");

  CommandResult r = load.Join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(testing::WaitForCheckpoint(DirectTarget(), server_->MasterPosition(), kCatchUp,
                                         Credentials()))
      << LogTail(b.Log());
  ASSERT_TRUE(a.Kill(SIGTERM, kStopBound)) << LogTail(a.Log());
  ASSERT_TRUE(b.Kill(SIGTERM, kStopBound)) << LogTail(b.Log());
  EXPECT_EQ(a.exit_code(), 0) << a.Log();
  EXPECT_EQ(b.exit_code(), 0) << b.Log();
  EXPECT_EQ(full_load_objects(), before);
  CheckOracle(a.Log() + b.Log());
  std::printf("standby takeover inside a full load (lease 3 s): b committed %.1f s after a froze\n",
              takeover);
}

}  // namespace
}  // namespace binlake
