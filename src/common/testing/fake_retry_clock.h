// FakeRetryClock: a RetryClock (common/retry.h) for tests. Time moves only when the code under
// test sleeps, so no test waits; every sleep is recorded.
//
// Thread-safety: one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "common/retry.h"

namespace binlake::testing {

class FakeRetryClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  bool SleepFor(std::chrono::milliseconds d) override {
    sleeps.push_back(d);
    now_ += d;
    return !interrupt_at || sleeps.size() < static_cast<size_t>(interrupt_at);
  }

  std::vector<std::chrono::milliseconds> sleeps;
  int interrupt_at = 0;  // the n-th sleep (1-based) reports an interruption; 0 = never

 private:
  std::chrono::steady_clock::time_point now_{};
};

}  // namespace binlake::testing
