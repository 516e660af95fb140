// Global transaction identifiers of both flavours, as value types with their text forms.
//   MySQL:   UUID:GNO or UUID:TAG:GNO (8.4+/9.x tagged GTIDs); sets "uuid:1-5:7,uuid2:tag:1-3"
//            https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
//   MariaDB: DOMAIN-SERVER-SEQ, lists "0-1-100,1-2-7"
//            https://mariadb.com/kb/en/gtid/
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace binlake::binlog {

using Uuid = std::array<uint8_t, 16>;

// "3e11fa47-71ca-11e1-9e33-c80aa9429562".
std::string UuidToString(const Uuid& uuid);

struct MySqlGtid {
  Uuid uuid{};
  std::string tag;  // empty when untagged
  int64_t gno = 0;

  std::string ToString() const;  // uuid:gno or uuid:tag:gno
};

// One UUID (and tag) with its GNO intervals, [start, end) as stored in PREVIOUS_GTIDS.
struct GtidSetEntry {
  Uuid uuid{};
  std::string tag;
  std::vector<std::pair<int64_t, int64_t>> intervals;  // half-open
};

struct MySqlGtidSet {
  std::vector<GtidSetEntry> entries;

  // "uuid:1-13:mytag:1-2,uuid2:5" (closed intervals, as MySQL prints gtid_executed).
  std::string ToString() const;
};

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;

  std::string ToString() const;  // "0-1-100"
};

}  // namespace binlake::binlog
