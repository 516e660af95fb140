// What an error of the source means for a replication stream: the error numbers a source sends
// for a binlog dump (in an ERR packet, before or while streaming) and the client errors of a
// lost connection, mapped to one-line Statuses that say what to do.
//
//   purged start file / GTID not in the binlog      kPreconditionFailed, "run a new full load"
//   another replica with the same server_id (a      kPreconditionFailed, "another binlake
//   second instance of the task, most often)        instance of this task, or another
//                                                   replica ...", naming source.server_id
//   other fatal binlog read errors                  kPreconditionFailed with the server's text
//   missing REPLICATION SLAVE                       kPermissionDenied naming the GRANT
//   lost connection, shutdown, kill, net errors     kNetworkError (retryable: reconnect from the
//                                                   last committed position)
//   anything else                                   MysqlErrorToStatus (mysql_connection.h)
// Error numbers: include/mysqld_error.h and include/errmsg.h of MariaDB Connector/C; the texts
// matched are those MariaDB 10.11 and MySQL 8 send. Messages name the source by
// ConnectionConfig::Describe (never its password).
//
// Pure function; no threading concerns.
#pragma once

#include <string_view>

#include "common/status.h"
#include "source/connection_config.h"
#include "source/stream_start.h"

namespace binlake {

// Maps an error the source returned for the dump (or while streaming) from `start` to a
// one-line Status (see the table above).
Status DumpErrorToStatus(unsigned int error_number, std::string_view server_message,
                         const StreamStart& start, const ConnectionConfig& connection);

}  // namespace binlake
