// A position in the source's binary log: where CDC starts after a snapshot.
#pragma once

#include <cstdint>
#include <string>

namespace binlake {

struct BinlogPosition {
  std::string file;       // e.g. "binlog.000003"; empty when the binlog is off
  uint64_t position = 0;  // byte offset of the next event in `file`
  // The GTID set executed at this position: MySQL "uuid:1-5,uuid2:1-3" or MariaDB
  // "domain-server-seq,..." (gtid_binlog_pos form). Empty when GTIDs are not in use.
  std::string gtid_set;

  bool empty() const { return file.empty(); }
  std::string ToString() const { return file + ":" + std::to_string(position); }
  bool operator==(const BinlogPosition&) const = default;
};

}  // namespace binlake
