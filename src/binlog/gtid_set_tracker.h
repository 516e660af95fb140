// GtidSetTracker: the executed GTID set at a stream position, kept up to date transaction by
// transaction so a checkpoint can record it (and a resume can use it).
//   MariaDB: a gtid_binlog_pos-style list "domain-server-seq,...": the last GTID per domain.
//   MySQL:   "uuid:1-5:7,uuid2:1-3": intervals per source UUID (tags kept as part of the key).
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake {

class GtidSetTracker {
 public:
  // Parses a starting set (either flavour; empty = none).
  Status Reset(std::string_view set);
  // Adds one transaction's GTID: "d-s-n" (MariaDB) or "uuid[:tag]:n" (MySQL). Unknown shapes
  // are ignored (anonymous transactions have no GTID).
  void Add(std::string_view gtid);
  std::string ToString() const;

 private:
  struct MariaEntry {
    uint32_t server = 0;
    uint64_t seq = 0;
  };
  using Intervals = std::vector<std::pair<uint64_t, uint64_t>>;  // closed, sorted, disjoint
  std::map<uint32_t, MariaEntry> maria_;                         // by domain
  std::map<std::string, Intervals, std::less<>> mysql_;          // by source UUID[:tag]
};

}  // namespace binlake
