#include "source/replica_server_id.h"

namespace binlake {

uint32_t DefaultReplicaServerId(std::string_view task_key) {
  // FNV-1a (64-bit), folded into [2^30, 2^32 - 1).
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : task_key) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  constexpr uint64_t kLow = uint64_t{1} << 30;
  constexpr uint64_t kSpan = (uint64_t{1} << 32) - 1 - kLow;
  return static_cast<uint32_t>(kLow + (h ^ (h >> 32)) % kSpan);
}

uint32_t ReplicaServerId(uint32_t configured, std::string_view task_key) {
  return configured != 0 ? configured : DefaultReplicaServerId(task_key);
}

}  // namespace binlake
