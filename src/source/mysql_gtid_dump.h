// The request of a MySQL replica that starts from a GTID set: COM_BINLOG_DUMP_GTID (command byte
// 0x1e). libmariadb only sends COM_BINLOG_DUMP, so binlake builds this one itself; these are the
// pure pieces (text -> intervals -> bytes), BinlogEventStream::Start sends the result.
//
// Protocol
// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump_gtid.html), all
// integers little-endian, after the command byte:
//   int<2> flags            BINLOG_THROUGH_GTID (0x04): the GTID data below is present
//   int<4> server_id        our server_id as a replica
//   int<4> filename length  0: the source picks the first file holding a transaction not in the
//   string filename         set (the stream begins with a fake ROTATE naming it)
//   int<8> position         4
//   int<4> data size        size of the SID block
//   SID block               the GTID set, encoded as in a PREVIOUS_GTIDS event body:
//     int<8> n_sids (8 bytes, not the 4 of the old "internals" page: a real MySQL 9 binlog's
//     PREVIOUS_GTIDS proves it, see mysql_gtid_dump_test.cc); per source UUID, ascending by
//     the UUID's bytes:
//       16 bytes UUID, int<8> n_intervals, per interval int<8> start, int<8> end (EXCLUSIVE:
//       the closed interval 1-5 is start 1, end 6); intervals ascending and disjoint.
// The source then sends every transaction whose GTID is NOT in the set, i.e. the set is "what
// the replica has already executed" (gtid_executed), and binlake starts after it.
//
// Text form (https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html):
// "uuid:1-5:7,uuid2:1-3" as in @@gtid_executed: comma-separated elements, whitespace (newlines
// too) around elements and their parts ignored, UUIDs in the canonical 8-4-4-4-12 hex form in
// either case, GNOs 1 .. 2^63-2. The same UUID may appear in several elements and intervals may
// overlap or touch: they are merged. Tagged GTIDs ("uuid:tag:1-5", MySQL 8.3+) are kUnsupported:
// their encoding in the SID block differs and binlake does not send it.
//
// Thread-safety: pure functions over values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake {

inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;  // the command byte (not in the payload)
inline constexpr uint16_t kBinlogThroughGtid = 0x04;

// A closed interval of GNOs: [first, last].
struct MySqlGnoInterval {
  int64_t first = 0;
  int64_t last = 0;
  bool operator==(const MySqlGnoInterval&) const = default;
};

// The transactions of one source UUID: intervals ascending, disjoint and not adjacent.
struct MySqlGtidSid {
  std::array<uint8_t, 16> uuid{};
  std::vector<MySqlGnoInterval> intervals;
};

// A parsed MySQL GTID set: one entry per UUID, ascending by UUID bytes. Empty = no transactions.
struct MySqlGtidIntervals {
  std::vector<MySqlGtidSid> sids;

  // Canonical text, as MySQL prints it: "uuid:1-5:7,uuid2:1-3" (lowercase, no whitespace).
  std::string ToString() const;
};

// Parses the text form above. kInvalidArgument names the bad element (and what is wrong with it);
// kUnsupported for a tagged GTID.
Result<MySqlGtidIntervals> ParseMySqlGtidSet(std::string_view text);

// The SID block of `set` (8 bytes for the empty set).
std::vector<uint8_t> EncodeMySqlGtidSidBlock(const MySqlGtidIntervals& set);

// The COM_BINLOG_DUMP_GTID payload after the command byte (see above). kInvalidArgument when the
// SID block does not fit its 32-bit size field.
Result<std::vector<uint8_t>> BuildBinlogDumpGtidPayload(uint32_t server_id,
                                                        const MySqlGtidIntervals& set);

}  // namespace binlake
