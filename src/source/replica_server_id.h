// The server_id binlake announces as a replica (COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID carry
// it; https://mariadb.com/kb/en/com_binlog_dump/). Two replicas with the same id evict each other
// on the source (it ends the older dump), so every binlake task needs its own: a configured id,
// or one derived from the task's identity.
//
// Pure functions; no threading concerns.
#pragma once

#include <cstdint>
#include <string_view>

namespace binlake {

// Default replica server_id for a task: a hash of `task_key` in [2^30, 2^32 - 1), clear of the
// small ids (1, 2, 100...) people give real servers. Stable for a task across restarts (so a
// restarted task replaces its own old dump connection instead of competing with it) and distinct
// between tasks with overwhelming probability (1 in ~3e9 per pair). The hash is FNV-1a (64 bits)
// folded to 32; changing it would make every running task compete once with its old self.
uint32_t DefaultReplicaServerId(std::string_view task_key);

// The id a stream uses: `configured` unless it is 0 (not set), then DefaultReplicaServerId.
uint32_t ReplicaServerId(uint32_t configured, std::string_view task_key);

}  // namespace binlake
