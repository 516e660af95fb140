#include "binlog/gtid_set_tracker.h"

namespace binlake {

Status GtidSetTracker::Reset(std::string_view set) {
  maria_ = binlog::MariaGtidList();
  mysql_ = binlog::MySqlGtidSet();
  if (set.find(':') != std::string_view::npos) {
    ASSIGN_OR_RETURN(mysql_, binlog::MySqlGtidSet::Parse(set));
  } else {
    ASSIGN_OR_RETURN(maria_, binlog::MariaGtidList::Parse(set));
  }
  return Status::Ok();
}

void GtidSetTracker::Add(std::string_view gtid) {
  // Called once per transaction; anonymous ones (no GTID) cost nothing.
  if (gtid.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  if (gtid.find(':') != std::string_view::npos) {
    Result<binlog::MySqlGtid> g = binlog::ParseMySqlGtid(gtid);
    if (g.ok()) (void)mysql_.Add(*g);  // cannot fail: the parser checked the GTID
  } else {
    Result<binlog::MariaGtid> g = binlog::ParseMariaGtid(gtid);
    if (g.ok()) maria_.Add(*g);
  }
}

std::string GtidSetTracker::ToString() const {
  std::string out = maria_.ToString();
  if (!mysql_.empty()) {
    if (!out.empty()) out.push_back(',');
    out += mysql_.ToString();
  }
  return out;
}

}  // namespace binlake
