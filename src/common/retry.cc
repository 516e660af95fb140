#include "common/retry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "common/health.h"

namespace binlake {
namespace {

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

std::chrono::steady_clock::time_point SystemRetryClock::Now() {
  return std::chrono::steady_clock::now();
}

bool SystemRetryClock::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return interrupted_; });
}

void SystemRetryClock::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

RetryClock& RealRetryClock() {
  static SystemRetryClock clock;  // never interrupted
  return clock;
}

JitterSource DefaultJitter() {
  return [](uint64_t bound) -> uint64_t {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_int_distribution<uint64_t>(0, bound)(rng);
  };
}

JitterSource SeededJitter(uint64_t seed) {
  return [rng = std::mt19937_64(seed)](uint64_t bound) mutable -> uint64_t {
    return std::uniform_int_distribution<uint64_t>(0, bound)(rng);
  };
}

Backoff::Backoff(const BackoffPolicy& policy, JitterSource jitter)
    : policy_(policy), jitter_(jitter ? std::move(jitter) : DefaultJitter()) {
  policy_.multiplier = std::max(1.0, policy_.multiplier);
  policy_.jitter = std::clamp(policy_.jitter, 0.0, 1.0);
}

std::chrono::milliseconds Backoff::NextCeiling() const {
  const double cap = static_cast<double>(std::max<int64_t>(0, policy_.max_delay.count()));
  const double base = static_cast<double>(std::max<int64_t>(0, policy_.initial_delay.count()));
  // pow overflows to +inf, never to a wrong finite value; min() then gives the cap.
  const double d = std::min(cap, base * std::pow(policy_.multiplier, retries_));
  return std::chrono::milliseconds(static_cast<int64_t>(d));
}

std::chrono::milliseconds Backoff::NextDelay() {
  const auto ceiling = static_cast<uint64_t>(NextCeiling().count());
  ++retries_;
  const auto random_part = static_cast<uint64_t>(std::llround(policy_.jitter * ceiling));
  const uint64_t drawn = std::min(jitter_(random_part), random_part);
  return std::chrono::milliseconds(ceiling - random_part + drawn);
}

RetryLoop::RetryLoop(const BackoffPolicy& policy, RetryClock& clock, JitterSource jitter)
    : policy_(policy), clock_(clock), backoff_(policy, std::move(jitter)), begin_(clock.Now()) {}

bool RetryLoop::BackoffAndContinue(
    const std::function<void(std::chrono::milliseconds)>& before_sleep) {
  if (interrupted_) return false;
  if (policy_.max_attempts > 0 && attempts_ >= policy_.max_attempts) return false;
  const std::chrono::milliseconds delay = backoff_.NextDelay();
  if (policy_.deadline.count() > 0 && elapsed() + delay > policy_.deadline) return false;
  if (before_sleep) before_sleep(delay);
  health::Tick();  // a retrying loop is a turning loop (common/health.h)
  if (!clock_.SleepFor(delay)) {
    interrupted_ = true;
    return false;
  }
  health::Tick();
  ++attempts_;
  return true;
}

Status RetryWithBackoff(const BackoffPolicy& policy, RetryClock& clock, std::string_view what,
                        const std::function<Status()>& attempt, JitterSource jitter) {
  RetryLoop loop(policy, clock, std::move(jitter));
  while (true) {
    Status st = attempt();
    if (st.ok() || !st.IsRetryable()) return st;
    auto log_wait = [&](std::chrono::milliseconds delay) {
      spdlog::warn("{}: {}; retrying in {} (attempt {})", what, st.message(), Seconds(delay),
                   loop.attempts() + 1);
    };
    if (loop.BackoffAndContinue(log_wait)) continue;
    if (loop.interrupted()) {
      return Cancelled(std::string(what) + ": stopped while waiting to retry (" + st.message() +
                       ")");
    }
    return Status(st.code(), std::string(what) + ": gave up after " +
                                 std::to_string(loop.attempts()) + " attempt(s) in " +
                                 Seconds(loop.elapsed()) + ": " + st.message());
  }
}

}  // namespace binlake
