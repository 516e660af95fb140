// The request of a MySQL replica that starts from a GTID set: COM_BINLOG_DUMP_GTID (command byte
// 0x1e). libmariadb only sends COM_BINLOG_DUMP, so binlake builds this one itself;
// BinlogEventStream::Start sends the result.
//
// Protocol
// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump_gtid.html), all
// integers little-endian, after the command byte:
//   int<2> flags            0 (see kBinlogDumpGtidFlags)
//   int<4> server_id        our server_id as a replica
//   int<4> filename length  0: the source picks the first file holding a transaction not in the
//   string filename         set (the stream begins with a fake ROTATE naming it)
//   int<8> position         4
//   int<4> data size        size of the SID block
//   SID block               the GTID set in the Gtid_set binary encoding, as in a PREVIOUS_GTIDS
//                           event body (binlog::MySqlGtidSet::Encode, gtid_set.h): the untagged
//                           format, or for a set with tagged GTIDs the MySQL 8.3+ tagged format
//                           (which only 8.3+ sources read, and only they have tagged GTIDs).
// Every server since 5.6 reads the data size and SID block whatever the flags
// (com_binlog_dump_gtid in sql/rpl_source.cc). The source then sends every transaction whose
// GTID is NOT in the set, i.e. the set is "what the replica has already executed"
// (gtid_executed), and binlake starts after it.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <vector>

#include "binlog/gtid_set.h"
#include "common/status.h"

namespace binlake {

inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;  // the command byte (not in the payload)
// The flags binlake sends: none. The old "internals" page named 0x04 BINLOG_THROUGH_GTID, but
// servers read the SID block whatever the flags; MySQL's own replica sends only
// USE_HEARTBEAT_EVENT_V2 (0x02, 8.0.26+; request_dump in sql/rpl_replica.cc), and MySQL 8.3+
// defines bit 0x04 as MYSQL_RPL_SKIP_TAGGED_GTIDS (include/mysql.h, as quoted by go-mysql's
// replication/const.go), a request binlake must not make.
inline constexpr uint16_t kBinlogDumpGtidFlags = 0;

// The COM_BINLOG_DUMP_GTID payload after the command byte (see above). kInvalidArgument when the
// SID block does not fit its 32-bit size field.
Result<std::vector<uint8_t>> BuildBinlogDumpGtidPayload(uint32_t server_id,
                                                        const binlog::MySqlGtidSet& set);

}  // namespace binlake
