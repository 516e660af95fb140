// BinlogPosition: one place in a source's binary log, the one position type of binlake (the
// snapshot a full load recorded, where CDC starts and resumes, a checkpoint, --start-position
// and --stop-at, the stream cursor, the resume point a PositionTracker keeps).
//
// A position is a binlog file, the byte offset of the next event in it and, when known, the GTID
// set executed up to there and the server whose binlog the file is. Offsets are bytes from the
// start of the file; the first event of a file is at 4 (kFirstEventPosition, after the 4-byte
// magic 0xfe 'b' 'i' 'n'; https://mariadb.com/kb/en/2-binlog-event-header/). A file:offset
// means something only on its server: after a failover (a promoted replica, another Galera
// node, an RDS replica) the same transactions sit in other files at other offsets, and only the
// GTID set still names them (docs/COMMIT-PROTOCOL.md, "Failover"). The default-constructed
// position is "no position": file "" and position 0 (never an event offset), as full_load.json
// records a snapshot taken with the binlog off. Code that means "the start of a file" says 4
// explicitly.
//
// Ordering (AtOrAfter): positions in the same file compare by offset; positions in different
// files by the files' numeric suffixes ("binlog.000009" < "binlog.000010", as the source numbers
// them), then by offset when the suffixes are equal (e.g. the base name changed). The GTID set
// and the server take no part in it.
//
// Value type; pure functions; no threading concerns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::binlog {

// Offset of the first event in a binlog file (after the file magic).
inline constexpr uint64_t kFirstEventPosition = 4;

struct BinlogPosition {
  std::string file;       // e.g. "binlog.000003"; empty = no position (binlog off, not known)
  uint64_t position = 0;  // byte offset of the next event in `file`; 0 with no file
  // The GTID set executed at this position: MySQL "uuid:1-5,uuid2:1-3" (gtid_executed form) or
  // MariaDB "domain-server-seq,..." (gtid_binlog_pos form). Empty when GTIDs are not in use or
  // not known (e.g. PositionTracker::last_commit()).
  std::string gtid_set;
  // The server whose binlog `file` is: "server_id=N" (MariaDB @@server_id) or "server_uuid=U"
  // (MySQL @@server_uuid); source/resume_plan.h reads it. Empty = not recorded (state written
  // before binlake recorded it, or a position typed by a user). A position that names its
  // server carries the complete executed GTID set at that point, or none at all (never a part).
  std::string server{};  // (initialised: aggregate initialisers may leave it out)

  bool empty() const { return file.empty(); }
  // "binlog.000003:4711" (the GTID set is not part of it).
  std::string ToString() const { return file + ":" + std::to_string(position); }
  bool operator==(const BinlogPosition&) const = default;
};

// Parses "binlog.000003:4711" (--start-position / --stop-at); the last ':' separates, so a file
// name may hold one. kInvalidArgument (one line, "expected FILE:POSITION") unless the text is
// FILE:POSITION with a non-empty file and a decimal position of at least kFirstEventPosition.
Result<BinlogPosition> ParseFilePosition(std::string_view text);

// "binlog.000042" -> 42 (0 if the name has no numeric suffix after its last '.').
uint64_t BinlogFileNumber(std::string_view file);

// True when `a` is at or after `b` in the binlog (see the ordering above). Ignores gtid_set.
bool AtOrAfter(const BinlogPosition& a, const BinlogPosition& b);

}  // namespace binlake::binlog
