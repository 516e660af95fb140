// How many bytes of binlog the source holds after a position: the backlog a replica still has to
// read, from `SHOW BINARY LOGS` (file name and size of every binlog the source keeps; needs the
// REPLICATION CLIENT privilege, BINLOG MONITOR on MariaDB 10.5+, which binlake asks for anyway).
//   https://mariadb.com/kb/en/show-binary-logs/
//   https://dev.mysql.com/doc/refman/8.0/en/show-binary-logs.html
// The backlog after FILE:POS is the rest of FILE (its size - POS) plus every later file's size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "source/mysql_connection.h"

namespace binlake {

// From the rows of SHOW BINARY LOGS (Log_name, File_size[, Encrypted]). kNotFound when `file`
// is not among them (purged, or another server's), kCorruption for a row that is not a name and
// a size.
Result<uint64_t> BinlogBytesAfter(const std::vector<TextRow>& binary_logs, const std::string& file,
                                  uint64_t position);

// Runs SHOW BINARY LOGS on `connection` and computes the same.
Result<uint64_t> QueryBinlogBytesAfter(MysqlConnection& connection, const std::string& file,
                                       uint64_t position);

}  // namespace binlake
