// The one GTID set model of binlake, and the one parser of GTID text, for both flavours:
//
// MySQL: a set of transactions, per TSID (source UUID + optional tag) a list of GNO intervals.
//   Text (https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html, grammar of
//   Gtid_set::add_gtid_text in sql/rpl_gtid_set.cc) as in @@gtid_executed:
//       3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:mytag:1-3,\n b9b88c66-...:1
//   comma-separated elements; an element is a UUID (8-4-4-4-12 hex, either case) followed by
//   ':'-separated parts, each a GNO interval N or N-M (1 <= N <= M <= 2^63-2) or a tag
//   ([A-Za-z_][A-Za-z0-9_]{0,31}, folded to lowercase) that applies to the intervals after it.
//   Whitespace (newlines too) around elements and parts is ignored. The same TSID may appear
//   several times and intervals may overlap or touch: they are merged. Stricter than the server
//   (which skips them silently): empty elements, a reversed range, and a UUID or tag with no
//   interval after it are errors, so a typo never means "nothing".
//   Canonical text (ToString), as Gtid_set::to_string prints it: TSIDs ascending by UUID bytes
//   then tag (the untagged TSID of a UUID first), each UUID once ("uuid:1-5:tag1:1-3:tag2:7"),
//   UUIDs in lowercase, intervals ascending and merged, N-M only when M > N. Elements are joined
//   by "," (the server prints ",\n"; binlake keeps its sets on one line).
//   Binary form (Encode/Decode): Gtid_set::encode / add_gtid_encoding (sql/rpl_gtid_set.cc), the
//   body of PREVIOUS_GTIDS_LOG_EVENT and the SID block of COM_BINLOG_DUMP_GTID, all little-endian:
//     untagged format (no tag in the set; what every server before 8.3 reads):
//       int<8> n_sids; per TSID: uuid[16], int<8> n_intervals, per interval int<8> start,
//       int<8> end (EXCLUSIVE: 1-5 is start 1, end 6).
//     tagged format (MySQL 8.3+, when any TSID has a tag): the first 8 bytes are
//       (1 << 56) | (n_sids << 8) | 1, i.e. byte 0 = 1 (the format), bytes 1..6 = n_sids,
//       byte 7 = 1; per TSID uuid[16], the tag as a mysql::serialization varlen length (one byte
//       2 * length for tags of up to 32 characters) plus its characters (length 0 for the untagged
//       TSID), then n_intervals and the intervals as above.
//     TSIDs ascending as in the text; intervals ascending, disjoint and not adjacent.
//
// MariaDB: a position as in @@gtid_binlog_pos / @@gtid_slave_pos (https://mariadb.com/kb/en/gtid/):
//   "domain-server-seq[,domain-server-seq...]", at most one GTID per domain: the last transaction
//   of that domain. domain and server are 32-bit, seq 64-bit; whitespace around items ignored.
//   Canonical text: ascending by domain, joined by ",".
//
// Errors: kInvalidArgument, one line naming the bad element and what is wrong with it.
// Thread-safety: values; const methods may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/byte_reader.h"
#include "binlog/gtid.h"
#include "common/status.h"

namespace binlake::binlog {

// Canonical UUID text only (8-4-4-4-12 hex digits, either case). False if `text` is not one.
bool ParseUuid(std::string_view text, Uuid* out);

// One MySQL GTID: "uuid:gno" or "uuid:tag:gno".
Result<MySqlGtid> ParseMySqlGtid(std::string_view text);
// One MariaDB GTID: "domain-server-seq".
Result<MariaGtid> ParseMariaGtid(std::string_view text);

// GNOs [start, end): `end` is exclusive, as in the binary encoding.
struct GnoInterval {
  int64_t start = 0;
  int64_t end = 0;
  bool operator==(const GnoInterval&) const = default;
};

// One TSID and its transactions: intervals ascending, disjoint, not adjacent, never empty.
struct GtidSetEntry {
  Uuid uuid{};
  std::string tag;  // lowercase; empty = untagged
  std::vector<GnoInterval> intervals;
  bool operator==(const GtidSetEntry&) const = default;
};

class MySqlGtidSet {
 public:
  // The text form above; empty or blank text is the empty set.
  static Result<MySqlGtidSet> Parse(std::string_view text);
  // The binary form above. kCorruption (naming the byte offset + `base`) for bytes that are not
  // a valid encoding. With `consumed`, stops after the set and reports its size; without, the set
  // must fill `bytes` exactly.
  static Result<MySqlGtidSet> Decode(ByteView bytes, size_t base = 0, size_t* consumed = nullptr);

  // The binary form: untagged format unless a TSID has a tag (what MySQL 8.3+ writes too).
  std::vector<uint8_t> Encode() const;
  std::string ToString() const;

  // Adds the GNOs [start, end) of uuid:tag. kInvalidArgument for an empty or out-of-range
  // interval or an invalid tag (`tag` may be in any case).
  Status AddInterval(const Uuid& uuid, std::string_view tag, int64_t start, int64_t end);
  Status Add(const MySqlGtid& gtid);
  // Union.
  void Add(const MySqlGtidSet& other);

  bool Contains(const MySqlGtid& gtid) const;
  // Whether every transaction of `other` is in this set (other is a subset).
  bool Contains(const MySqlGtidSet& other) const;

  bool empty() const { return entries_.empty(); }
  bool tagged() const;  // some TSID has a tag
  // Ascending by (UUID bytes, tag).
  const std::vector<GtidSetEntry>& entries() const { return entries_; }

  bool operator==(const MySqlGtidSet&) const = default;

 private:
  std::vector<GtidSetEntry> entries_;
};

class MariaGtidList {
 public:
  // The text form above; empty or blank text is the empty list. A domain given twice is an error.
  static Result<MariaGtidList> Parse(std::string_view text);

  std::string ToString() const;

  // Records `gtid` as its domain's last transaction (replacing the domain's previous one).
  void Add(const MariaGtid& gtid);
  // Whether the position has reached `gtid`: its domain is present with a sequence number at
  // least gtid's. Sequence numbers only compare within a domain, and only when they increase
  // there (https://mariadb.com/kb/en/gtid/#gtid_strict_mode).
  bool Contains(const MariaGtid& gtid) const;
  // Whether the position has reached every GTID of `other`.
  bool Contains(const MariaGtidList& other) const;

  bool empty() const { return gtids_.empty(); }
  // Ascending by domain, one per domain.
  const std::vector<MariaGtid>& gtids() const { return gtids_; }

  bool operator==(const MariaGtidList&) const = default;

 private:
  std::vector<MariaGtid> gtids_;
};

}  // namespace binlake::binlog
