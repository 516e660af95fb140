// Sharding and per-epoch shuffling (epoch_plan.h).
#include "pipe/epoch_plan.h"

#include <numeric>
#include <random>
#include <utility>

namespace binlake::pipe {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

namespace {

// Uniform in [0, bound] from the engine's full 64-bit outputs, without modulo bias.
uint64_t UniformUpTo(std::mt19937_64& engine, uint64_t bound) {
  const uint64_t range = bound + 1;  // bound < n <= SIZE_MAX, so no overflow to 0 here
  const uint64_t threshold = (0 - range) % range;  // 2^64 mod range
  uint64_t r;
  do {
    r = engine();
  } while (r < threshold);
  return r % range;
}

}  // namespace

std::vector<size_t> ShuffledOrder(size_t n, int64_t seed, uint64_t epoch) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 engine(SplitMix64(static_cast<uint64_t>(seed) ^ SplitMix64(epoch)));
  for (size_t i = n; i > 1; --i) {
    size_t j = static_cast<size_t>(UniformUpTo(engine, i - 1));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<size_t> EpochItems(size_t n, std::optional<int64_t> shuffle_seed,
                               Distribution distribution, HostPlacement host, uint64_t epoch) {
  std::vector<size_t> order;
  if (shuffle_seed) {
    order = ShuffledOrder(n, *shuffle_seed, epoch);
  } else {
    order.resize(n);
    std::iota(order.begin(), order.end(), size_t{0});
  }
  if (distribution == Distribution::kFullyReplicated || host.count <= 1) return order;
  std::vector<size_t> shard;
  shard.reserve(n / host.count + 1);
  for (size_t p = host.index; p < n; p += host.count) shard.push_back(order[p]);
  return shard;
}

Status CheckShards(size_t n, Distribution distribution, HostPlacement host,
                   const std::string& what) {
  if (distribution != Distribution::kShardedByS3Key || n >= host.count) return Status::Ok();
  return PreconditionFailed(what + " has " + std::to_string(n) + " item(s) for " +
                            std::to_string(host.count) +
                            " hosts: ShardedByS3Key would leave host " +
                            std::to_string(host.index) + (host.index < n ? " or another" : "") +
                            " an empty shard; use fewer hosts or split the data into more objects");
}

}  // namespace binlake::pipe
