#include "source/replica_retry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

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

Backoff::Backoff(const BackoffPolicy& policy, uint64_t seed)
    : policy_(policy), rng_(seed != 0 ? seed : std::random_device{}()) {
  policy_.multiplier = std::max(1.0, policy_.multiplier);
  policy_.jitter = std::clamp(policy_.jitter, 0.0, 1.0);
}

std::chrono::milliseconds Backoff::NextDelay() {
  double cap = static_cast<double>(policy_.max_delay.count());
  double d = static_cast<double>(policy_.initial_delay.count()) *
             std::pow(policy_.multiplier, static_cast<double>(retries_));
  d = std::min(d, cap);
  ++retries_;
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::llround(d * (1.0 - policy_.jitter * u))));
}

Status RetryWithBackoff(const BackoffPolicy& policy, RetryClock& clock, std::string_view what,
                        const std::function<Status()>& attempt, uint64_t seed) {
  const auto begin = clock.Now();
  Backoff backoff(policy, seed);
  int attempts = 0;
  while (true) {
    Status st = attempt();
    ++attempts;
    if (st.ok() || !st.IsRetryable()) return st;
    std::chrono::milliseconds delay = backoff.NextDelay();
    auto elapsed = clock.Now() - begin;
    if (elapsed + delay > policy.deadline) {
      return Status(st.code(), std::string(what) + ": gave up after " + std::to_string(attempts) +
                                   " attempt(s) in " + Seconds(elapsed) + ": " + st.message());
    }
    spdlog::warn("{}: {}; retrying in {} (attempt {})", what, st.message(), Seconds(delay),
                 attempts + 1);
    if (!clock.SleepFor(delay)) {
      return Cancelled(std::string(what) + ": stopped while waiting to retry (" + st.message() +
                       ")");
    }
  }
}

Result<std::unique_ptr<BinlogEventStream>> OpenStreamWithRetry(const StreamOptions& options,
                                                               const BackoffPolicy& policy,
                                                               RetryClock& clock) {
  std::unique_ptr<BinlogEventStream> stream;
  Status st = RetryWithBackoff(policy, clock,
                               "opening the binlog stream at " + options.start.ToString(), [&] {
                                 auto r = BinlogEventStream::Open(options);
                                 if (!r.ok()) return r.status();
                                 stream = std::move(r).value();
                                 return Status::Ok();
                               });
  if (!st.ok()) return st;
  return stream;
}

}  // namespace binlake
