// StreamStart: where a replication stream (source/binlog_stream.h) starts, and the checks a start
// passes before any connection is made and once the source's flavour is known.
//
// Three kinds of start:
//   file:position   both flavours, COM_BINLOG_DUMP (https://mariadb.com/kb/en/com_binlog_dump/);
//                   the position is an event boundary, at least binlog::kFirstEventPosition (4)
//                   and below 4 GiB (the command's start position is 32 bits wide).
//   MariaDB GTID    a gtid_binlog_pos-style list "domain-server-seq,...": the transactions after
//                   those (sent as @slave_connect_state;
//                   https://mariadb.com/kb/en/gtid/#using-current_pos-vs-slave_pos).
//   MySQL GTID set  a gtid_executed-style set "uuid:1-5:7:tag:1-3,uuid2:1-3" (binlog/gtid_set.h):
//                   every transaction not in it, COM_BINLOG_DUMP_GTID (mysql_gtid_dump.h).
// GTID text is parsed by the binlog stage's one parser of each flavour (binlog::MariaGtidList,
// binlog::MySqlGtidSet); nothing here parses GTIDs itself.
//
// Values and pure functions; no threading concerns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

// Where the stream starts.
struct StreamStart {
  enum class Kind {
    kFilePosition,  // file:position, both flavours (COM_BINLOG_DUMP)
    kMariaDbGtid,   // MariaDB GTID list "domain-server-seq,...": start after those transactions
    // MySQL GTID set "uuid:1-5:7:tag:1-3,uuid2:1-3" (gtid_executed form, tagged GTIDs of MySQL
    // 8.3+ included; binlog/gtid_set.h): every transaction not in the set (COM_BINLOG_DUMP_GTID,
    // mysql_gtid_dump.h). MySQL sources only. Empty = the whole binlog history.
    kMySqlGtidSet,
  };
  Kind kind = Kind::kFilePosition;
  std::string file;       // kFilePosition
  uint64_t position = 4;  // kFilePosition: offset of the first event to send (an event boundary)
  std::string gtid;       // kMariaDbGtid / kMySqlGtidSet

  static StreamStart At(std::string file, uint64_t position);
  static StreamStart AfterMariaDbGtid(std::string gtid_list);
  static StreamStart AfterMySqlGtidSet(std::string gtid_set);
  // "binlog.000003:4711", "GTID 0-1-100,1-2-7" or "GTID 3e11fa47-...:1-5".
  std::string ToString() const;
};

// Checks a MariaDB GTID list "d-s-n[,d-s-n...]" (gtid_binlog_pos form, one GTID per domain;
// empty = from the start of the binlog history) with binlog::MariaGtidList::Parse.
// kInvalidArgument names the bad element.
Status ValidateMariaDbGtidList(std::string_view gtid_list);

// The checks before connecting: a file:position start needs a file and a position of at least 4
// (kInvalidArgument) below 4 GiB (kUnsupported: COM_BINLOG_DUMP cannot say more); GTID text must
// parse in its flavour (kInvalidArgument, "binlog start: ..." for a MySQL set). One line each.
Status ValidateStreamStart(const StreamStart& start);

// The check once connected: a MariaDB GTID start needs a MariaDB source and a MySQL GTID set a
// MySQL one (kInvalidArgument naming both, and for MariaDB the forms it takes); a file:position
// start suits both. `source` describes the source (ConnectionConfig::Describe) and
// `server_version` is its version string.
Status CheckStartSuitsSource(const StreamStart& start, bool source_is_mariadb,
                             std::string_view source, std::string_view server_version);

}  // namespace binlake
