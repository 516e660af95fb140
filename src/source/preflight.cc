#include "source/preflight.h"

#include <charconv>

#include "common/ascii.h"

namespace binlake {
namespace {}  // namespace

Result<ServerSettings> ReadServerSettings(MysqlConnection& conn) {
  ServerSettings s;
  s.version = conn.server_version();
  s.is_mariadb = conn.is_mariadb();
  ASSIGN_OR_RETURN(auto log_bin, conn.QueryValue("SELECT @@GLOBAL.log_bin"));
  s.log_bin = log_bin.value_or("0") == "1" || AsciiUpper(log_bin.value_or("")) == "ON";
  s.binlog_format = AsciiUpper(conn.GlobalVariable("binlog_format"));
  s.binlog_row_image = AsciiUpper(conn.GlobalVariable("binlog_row_image"));
  s.binlog_row_metadata = AsciiUpper(conn.GlobalVariable("binlog_row_metadata"));
  s.gtid_mode = s.is_mariadb ? "mariadb" : AsciiUpper(conn.GlobalVariable("gtid_mode"));
  std::string id = conn.GlobalVariable("server_id");
  std::from_chars(id.data(), id.data() + id.size(), s.server_id);
  return s;
}

Result<PreflightReport> CheckForFullLoad(MysqlConnection& conn,
                                         const std::vector<TableSchema>& tables, bool require_cdc) {
  PreflightReport report;
  ASSIGN_OR_RETURN(report.server, ReadServerSettings(conn));
  const ServerSettings& s = report.server;
  std::vector<std::string>& cdc = require_cdc ? report.errors : report.warnings;
  if (!s.log_bin) {
    cdc.push_back(
        "the binary log is off (log_bin=OFF): no CDC start position can be recorded; "
        "start the server with log-bin");
  } else {
    if (s.binlog_format != "ROW") {
      cdc.push_back("binlog_format is " + s.binlog_format +
                    ", CDC needs ROW: SET GLOBAL binlog_format=ROW (and in the server config)");
    }
    if (!s.binlog_row_image.empty() && s.binlog_row_image != "FULL") {
      cdc.push_back("binlog_row_image is " + s.binlog_row_image +
                    ", CDC needs FULL: SET GLOBAL binlog_row_image=FULL");
    }
    if (!s.binlog_row_metadata.empty() && s.binlog_row_metadata != "FULL") {
      report.warnings.push_back("binlog_row_metadata is " + s.binlog_row_metadata +
                                "; FULL is strongly preferred (column names and types in every "
                                "table map): SET GLOBAL binlog_row_metadata=FULL");
    }
  }
  // SELECT on every table, checked by doing it: covers global, schema, table and role grants.
  for (const TableSchema& t : tables) {
    std::string sql =
        "SELECT 1 FROM " + QuoteIdentifier(t.schema) + "." + QuoteIdentifier(t.table) + " LIMIT 0";
    Status st = conn.Execute(sql);
    if (st.code() == StatusCode::kPermissionDenied) {
      report.errors.push_back("user " + conn.config().user + " lacks SELECT on " + t.schema + "." +
                              t.table + " (GRANT SELECT ON `" + t.schema + "`.* TO the user)");
    } else if (!st.ok()) {
      report.errors.push_back("cannot read " + t.schema + "." + t.table + ": " + st.message());
    }
  }
  return report;
}

}  // namespace binlake
