// CDC pre-flight: before streaming the binlog, find out whether the source can serve it to this
// user from the requested start, and say precisely what to change when it cannot
// (README.md, "What the source needs").
//
// Checks, each problem one line:
//   errors    log_bin on; binlog_format=ROW and binlog_row_image=FULL (with the SET GLOBAL to
//             run); the grants REPLICATION SLAVE (read the binlog) and REPLICATION CLIENT —
//             MariaDB 10.5+: BINLOG MONITOR — (SHOW BINARY LOGS); the start file still listed
//             by SHOW BINARY LOGS and the start position inside it, or for a MariaDB GTID start,
//             no domain older than the oldest binlog (BINLOG_GTID_POS of its head) nor ahead of
//             gtid_binlog_pos; a replica server_id different from the source's own.
//   warnings  binlog_row_metadata not FULL; a grant that could not be confirmed because the user
//             holds roles (the dump itself will tell).
//   info      binlog retention (binlog_expire_logs_seconds / expire_logs_days), checksum,
//             the oldest binlog still on the source.
// Grants are read from SHOW GRANTS (global privileges on *.*); SHOW BINARY LOGS is also tried,
// so a missing REPLICATION CLIENT / BINLOG MONITOR is found by doing.
//
// Thread-safety: uses `conn` on the caller's thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "source/binlog_stream.h"
#include "source/mysql_connection.h"
#include "source/preflight.h"

namespace binlake {

struct BinaryLogFile {
  std::string name;
  uint64_t size = 0;
};

struct CdcPreflightReport {
  ServerSettings server;
  std::string binlog_checksum;         // CRC32 / NONE
  std::vector<BinaryLogFile> binlogs;  // SHOW BINARY LOGS, oldest first (empty if not readable)
  int64_t retention_seconds = -1;      // 0 = never purged automatically; -1 = unknown
  std::vector<Status> errors;          // each one line, with its own code
  std::vector<std::string> warnings;
  std::vector<std::string> info;

  bool ok() const { return errors.empty(); }
  // The first error, or OK.
  Status FirstError() const { return errors.empty() ? Status::Ok() : errors.front(); }
};

// Runs the checks for streaming from `start` as replica `replica_server_id` (0: not checked).
// Fails only when the server cannot be queried at all; problems go into the report.
Result<CdcPreflightReport> CheckForCdc(MysqlConnection& conn, const StreamStart& start,
                                       uint32_t replica_server_id);

// Global privileges (granted ON *.*) named by SHOW GRANTS lines, upper case, e.g.
// "REPLICATION SLAVE", "ALL PRIVILEGES". `has_roles` is set when a line grants a role.
struct GlobalGrants {
  std::set<std::string> privileges;
  bool has_roles = false;
  bool Has(const std::string& privilege) const {
    return privileges.count("ALL PRIVILEGES") > 0 || privileges.count(privilege) > 0;
  }
};
GlobalGrants ParseGlobalGrants(const std::vector<std::string>& show_grants_lines);

}  // namespace binlake
