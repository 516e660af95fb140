// ConsistentSnapshot: puts several connections into transactions that all see the same
// committed data, and finds the binlog position of that point, so the full load is one
// point-in-time image and CDC can start exactly after it (no gap, no duplicate).
//
// Methods (SnapshotMethod):
//  - kMariaDbLockFree (MariaDB, binlog on): every connection runs START TRANSACTION WITH
//    CONSISTENT SNAPSHOT and reads binlog_snapshot_file/position. MariaDB guarantees that a
//    snapshot sees exactly the transactions binlogged before that position, so snapshots with
//    equal positions see identical data. Connections whose position is behind the newest are
//    re-opened until all agree; no lock is ever taken. Under a write load too heavy to agree
//    within the attempt budget, falls back to kFlushTablesWithReadLock if permitted.
//  - kFlushTablesWithReadLock (MySQL; MariaDB fallback): FLUSH TABLES WITH READ LOCK on a
//    control connection, open all snapshots, read the position, UNLOCK TABLES. The lock is held
//    only while the snapshots open (milliseconds). Needs RELOAD.
//  - kLockTables (when FTWRL is refused, e.g. managed servers): LOCK TABLES ... READ on all
//    selected tables instead, same sequence. Needs LOCK TABLES.
//  - kSingleConnection: last resort; one connection reads everything (still one snapshot).
//
// Thread-safety: call from one thread; it uses the given connections' threads internally.
#pragma once

#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/schema.h"
#include "common/status.h"
#include "source/mysql_connection.h"

namespace binlake {

enum class SnapshotMethod {
  kAuto,
  kMariaDbLockFree,
  kFlushTablesWithReadLock,
  kLockTables,
  kSingleConnection,
};
std::string_view SnapshotMethodName(SnapshotMethod m);

struct SnapshotResult {
  SnapshotMethod method = SnapshotMethod::kAuto;
  binlog::BinlogPosition position;  // empty if the binlog is off
  int connections_used = 0;         // may be less than requested (kSingleConnection fallback)
  int attempts = 0;                 // lock-free rounds needed
};

// Opens snapshots on `workers` (at least one), using `control` for locks and status queries.
// `tables` are the tables that will be read (for LOCK TABLES). On success every worker
// connection with index < connections_used is inside a read-only snapshot transaction.
Result<SnapshotResult> OpenConsistentSnapshot(MysqlConnection& control,
                                              const std::vector<MysqlConnection*>& workers,
                                              const std::vector<TableSchema>& tables,
                                              SnapshotMethod requested);

// Reads the binlog position and GTID set of the server now (SHOW MASTER STATUS and friends).
Result<binlog::BinlogPosition> ReadCurrentBinlogPosition(MysqlConnection& conn);

}  // namespace binlake
