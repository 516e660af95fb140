// Whether a server holds every transaction a recorded GTID position covers: the check before CDC
// continues on a server other than the one its checkpoint was taken on (a promoted replica),
// docs/COMMIT-PROTOCOL.md, "Failover". A server that lacks some of them has diverged from the
// history already written to the target (an errant or lagging replica): continuing there would
// lose those transactions' changes, or mix two histories.
//
// MySQL (https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html): the recorded
//   set is a gtid_executed-style set; the server must hold all of it in @@GLOBAL.gtid_executed
//   (MySqlGtidSet::Contains). What it lacks is the set difference, in canonical text.
// MariaDB (https://mariadb.com/kb/en/gtid/): the recorded position is a gtid_binlog_pos-style
//   list, the last GTID D-S-N of each domain. The server must have D-S-N in its binlog (CDC reads
//   the binlog, not the tables). @@GLOBAL.gtid_binlog_state holds, per domain *and server_id*,
//   the last sequence number the binlog has ("d-s-n,..." with several entries per domain):
//   D-S-N is there when the entry for (D, S) has a sequence number >= N, because with
//   gtid_strict_mode sequence numbers only increase within a domain, so a binlog holding D-S-M
//   (M >= N) also holds D-S-N. Comparing per domain only (gtid_binlog_pos / gtid_current_pos,
//   whatever server wrote the domain's last GTID) is wrong: a replica promoted before it received
//   0-1-96..0-1-100 logs 0-2-96, 0-2-97, ... itself and would seem to cover 0-1-100.
//   Without gtid_strict_mode a server may log a domain's sequence numbers out of order; the check
//   then assumes what MariaDB replication itself assumes.
//
// Pure functions; kInvalidArgument (one line) for text that is not a set / list / state.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::binlog {

// The transactions of `recorded` (a MySQL GTID set) missing from `gtid_executed`, as a canonical
// set text; "" when the server has them all.
Result<std::string> MissingMySqlGtids(std::string_view recorded, std::string_view gtid_executed);

// The GTIDs of `recorded` (a MariaDB GTID list) missing from the binlog whose
// @@gtid_binlog_state is `binlog_state`, each with what that binlog has instead, joined by "; "
// ("0-1-100 (the binlog has server 1's domain 0 up to 0-1-90)"); "" when none is missing.
Result<std::string> MissingMariaGtids(std::string_view recorded, std::string_view binlog_state);

}  // namespace binlake::binlog
