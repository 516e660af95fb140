#include "source/replica_preflight.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>

#include "common/ascii.h"
#include "source/stream_start.h"

namespace binlake {
namespace {

// "10.11.6-MariaDB-log" -> 101106.
uint32_t ParseServerVersionNumber(std::string_view text) {
  uint32_t parts[3] = {0, 0, 0};
  const char* p = text.data();
  const char* end = p + text.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    auto r = std::from_chars(p, end, parts[i]);
    if (r.ec != std::errc()) break;
    p = r.ptr;
    if (p < end && *p == '.') ++p;
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

std::string Duration(int64_t seconds) {
  char buf[64];
  if (seconds % 86400 == 0) {
    std::snprintf(buf, sizeof buf, "%lld day(s)", static_cast<long long>(seconds / 86400));
  } else if (seconds >= 3600) {
    std::snprintf(buf, sizeof buf, "%.1f hours", static_cast<double>(seconds) / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(seconds));
  }
  return buf;
}

// "repl@%" (CURRENT_USER()) -> 'repl'@'%' for GRANT statements in messages.
std::string Account(MysqlConnection& conn) {
  auto v = conn.QueryValue("SELECT CURRENT_USER()");
  std::string who = v.ok() && v->has_value() ? **v : conn.config().user + "@%";
  size_t at = who.rfind('@');
  if (at == std::string::npos) return "'" + who + "'";
  return "'" + who.substr(0, at) + "'@'" + who.substr(at + 1) + "'";
}

// MariaDB GTID list "d-s-n,..." -> domain -> sequence number. Assumes a validated list.
std::map<uint64_t, uint64_t> SequenceByDomain(std::string_view list) {
  std::map<uint64_t, uint64_t> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = TrimSpacesAndTabs(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    size_t d1 = item.find('-');
    size_t d2 = item.rfind('-');
    if (d1 == std::string_view::npos || d1 == d2) continue;
    uint64_t domain = 0, seq = 0;
    std::from_chars(item.data(), item.data() + d1, domain);
    std::from_chars(item.data() + d2 + 1, item.data() + item.size(), seq);
    out[domain] = seq;
  }
  return out;
}

void CheckGrants(MysqlConnection& conn, const ServerSettings& s, CdcPreflightReport* report,
                 bool* reported_client) {
  auto rows = conn.QueryRows("SHOW GRANTS");
  if (!rows.ok()) {
    report->warnings.push_back("could not read the user's grants (" + rows.status().message() +
                               "); the binlog dump will tell whether REPLICATION SLAVE is there");
    return;
  }
  std::vector<std::string> lines;
  for (const auto& row : *rows) {
    if (!row.empty() && row[0].has_value()) lines.push_back(*row[0]);
  }
  GlobalGrants grants = ParseGlobalGrants(lines);
  const std::string account = Account(conn);
  const std::string client_name = s.is_mariadb && ParseServerVersionNumber(s.version) >= 100500
                                      ? "BINLOG MONITOR"
                                      : "REPLICATION CLIENT";
  auto missing = [&](const std::string& privilege, const std::string& why) {
    std::string line = "user " + account + " lacks " + privilege + ", needed " + why + ": GRANT " +
                       privilege + " ON *.* TO " + account;
    if (grants.has_roles) {
      report->warnings.push_back(
          "could not confirm " + privilege +
          " (the user holds roles; SHOW GRANTS lists only their names): " + line);
    } else {
      report->errors.push_back(PermissionDenied(line));
    }
  };
  if (!grants.Has("REPLICATION SLAVE")) missing("REPLICATION SLAVE", "to read the binlog");
  bool has_client =
      grants.Has("REPLICATION CLIENT") || grants.Has("BINLOG MONITOR") || grants.Has("SUPER");
  if (!has_client) {
    missing(client_name, "to list the binlogs (SHOW BINARY LOGS)");
    *reported_client = true;
  }
}

void CheckStart(MysqlConnection& conn, const StreamStart& start, CdcPreflightReport* report) {
  const std::vector<BinaryLogFile>& logs = report->binlogs;
  if (logs.empty()) return;
  const std::string oldest = "the oldest binlog on the source is " + logs.front().name;
  if (start.kind == StreamStart::Kind::kFilePosition) {
    for (const BinaryLogFile& f : logs) {
      if (f.name != start.file) continue;
      if (start.position > f.size) {
        report->errors.push_back(
            PreconditionFailed("binlog start " + start.ToString() + " is past the end of " +
                               f.name + " (" + std::to_string(f.size) +
                               " bytes): the position belongs to another server or an "
                               "older binlog history; run a new full load"));
      }
      return;
    }
    report->errors.push_back(PreconditionFailed(
        "binlog file " + start.file + " is no longer on the source (SHOW BINARY LOGS: " + oldest +
        "; it was purged, or belongs to another server): the changes after " + start.ToString() +
        " cannot be read; run a new full load"));
    return;
  }
  if (start.kind != StreamStart::Kind::kMariaDbGtid || !report->server.is_mariadb) return;
  if (!ValidateMariaDbGtidList(start.gtid).ok()) return;  // Open reports it
  // The GTID state at the head of the oldest binlog: anything at or before it is gone.
  std::map<uint64_t, uint64_t> wanted = SequenceByDomain(start.gtid);
  // A start ahead of what the source ever logged belongs to another server or history.
  auto current = conn.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos");
  if (current.ok() && current->has_value()) {
    std::map<uint64_t, uint64_t> have = SequenceByDomain(**current);
    for (const auto& [domain, seq] : wanted) {
      auto it = have.find(domain);
      if (it != have.end() && it->second >= seq) continue;
      report->errors.push_back(PreconditionFailed("binlog start " + start.ToString() +
                                                  " is not in the source's binlog history "
                                                  "(gtid_binlog_pos " +
                                                  **current +
                                                  "): it belongs to another server or an "
                                                  "older history; run a new full load"));
      return;
    }
  }
  auto head =
      conn.QueryValue("SELECT BINLOG_GTID_POS('" + conn.Escape(logs.front().name) + "', 4)");
  if (!head.ok() || !head->has_value()) return;
  for (const auto& [domain, purged_up_to] : SequenceByDomain(**head)) {
    auto it = wanted.find(domain);
    if (it != wanted.end() && it->second >= purged_up_to) continue;
    report->errors.push_back(PreconditionFailed(
        "binlog start " + start.ToString() + " is older than the source's binlog: " + oldest +
        ", which begins after GTID state " + **head + " (domain " + std::to_string(domain) +
        (it == wanted.end() ? " is not in the start position"
                            : " starts at " + std::to_string(it->second)) +
        "); the changes in between were purged; run a new full load"));
    return;
  }
}

void ReportRetention(MysqlConnection& conn, CdcPreflightReport* report) {
  std::string seconds = conn.GlobalVariable("binlog_expire_logs_seconds");
  std::string days = conn.GlobalVariable("expire_logs_days");
  int64_t secs = seconds.empty() ? 0 : std::atoll(seconds.c_str());
  const char* source = "binlog_expire_logs_seconds";
  if (secs <= 0 && !days.empty()) {
    secs = static_cast<int64_t>(std::atof(days.c_str()) * 86400);
    source = "expire_logs_days";
  }
  if (seconds.empty() && days.empty()) {
    report->info.push_back(
        "binlog retention unknown (no binlog_expire_logs_seconds or "
        "expire_logs_days)");
    return;
  }
  report->retention_seconds = secs;
  if (secs <= 0) {
    report->info.push_back(
        "binlog retention: never purged automatically (expire_logs_days=0, "
        "binlog_expire_logs_seconds=0)");
  } else {
    report->info.push_back("binlog retention: " + Duration(secs) + " (" + source +
                           "); if binlake is stopped longer, its position is purged and it "
                           "needs a new full load");
  }
}

}  // namespace

GlobalGrants ParseGlobalGrants(const std::vector<std::string>& lines) {
  GlobalGrants out;
  for (const std::string& raw : lines) {
    std::string line = AsciiUpper(raw);
    if (line.rfind("GRANT ", 0) != 0) continue;
    size_t on = line.find(" ON ");
    size_t to = line.find(" TO ");
    if (on == std::string::npos || (to != std::string::npos && to < on)) {
      out.has_roles = out.has_roles || to != std::string::npos;  // GRANT `role` TO `user`
      continue;
    }
    std::string_view target = TrimSpacesAndTabs(std::string_view(line).substr(on + 4));
    if (target.rfind("*.*", 0) != 0) continue;  // schema, table or proxy grants
    std::string_view privs = std::string_view(line).substr(6, on - 6);
    while (!privs.empty()) {
      size_t comma = privs.find(',');
      std::string_view p = TrimSpacesAndTabs(privs.substr(0, comma));
      if (!p.empty()) out.privileges.insert(std::string(p));
      privs = comma == std::string_view::npos ? std::string_view() : privs.substr(comma + 1);
    }
  }
  return out;
}

Result<CdcPreflightReport> CheckForCdc(MysqlConnection& conn, const StreamStart& start,
                                       uint32_t replica_server_id) {
  CdcPreflightReport report;
  ASSIGN_OR_RETURN(report.server, ReadServerSettings(conn));
  const ServerSettings& s = report.server;
  if (replica_server_id != 0 && replica_server_id == s.server_id) {
    report.errors.push_back(
        InvalidArgument("the replica server_id " + std::to_string(replica_server_id) +
                        " is the source's own server_id: choose another source.server_id"));
  }
  bool reported_client = false;
  CheckGrants(conn, s, &report, &reported_client);
  if (!s.log_bin) {
    report.errors.push_back(PreconditionFailed(
        "the binary log is off (log_bin=OFF) on the source: CDC reads it; start the server "
        "with log-bin (and a server-id)"));
    return report;
  }
  if (s.binlog_format != "ROW") {
    report.errors.push_back(PreconditionFailed(
        "binlog_format is " + s.binlog_format +
        ", CDC needs ROW: SET GLOBAL binlog_format=ROW (and binlog_format=ROW in the server "
        "config; open sessions keep their format until they reconnect)"));
  }
  if (!s.binlog_row_image.empty() && s.binlog_row_image != "FULL") {
    report.errors.push_back(PreconditionFailed(
        "binlog_row_image is " + s.binlog_row_image +
        ", CDC needs FULL (whole before and after images): SET GLOBAL binlog_row_image=FULL "
        "(and in the server config)"));
  }
  if (!s.binlog_row_metadata.empty() && s.binlog_row_metadata != "FULL") {
    report.warnings.push_back("binlog_row_metadata is " + s.binlog_row_metadata +
                              "; FULL is strongly preferred (column names and types in every "
                              "table map): SET GLOBAL binlog_row_metadata=FULL");
  }
  report.binlog_checksum = AsciiUpper(conn.GlobalVariable("binlog_checksum"));
  if (!report.binlog_checksum.empty()) {
    report.info.push_back("binlog_checksum=" + report.binlog_checksum);
  }
  auto logs = conn.QueryRows("SHOW BINARY LOGS");
  if (!logs.ok()) {
    if (logs.status().code() == StatusCode::kPermissionDenied) {
      if (!reported_client) {
        report.errors.push_back(PermissionDenied(
            "SHOW BINARY LOGS refused: " + logs.status().message() +
            " (GRANT REPLICATION CLIENT, on MariaDB 10.5+ BINLOG MONITOR, ON *.* TO the user)"));
      }
    } else {
      report.errors.push_back(logs.status());
    }
  } else {
    for (const auto& row : *logs) {
      if (row.size() < 2 || !row[0].has_value()) continue;
      BinaryLogFile f;
      f.name = *row[0];
      f.size = row[1].has_value() ? std::strtoull(row[1]->c_str(), nullptr, 10) : 0;
      report.binlogs.push_back(std::move(f));
    }
    if (!report.binlogs.empty()) {
      report.info.push_back("oldest binlog on the source: " + report.binlogs.front().name + " (" +
                            std::to_string(report.binlogs.size()) + " file(s))");
    }
    CheckStart(conn, start, &report);
  }
  ReportRetention(conn, &report);
  return report;
}

}  // namespace binlake
