// Which items (objects, manifest entries, augmented-manifest lines) a host serves in an epoch,
// and in what order (docs/PIPE.md, "Sharding and shuffling"):
//
// 1. The channel's items in their base order: S3Prefix objects sorted by key, a manifest's
//    entries and an augmented manifest's lines in file order.
// 2. With a shuffle seed, that list is permuted afresh for every epoch (as SageMaker shuffles at
//    the start of every epoch, before sharding, so an item may go to another host next epoch):
//    std::mt19937_64 seeded with SplitMix64(seed XOR SplitMix64(epoch)), then a Fisher-Yates
//    shuffle (i from n-1 down to 1, swap i with j uniform in [0, i]) whose uniform draw is our
//    own (rejection of the 2^64 mod (i+1) lowest outputs, then modulo), so the order depends only
//    on the seed and the epoch, never on the C++ library's distributions.
// 3. ShardedByS3Key: the item at position p of that list goes to host p % host_count.
//    FullyReplicated: every host serves the whole list.
//
// Every host computes the same permutation, so in each epoch the shards partition the channel.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "pipe/channel_config.h"

namespace binlake::pipe {

uint64_t SplitMix64(uint64_t x);

// A permutation of 0..n-1 for (seed, epoch), as described above.
std::vector<size_t> ShuffledOrder(size_t n, int64_t seed, uint64_t epoch);

// The item indices (into the base order) this host serves in `epoch`, in serving order.
std::vector<size_t> EpochItems(size_t n, std::optional<int64_t> shuffle_seed,
                               Distribution distribution, HostPlacement host, uint64_t epoch);

// kPreconditionFailed when sharding `n` items over the hosts leaves some host nothing (fewer items
// than hosts): SageMaker's advice, fewer hosts or more objects. `what` names the channel.
Status CheckShards(size_t n, Distribution distribution, HostPlacement host,
                   const std::string& what);

}  // namespace binlake::pipe
