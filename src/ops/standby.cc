#include "ops/standby.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "cdc/naming.h"
#include "common/health.h"
#include "common/metrics.h"

namespace binlake::ops {
namespace {

using Steady = std::chrono::steady_clock;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

std::string NowIso8601() {
  return FormatIso8601(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

std::chrono::milliseconds PollInterval(const LeaseOptions& o) {
  return std::max(o.period / 3, std::chrono::milliseconds(50));
}

bool IsCancelled(const LeaseOptions& o) { return o.cancel && o.cancel->load(); }

// Sleeps `d` in slices of at most 100 ms, less when cancelled meanwhile.
void SleepUnlessCancelled(const LeaseOptions& o, std::chrono::milliseconds d) {
  const auto end = Steady::now() + d;
  for (auto now = Steady::now(); now < end && !IsCancelled(o); now = Steady::now()) {
    std::this_thread::sleep_for(
        std::min<Steady::duration>(end - now, std::chrono::milliseconds(100)));
  }
}

std::string Describe(const LeaseTerm& t) {
  return t.holder + " (term " + std::to_string(t.term) + ")";
}

}  // namespace

std::string DefaultInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(getpid());
}

Result<LeaseTerm> AcquireLease(ObjectStore& store, const LeaseOptions& options) {
  metrics::LeaseHeld().Set(0);
  // What this instance last saw of the newest term, and since when (its own steady clock).
  uint64_t seen_term = 0;
  std::string seen_beat;
  Steady::time_point seen_since = Steady::now();
  std::string last_error;
  while (true) {
    if (IsCancelled(options)) return Cancelled("stopped while waiting for the task's lease");
    health::Tick();
    Result<LeaseState> state = ReadLease(store, options.bucket_folder);
    if (!state.ok()) {
      if (state.status().code() == StatusCode::kCorruption) return state.status();
      if (state.status().message() != last_error) {
        last_error = state.status().message();
        spdlog::warn("standby: cannot read the task's lease (retrying): {}", last_error);
      }
      SleepUnlessCancelled(options, PollInterval(options));
      continue;
    }
    last_error.clear();
    bool take = false;
    if (!state->newest) {
      take = true;
    } else if (state->heartbeat && state->heartbeat->released) {
      spdlog::info("standby: {} released the lease; taking over", Describe(*state->newest));
      take = true;
    } else if (state->newest->term != seen_term || state->heartbeat_bytes != seen_beat) {
      if (state->newest->term != seen_term) {
        spdlog::info("standby: the task is active on {}; waiting", Describe(*state->newest));
        health::SetStandby(true, "standby: the lease is held by " + Describe(*state->newest));
      }
      seen_term = state->newest->term;
      seen_beat = state->heartbeat_bytes;
      seen_since = Steady::now();
    } else if (Steady::now() - seen_since >= options.period) {
      spdlog::warn("standby: {} has not renewed the lease for {} ms; taking over",
                   Describe(*state->newest),
                   std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - seen_since)
                       .count());
      take = true;
    }
    if (take) {
      LeaseTerm mine;
      mine.term = state->newest_term() + 1;
      mine.holder = options.instance_id;
      mine.acquired_at = NowIso8601();
      mine.lease_seconds = static_cast<int>((options.period.count() + 999) / 1000);
      Result<bool> created = CreateLeaseTerm(store, options.bucket_folder, mine);
      if (created.ok() && *created) {
        // The first heartbeat: a standby's clock for this term starts at its first sight.
        LeaseHeartbeat beat{mine.term, mine.holder, mine.acquired_at, 0, false};
        Status s = WriteLeaseHeartbeat(store, options.bucket_folder, beat);
        if (!s.ok()) spdlog::warn("could not write the lease's first heartbeat: {}", s.message());
        s = DeleteLeaseTermsBelow(store, options.bucket_folder, mine.term - 1);
        if (!s.ok()) spdlog::warn("could not delete old lease terms: {}", s.message());
        health::SetStandby(false);
        metrics::LeaseHeld().Set(1);
        metrics::LeaseTerm().Set(static_cast<double>(mine.term));
        metrics::LeaseAcquired().Increment();
        spdlog::info("this instance ({}) holds the task's lease: term {}", mine.holder, mine.term);
        return mine;
      }
      if (!created.ok()) {
        spdlog::warn("standby: could not create lease term {}: {}", mine.term,
                     created.status().message());
      }
      // Another standby won the term (or the create failed): observe it from now on.
      seen_term = 0;
    }
    SleepUnlessCancelled(options, PollInterval(options));
  }
}

LeaseKeeper::LeaseKeeper(ObjectStore& store, LeaseOptions options, LeaseTerm term,
                         std::function<void(const std::string& why)> on_lost)
    : store_(store),
      options_(std::move(options)),
      term_(std::move(term)),
      on_lost_(std::move(on_lost)),
      renewed_ns_(SteadyNs()) {
  thread_ = std::thread([this] { Run(); });
}

LeaseKeeper::~LeaseKeeper() { StopRenewing(); }

void LeaseKeeper::StopRenewing() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LeaseKeeper::Held() const {
  if (lost_.load()) return false;
  const int64_t period_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.period).count();
  return SteadyNs() - renewed_ns_.load() < period_ns;
}

std::string LeaseKeeper::lost_reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_reason_;
}

bool LeaseKeeper::RenewOnce() {
  // A renewal proves the lease as of the moment it began: a standby's clock for the heartbeat
  // it writes starts later than that.
  const int64_t began = SteadyNs();
  std::string lost;
  Status failed;
  Result<uint64_t> newest = NewestLeaseTerm(store_, options_.bucket_folder);
  if (!newest.ok()) {
    failed = newest.status();
  } else if (*newest > term_.term) {
    auto state = ReadLease(store_, options_.bucket_folder);
    lost = "another instance took the task over: " + (state.ok() && state->newest
                                                          ? Describe(*state->newest)
                                                          : "term " + std::to_string(*newest));
  } else {
    const LeaseHeartbeat beat{term_.term, term_.holder, NowIso8601(), ++renewals_, false};
    failed = WriteLeaseHeartbeat(store_, options_.bucket_folder, beat);
    if (failed.ok()) renewed_ns_.store(began);
  }
  if (lost.empty() && !failed.ok()) {
    if (!Held()) {
      lost = "could not renew the lease for " +
             std::to_string((SteadyNs() - renewed_ns_.load()) / 1000000) +
             " ms: " + failed.message();
    } else {
      spdlog::warn("could not renew the task's lease (retrying): {}", failed.message());
    }
  }
  if (lost.empty()) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lost_reason_ = lost;
  }
  lost_.store(true);
  metrics::LeaseHeld().Set(0);
  spdlog::warn("lost the task's lease: {}", lost);
  if (on_lost_) on_lost_(lost);
  return false;
}

void LeaseKeeper::Run() {
  while (RenewOnce()) {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, PollInterval(options_), [this] { return stopping_; })) return;
  }
}

Status LeaseKeeper::Release() {
  StopRenewing();
  if (lost_.load()) return Status::Ok();
  const LeaseHeartbeat beat{term_.term, term_.holder, NowIso8601(), ++renewals_, true};
  RETURN_IF_ERROR(WriteLeaseHeartbeat(store_, options_.bucket_folder, beat));
  metrics::LeaseHeld().Set(0);
  spdlog::info("released the task's lease (term {})", term_.term);
  return Status::Ok();
}

}  // namespace binlake::ops
