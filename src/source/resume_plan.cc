#include "source/resume_plan.h"

#include <algorithm>
#include <cctype>

#include "binlog/gtid_coverage.h"
#include "common/ascii.h"

namespace binlake {
namespace {

bool IsOn(const std::optional<std::string>& v) {
  return v && (*v == "1" || AsciiUpper(*v) == "ON");
}

// A MySQL set has ':' (uuid:interval); a MariaDB list never has.
bool IsMySqlSet(std::string_view gtid_set) { return gtid_set.find(':') != std::string_view::npos; }

}  // namespace

Result<SourceServer> ReadSourceServer(MysqlConnection& conn) {
  SourceServer s;
  s.is_mariadb = conn.is_mariadb();
  const char* sql = s.is_mariadb ? "SELECT @@GLOBAL.server_id, @@GLOBAL.log_bin, 'ON', "
                                   "@@GLOBAL.gtid_binlog_state, @@GLOBAL.read_only"
                                 : "SELECT @@GLOBAL.server_uuid, @@GLOBAL.log_bin, "
                                   "@@GLOBAL.gtid_mode, @@GLOBAL.gtid_executed, @@GLOBAL.read_only";
  ASSIGN_OR_RETURN(std::vector<TextRow> rows, conn.QueryRows(sql));
  if (rows.empty() || rows[0].size() < 5 || !rows[0][0]) {
    return Internal("reading the identity of the source " + conn.config().Describe() +
                    ": no answer");
  }
  const TextRow& r = rows[0];
  s.identity = std::string(s.is_mariadb ? "server_id=" : "server_uuid=") + *r[0];
  s.log_bin = IsOn(r[1]);
  s.gtids = r[2] && AsciiUpper(*r[2]) == "ON";
  s.executed = r[3].value_or("");
  s.executed.erase(std::remove_if(s.executed.begin(), s.executed.end(),
                                  [](char c) { return c == '\n' || c == '\r'; }),
                   s.executed.end());
  s.read_only = IsOn(r[4]);
  return s;
}

Result<std::string> MariaDbGtidPositionAt(MysqlConnection& conn, const binlog::BinlogPosition& at) {
  ASSIGN_OR_RETURN(auto v, conn.QueryValue("SELECT BINLOG_GTID_POS('" + conn.Escape(at.file) +
                                           "', " + std::to_string(at.position) + ")"));
  if (!v) return NotFound("the source has no GTID position for " + at.ToString());
  return *v;
}

Result<ResumePlan> PlanResume(const binlog::BinlogPosition& recorded, std::string_view what,
                              const SourceServer& server, std::string_view source,
                              bool prefer_file_position) {
  ResumePlan plan;
  const bool same_server = !recorded.server.empty() && recorded.server == server.identity;
  plan.other_server = !recorded.server.empty() && !same_server;
  // A GTID start (no file) is its set, even the empty one (the whole binlog history).
  const bool trusted_set =
      recorded.file.empty() || (!recorded.gtid_set.empty() && !recorded.server.empty());
  const bool flavour_fits =
      recorded.gtid_set.empty() || IsMySqlSet(recorded.gtid_set) != server.is_mariadb;
  const bool literal = prefer_file_position && same_server && !recorded.file.empty();
  if (trusted_set && server.gtids && flavour_fits && !literal) {
    Result<std::string> missing =
        server.is_mariadb ? binlog::MissingMariaGtids(recorded.gtid_set, server.executed)
                          : binlog::MissingMySqlGtids(recorded.gtid_set, server.executed);
    if (!missing.ok()) return missing.status().WithContext(std::string(what) + "'s GTID set");
    if (!missing->empty()) {
      std::string line = "the source " + std::string(source) + " (" + server.identity +
                         ") lacks transactions " + std::string(what) +
                         " already covers: " + *missing + " (diverged or errant server";
      if (server.read_only) {
        return NetworkError(line +
                            ", or a replica still catching up: it is read-only); waiting for "
                            "it, or for another host of --source, that has them");
      }
      return PreconditionFailed(line +
                                "); continuing there would lose them: point --source at a server "
                                "that has them, or run a new full load into a new target");
    }
    plan.by_gtid = true;
    plan.start = server.is_mariadb ? StreamStart::AfterMariaDbGtid(recorded.gtid_set)
                                   : StreamStart::AfterMySqlGtidSet(recorded.gtid_set);
    return plan;
  }
  if (recorded.file.empty()) {
    if (!recorded.gtid_set.empty() && !flavour_fits) {
      return InvalidArgument(std::string(what) + " is " +
                             (server.is_mariadb ? "a MySQL GTID set" : "a MariaDB GTID list") +
                             ", but the source " + std::string(source) + " is " +
                             (server.is_mariadb ? "MariaDB" : "MySQL"));
    }
    return PreconditionFailed(std::string(what) + " is a GTID position, but the source " +
                              std::string(source) +
                              " does not use GTIDs for every transaction (gtid_mode must be ON)");
  }
  if (plan.other_server) {
    std::string why = recorded.gtid_set.empty() ? "it records no GTID set"
                      : !flavour_fits           ? "its GTID set is of the other flavour"
                                                : "the source does not use GTIDs for every "
                                                  "transaction (gtid_mode must be ON)";
    const std::string where = std::string(what) + "'s position " + recorded.ToString() +
                              " is in the binlog of another server (" + recorded.server + ")";
    const std::string here = "the source " + std::string(source) + " is " + server.identity;
    return PreconditionFailed(
        where + ", and " + here + ": CDC cannot continue on another server without GTIDs (" + why +
        "); point --source at " + recorded.server + ", or run a new full load");
  }
  plan.start = StreamStart::At(recorded.file, recorded.position);
  return plan;
}

}  // namespace binlake
