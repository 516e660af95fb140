#include "common/health.h"

#include <atomic>
#include <cstdint>
#include <mutex>

namespace binlake::health {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct State {
  std::atomic<int64_t> last_tick_ns{NowNs()};
  std::atomic<bool> uses_source{false};
  std::atomic<bool> source_connected{false};
  std::atomic<int64_t> store_failing_since_ns{0};  // 0 = the last request succeeded
  std::atomic<bool> standby{false};
  std::mutex mu;
  std::string standby_why;
  std::string source_why;
  std::string store_why;
};

State& S() {
  static State* s = new State();  // never destroyed: threads may report at exit
  return *s;
}

}  // namespace

void Tick() { S().last_tick_ns.store(NowNs(), std::memory_order_relaxed); }

void SetUsesSource(bool uses) { S().uses_source.store(uses); }

void SetSourceConnected(bool connected, const std::string& why) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  s.source_connected.store(connected);
  s.source_why = why;
}

void SetStandby(bool standby, const std::string& why) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  s.standby.store(standby);
  s.standby_why = why;
}

void StoreFailed(const std::string& why) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  int64_t expected = 0;
  s.store_failing_since_ns.compare_exchange_strong(expected, NowNs());
  s.store_why = why;
}

void StoreSucceeded() {
  State& s = S();
  if (s.store_failing_since_ns.load(std::memory_order_relaxed) != 0) {
    s.store_failing_since_ns.store(0);
  }
}

Report Liveness(Clock::duration liveness) {
  const int64_t idle = NowNs() - S().last_tick_ns.load(std::memory_order_relaxed);
  if (idle <= std::chrono::duration_cast<std::chrono::nanoseconds>(liveness).count()) {
    return {true, "ok"};
  }
  return {false, "not live: the task's loop has not turned for " +
                     std::to_string(idle / 1000000000) + " s"};
}

Report Readiness(Clock::duration liveness, Clock::duration store_grace) {
  State& s = S();
  std::string reasons;
  auto add = [&reasons](const std::string& r) { reasons += (reasons.empty() ? "" : "; ") + r; };
  Report live = Liveness(liveness);
  if (!live.ok) add(live.text);
  std::lock_guard<std::mutex> lock(s.mu);
  const bool standby = s.standby.load();
  if (s.uses_source.load() && !s.source_connected.load() && !standby) {
    add("source disconnected" + (s.source_why.empty() ? "" : " (" + s.source_why + ")"));
  }
  const int64_t since = s.store_failing_since_ns.load();
  if (since != 0 &&
      NowNs() - since > std::chrono::duration_cast<std::chrono::nanoseconds>(store_grace).count()) {
    add("target store failing for " + std::to_string((NowNs() - since) / 1000000000) + " s (" +
        s.store_why + ")");
  }
  if (reasons.empty()) {
    return {true, standby ? "ready (" + (s.standby_why.empty() ? "standby" : s.standby_why) + ")"
                          : "ready"};
  }
  return {false, "not ready: " + reasons};
}

void ResetForTesting() {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  s.last_tick_ns.store(NowNs());
  s.uses_source.store(false);
  s.source_connected.store(false);
  s.store_failing_since_ns.store(0);
  s.standby.store(false);
  s.standby_why.clear();
  s.source_why.clear();
  s.store_why.clear();
}

}  // namespace binlake::health
