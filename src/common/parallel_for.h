// ParallelFor: runs fn(0..n-1) on up to `width` threads (the calling thread takes part) and
// returns when all are done. For a few blocking round trips at once (a commit's files); fn(i)
// must touch only item i's state. Starts threads per call: not for fine-grained work.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace binlake {

inline void ParallelFor(size_t n, size_t width, const std::function<void(size_t)>& fn) {
  if (n <= 1 || width <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < std::min(n, width); ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
}

}  // namespace binlake
