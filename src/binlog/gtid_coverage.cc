#include "binlog/gtid_coverage.h"

#include <map>
#include <utility>
#include <vector>

#include "binlog/gtid_set.h"

namespace binlake::binlog {
namespace {

// [start, end) minus the sorted, disjoint `have`, appended to `out`.
void Subtract(GnoInterval want, const std::vector<GnoInterval>& have,
              std::vector<GnoInterval>* out) {
  int64_t at = want.start;
  for (const GnoInterval& h : have) {
    if (h.end <= at) continue;
    if (h.start >= want.end) break;
    if (h.start > at) out->push_back({at, h.start});
    at = h.end;
    if (at >= want.end) return;
  }
  if (at < want.end) out->push_back({at, want.end});
}

}  // namespace

Result<std::string> MissingMySqlGtids(std::string_view recorded, std::string_view gtid_executed) {
  ASSIGN_OR_RETURN(MySqlGtidSet want, MySqlGtidSet::Parse(recorded));
  ASSIGN_OR_RETURN(MySqlGtidSet have, MySqlGtidSet::Parse(gtid_executed));
  if (have.Contains(want)) return std::string();
  MySqlGtidSet missing;
  static const std::vector<GnoInterval> kNone;
  for (const GtidSetEntry& w : want.entries()) {
    const std::vector<GnoInterval>* has = &kNone;
    for (const GtidSetEntry& h : have.entries()) {
      if (h.uuid == w.uuid && h.tag == w.tag) has = &h.intervals;
    }
    std::vector<GnoInterval> lack;
    for (const GnoInterval& iv : w.intervals) Subtract(iv, *has, &lack);
    for (const GnoInterval& iv : lack) {
      RETURN_IF_ERROR(missing.AddInterval(w.uuid, w.tag, iv.start, iv.end));
    }
  }
  return missing.ToString();
}

Result<std::string> MissingMariaGtids(std::string_view recorded, std::string_view binlog_state) {
  ASSIGN_OR_RETURN(MariaGtidList want, MariaGtidList::Parse(recorded));
  // (domain, server) -> the last sequence number in the binlog. The state lists a domain once
  // per server that wrote to it, so it is not a MariaGtidList (one GTID per domain).
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> have;
  std::string_view rest = binlog_state;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    Result<MariaGtid> g = ParseMariaGtid(item);
    if (!g.ok()) return g.status().WithContext("@@gtid_binlog_state");
    uint64_t& seq = have[{g->domain_id, g->server_id}];
    seq = std::max(seq, g->seq_no);
  }
  std::string out;
  for (const MariaGtid& g : want.gtids()) {
    auto it = have.find({g.domain_id, g.server_id});
    if (it != have.end() && it->second >= g.seq_no) continue;
    if (!out.empty()) out += "; ";
    out += g.ToString() + " (the binlog has ";
    if (it == have.end()) {
      out += "no transaction of server " + std::to_string(g.server_id) + " in domain " +
             std::to_string(g.domain_id) + ")";
    } else {
      out += "server " + std::to_string(g.server_id) + "'s domain " + std::to_string(g.domain_id) +
             " up to " + MariaGtid{g.domain_id, g.server_id, it->second}.ToString() + ")";
    }
  }
  return out;
}

}  // namespace binlake::binlog
