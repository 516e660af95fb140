// Global transaction identifiers of both flavours, one GTID each, as value types with their text
// forms. Sets of them (and the one parser of their text) are in gtid_set.h.
//   MySQL:   UUID:GNO, or UUID:TAG:GNO (tagged GTIDs, MySQL 8.3+)
//            https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
//   MariaDB: DOMAIN-SERVER-SEQ, https://mariadb.com/kb/en/gtid/
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace binlake::binlog {

using Uuid = std::array<uint8_t, 16>;

// MySQL transaction numbers run from 1 to 2^63 - 2, so that the exclusive end of an interval
// (gno + 1) still fits an int64 (rpl_gno, GNO_END in sql/rpl_gtid.h).
inline constexpr int64_t kMaxGno = std::numeric_limits<int64_t>::max() - 1;
// A GTID tag is at most 32 characters (mysql::gtid::tag_max_length).
inline constexpr size_t kMaxGtidTagLength = 32;

// "3e11fa47-71ca-11e1-9e33-c80aa9429562" (lowercase).
std::string UuidToString(const Uuid& uuid);

struct MySqlGtid {
  Uuid uuid{};
  std::string tag;  // empty when untagged; lowercase (the server folds tags to lowercase)
  int64_t gno = 0;

  std::string ToString() const;  // uuid:gno or uuid:tag:gno
  bool operator==(const MySqlGtid&) const = default;
};

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;

  std::string ToString() const;  // "0-1-100"
  bool operator==(const MariaGtid&) const = default;
};

}  // namespace binlake::binlog
