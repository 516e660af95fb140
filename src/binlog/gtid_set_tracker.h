// GtidSetTracker: the executed GTID set at a stream position, kept up to date transaction by
// transaction so a checkpoint can record it (and a resume can use it). A thin wrapper over the
// models of gtid_set.h that takes and gives text, either flavour:
//   MariaDB: a gtid_binlog_pos-style list "domain-server-seq,...": the last GTID per domain.
//   MySQL:   "uuid:1-5:7:tag:1-3,uuid2:1-3": intervals per source UUID and tag, canonical form.
// Thread-safety: none.
#pragma once

#include <string>
#include <string_view>

#include "binlog/gtid_set.h"
#include "common/status.h"

namespace binlake {

class GtidSetTracker {
 public:
  // Parses a starting set: MySQL if it contains ':', else MariaDB; empty = none. On error
  // (kInvalidArgument naming the bad element) the tracker is left empty.
  Status Reset(std::string_view set);
  // Adds one transaction's GTID: "d-s-n" (MariaDB) or "uuid[:tag]:n" (MySQL). Malformed text is
  // ignored (anonymous transactions have no GTID).
  void Add(std::string_view gtid);
  // MariaDB list, then the MySQL set, joined by ','; "" when both are empty.
  std::string ToString() const;

 private:
  binlog::MariaGtidList maria_;
  binlog::MySqlGtidSet mysql_;
};

}  // namespace binlake
