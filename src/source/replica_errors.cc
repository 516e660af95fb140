#include "source/replica_errors.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <string>

#include "source/mysql_connection.h"

namespace binlake {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The source ended this stream because a newer one with the same server_id started. binlake
// derives the server_id from the task, so that is most often a second instance of this task.
Status SameServerId(const std::string& source, const std::string& server_says) {
  return PreconditionFailed(
      "another binlake instance of this task, or another replica with the same server_id, took "
      "over the binlog stream of " +
      source + server_says +
      ": stopping; run one binlake instance per task, and give each task its own "
      "source.server_id");
}

}  // namespace

Status DumpErrorToStatus(unsigned int error_number, std::string_view message,
                         const StreamStart& start, const ConnectionConfig& connection) {
  const std::string source = connection.Describe();
  const std::string server_says = " (the source says: " + std::string(message) + ")";
  switch (error_number) {
    case ER_SLAVE_SAME_ID:
      // MariaDB: a newer dump with this server_id took the stream over (KILL_SLAVE_SAME_ID).
      return SameServerId(source, server_says);
    case ER_MASTER_FATAL_ERROR_READING_BINLOG:
    case ER_MASTER_HAS_PURGED_REQUIRED_GTIDS:
      if (Contains(message, "Could not find first log file name")) {
        return PreconditionFailed("binlog file " + start.file + " is no longer on the source " +
                                  source + " (purged, or never existed)" + server_says +
                                  ": the changes after " + start.ToString() +
                                  " cannot be read; run a new full load");
      }
      if (Contains(message, "same server_uuid") || Contains(message, "same server_id")) {
        return SameServerId(source, server_says);
      }
      if (start.kind != StreamStart::Kind::kFilePosition &&
          (Contains(message, "GTID") || Contains(message, "gtid") ||
           error_number == ER_MASTER_HAS_PURGED_REQUIRED_GTIDS)) {
        return PreconditionFailed("the source " + source + " cannot stream from " +
                                  start.ToString() + server_says +
                                  ": its binlog no longer holds (or never held) that position; "
                                  "run a new full load");
      }
      return PreconditionFailed("the source " + source + " cannot send its binlog from " +
                                start.ToString() + server_says);
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_ERROR:
      if (Contains(message, "REPLICATION SLAVE")) {
        return PermissionDenied("user " + connection.user +
                                " lacks the REPLICATION SLAVE privilege needed to read the binlog"
                                " (GRANT REPLICATION SLAVE ON *.* TO '" +
                                connection.user + "'@'...')" + server_says);
      }
      return PermissionDenied("reading the binlog of " + source + ": " + std::string(message));
    case CR_SERVER_LOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case CR_CONNECTION_ERROR:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_QUERY_INTERRUPTED:
    case ER_NET_READ_ERROR:
    case ER_NET_ERROR_ON_WRITE:
    case ER_ABORTING_CONNECTION:
    case ER_NEW_ABORTING_CONNECTION:
      return NetworkError("lost the binlog stream from " + source + " (" + std::string(message) +
                          "): reconnect from the last committed position");
    default:
      return MysqlErrorToStatus(error_number, message,
                                "reading the binlog of " + source + " from " + start.ToString());
  }
}

}  // namespace binlake
