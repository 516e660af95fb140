// Pre-flight checks: before any work, find out whether the source is usable and say precisely
// what is missing (README.md, "What the source needs").
#pragma once

#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "source/mysql_connection.h"

namespace binlake {

struct ServerSettings {
  std::string version;
  bool is_mariadb = false;
  bool log_bin = false;
  std::string binlog_format;        // ROW, STATEMENT, MIXED
  std::string binlog_row_image;     // FULL, MINIMAL, NOBLOB
  std::string binlog_row_metadata;  // FULL, MINIMAL, NO_LOG (MariaDB), empty if unknown
  std::string gtid_mode;            // MySQL: ON/OFF...; MariaDB: "mariadb"
  uint64_t server_id = 0;
};

struct PreflightReport {
  ServerSettings server;
  std::vector<std::string> warnings;  // CDC-readiness problems, each one actionable line
  std::vector<std::string> errors;    // problems the requested work cannot survive
  bool ok() const { return errors.empty(); }
};

Result<ServerSettings> ReadServerSettings(MysqlConnection& conn);

// Checks for a full load of `tables`: SELECT on every table (errors), plus the binlog settings
// CDC will need (warnings, or errors when `require_cdc`).
Result<PreflightReport> CheckForFullLoad(MysqlConnection& conn,
                                         const std::vector<TableSchema>& tables, bool require_cdc);

}  // namespace binlake
