// XA transaction ids (XIDs) and the XA statements a server writes into its binlog, in one
// canonical form for both flavours.
//
// An XID is gtrid [, bqual [, formatID]] (X/Open XA): gtrid 1-64 bytes, bqual 0-64 bytes, and a
// format number (default 1). https://mariadb.com/kb/en/xa-transactions/ and
// https://dev.mysql.com/doc/refman/8.0/en/xa-statements.html. The binlog carries it in three
// places, all read into XaXid:
//   - XA_PREPARE_LOG_EVENT (38), both flavours: uint8 one_phase, uint32 formatID,
//     uint32 gtrid_length, uint32 bqual_length, gtrid + bqual bytes (lengths <= 64)
//     (https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1XA__prepare__event.html);
//   - MariaDB GTID_EVENT (162) with FL_PREPARED_XA (64) or FL_COMPLETED_XA (128) in flags2:
//     uint32 formatID, uint8 gtrid_length, uint8 bqual_length, the bytes
//     (https://mariadb.com/kb/en/gtid_event/);
//   - the text of the QUERY events "XA START|END|PREPARE|COMMIT|ROLLBACK <xid>", where the
//     server prints the XID itself (XID::serialize), whatever the client wrote:
//     X'<gtrid hex>',X'<bqual hex>',<formatID>, e.g. XA COMMIT X'0102',X'6271',7.
// formatID is 4 bytes in the events and a decimal C long in the text; both are kept as the
// 4 bytes the events store (the text's value modulo 2^32), so the three forms compare equal.
//
// Values and pure functions; no threading concerns. Inputs are untrusted bytes: malformed text
// is an error, never an assertion.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::binlog {

inline constexpr size_t kXaMaxPartLength = 64;  // MAXGTRIDSIZE and MAXBQUALSIZE

struct XaXid {
  uint32_t format_id = 1;
  std::string gtrid;  // raw bytes, 1-64
  std::string bqual;  // raw bytes, 0-64

  // The server's own form: X'6162',X'',1 (lowercase hex digits here; Parse takes either case).
  std::string ToString() const;
  auto operator<=>(const XaXid&) const = default;
};

// Parses the server's form "X'<hex>',X'<hex>',<number>" (the whole of `text`, surrounding
// blanks allowed). kCorruption naming the text when it is anything else, or a part is longer
// than 64 bytes or gtrid is empty.
Result<XaXid> ParseXaXid(std::string_view text);

enum class XaVerb : uint8_t { kStart, kEnd, kPrepare, kCommit, kRollback };

// A QUERY event's XA statement: "XA <verb> <xid>[ ONE PHASE]".
struct XaStatement {
  XaVerb verb = XaVerb::kStart;
  XaXid xid;
  bool one_phase = false;  // XA COMMIT <xid> ONE PHASE
};

// The XA statement in `statement`, or nullopt when it is not one (it does not start with "XA"
// and a blank, case-insensitively, after leading blanks). kCorruption for an XA statement with an
// unknown verb or an XID not in the server's form.
Result<std::optional<XaStatement>> ParseXaStatement(std::string_view statement);

}  // namespace binlake::binlog
