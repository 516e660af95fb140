// Where a replication stream resumes on the server it is about to be opened on, given the
// position binlake recorded (a CDC checkpoint's, or a full load's snapshot), and whether that
// server may be used at all: the failover rule of docs/COMMIT-PROTOCOL.md ("Failover").
//
// The server (ReadSourceServer):
//   identity  "server_id=N" on MariaDB (@@server_id), "server_uuid=U" on MySQL (@@server_uuid,
//             https://dev.mysql.com/doc/refman/8.4/en/replication-options.html). Recorded in
//             every position (binlog::BinlogPosition::server) so a resume can tell the server a
//             file:position belongs to.
//   gtids     whether every transaction of its binlog has a GTID: MariaDB always (10.0+,
//             https://mariadb.com/kb/en/gtid/); MySQL when @@gtid_mode is ON (the PERMISSIVE
//             modes mix in anonymous transactions, which no GTID set names).
//   executed  MariaDB @@gtid_binlog_state (the last sequence number per domain and server_id in
//             its binlog), MySQL @@gtid_executed.
//   read_only @@read_only: a read-only server is taken for a replica that may still catch up.
//
// The rule (PlanResume), for a recorded position P:
//   1. P has a GTID set binlake trusts to be complete (P names its server, or P has no file: a
//      --start-gtid start), the server has GTIDs, and the set is of the server's flavour:
//      resume after the set, whether the server is P's or another one: MariaDB with
//      @slave_connect_state = the list, MySQL with COM_BINLOG_DUMP_GTID (stream_start.h). GTIDs
//      are preferred even on P's own server, as Debezium and Flink CDC do: one way of resuming
//      that every restart exercises (not a path run only on the day of a failover), and no
//      trust in an identity that two servers may share (Galera nodes commonly share server_id;
//      a cloned server keeps its server_uuid). The server then scans from the head of the file
//      holding the GTID: well under a second per GB of binlog, once per (re)connect.
//      Before that, the server must hold every transaction of the set
//      (binlog/gtid_coverage.h). When it lacks some:
//        - a writable server (read_only=OFF) diverged from the history already written (a
//          replica promoted before it got them, or errant writes): kPreconditionFailed
//          "the source ... lacks transactions the checkpoint already covers: ... (diverged or
//          errant server); ...". CDC stops and writes nothing.
//        - a read-only one is a replica that may still catch up: kNetworkError (retryable), so
//          the caller tries the next host and waits with backoff; after its deadline the same
//          message stops CDC.
//   2. Otherwise by file:position (COM_BINLOG_DUMP), which means something only on P's server:
//      P naming another server is kPreconditionFailed ("... cannot continue on another server
//      without GTIDs ..."). A P that names no server (state written before binlake recorded
//      servers) is trusted as it always was; the pre-flight checks the file and offset.
//   `prefer_file_position` makes a P whose server is this one resume by file:position even with
//   GTIDs: the first stream of an explicit --start-position / --start-time, taken literally.
//
// Thread-safety: ReadSourceServer uses `conn` on the caller's thread; PlanResume is pure.
#pragma once

#include <string>
#include <string_view>

#include "binlog/binlog_position.h"
#include "common/status.h"
#include "source/mysql_connection.h"
#include "source/stream_start.h"

namespace binlake {

struct SourceServer {
  bool is_mariadb = false;
  std::string identity;  // "server_id=N" / "server_uuid=U"
  bool log_bin = false;
  bool gtids = false;    // every transaction has a GTID (MariaDB; MySQL gtid_mode=ON)
  std::string executed;  // MariaDB @@gtid_binlog_state, MySQL @@gtid_executed (one line)
  bool read_only = false;
};

Result<SourceServer> ReadSourceServer(MysqlConnection& conn);

// The GTID position at `file`:`position` of a MariaDB server's binlog (BINLOG_GTID_POS,
// https://mariadb.com/kb/en/binlog_gtid_pos/): the list to resume after when CDC started at that
// file:position without one. kNotFound when the server cannot tell (the file is not there).
Result<std::string> MariaDbGtidPositionAt(MysqlConnection& conn, const binlog::BinlogPosition& at);

struct ResumePlan {
  StreamStart start;
  bool by_gtid = false;
  bool other_server = false;  // the recorded position was taken on another server
};

// The rule above. `recorded` is where binlake resumes; `what` names it in messages ("the
// checkpoint", "the full load's snapshot"); `source` describes the server
// (ConnectionConfig::Describe).
Result<ResumePlan> PlanResume(const binlog::BinlogPosition& recorded, std::string_view what,
                              const SourceServer& server, std::string_view source,
                              bool prefer_file_position = false);

}  // namespace binlake
