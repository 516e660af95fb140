// Reading an XA transaction's body again when it commits (docs/COMMIT-PROTOCOL.md, "XA
// transactions"; the XA event groups: binlog/position_tracker.h).
//
// The body (the events from the GTID event to XA_PREPARE) was read earlier, and its rows were not
// written (cdc/cdc_sink.h). At its XA COMMIT the CDC task hands them to the sink as changes of
// the committing transaction: a fresh EventPump decodes the body's events and XaBodySink passes
// each row change on with the commit's PositionTracker as its position (its commit time, file
// and offset: the sequence column, --stop-at-time and --start-time then treat them as the
// commit's). The events come
//   - from memory: CapturedXaBody, the FORMAT_DESCRIPTION in force and the body's events as the
//     main stream read them (cdc/xa_tracker.h keeps recent bodies), or
//   - from the source: a second, short binlog dump of file:start..end (source/binlog_stream.h
//     with non_blocking: server_id 0 and BINLOG_DUMP_NON_BLOCK, as mysqlbinlog
//     --read-from-remote-server reads, so it neither registers as a replica nor evicts the
//     task's own dump connection; https://mariadb.com/kb/en/com_binlog_dump/).
// Before any row is passed on, the body's XID is checked (the MariaDB GTID event's, or MySQL's
// "XA START <xid>"), so rows of another transaction are never written; a place that does not hold
// the body is kNotFound with nothing passed on, and the caller may look elsewhere (FindXaBody).
//
// Threading: the caller's (the CDC task's decoding thread). Each source read opens and closes
// its own connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "binlog/binlog_position.h"
#include "binlog/event_pump.h"
#include "binlog/xa.h"
#include "cdc/checkpoint.h"
#include "common/status.h"
#include "source/connection_config.h"

namespace binlake {

// Where bodies are re-read from.
struct XaSource {
  ConnectionConfig connection;  // the source (a new connection per read)
  binlog::PumpOptions pump;     // as the main pump's (schema hints for MINIMAL metadata)
  const std::atomic<bool>* cancel = nullptr;  // stops a read between events (kCancelled)
};

// An XA body as the main stream read it.
struct CapturedXaBody {
  std::string format_description;  // the FORMAT_DESCRIPTION event of the body's file
  std::vector<std::pair<uint64_t, std::string>> events;  // (offset, event bytes), in order
  size_t bytes = 0;                                      // of all the above
};

struct XaReplayResult {
  uint64_t rows = 0;                     // row changes passed on
  std::set<uint64_t> table_map_serials;  // of the replay pump's maps (CdcSink::ForgetTableMap)
};

// Passes the row changes of the body of `xid` in `body` to `sink` as changes at `commit`.
// kCorruption when the events are not that body.
Result<XaReplayResult> ReplayCapturedXaBody(const CapturedXaBody& body, const binlog::XaXid& xid,
                                            const binlog::PumpOptions& pump_options,
                                            const binlog::PositionTracker& commit,
                                            binlog::EventSink* sink);

// The same, reading the body at `at` (file, start, end) from the source. kNotFound (nothing
// passed on) when the events there are not the body of `xid`, or the file ends before it does;
// the source's own errors as BinlogEventStream reports them (a purged file is
// kPreconditionFailed, a lost connection kNetworkError).
Result<XaReplayResult> ReplayXaBodyFromSource(const XaSource& source, const CdcPendingXa& at,
                                              const binlog::XaXid& xid,
                                              const binlog::PositionTracker& commit,
                                              binlog::EventSink* sink);

// Looks for the body of the XA COMMIT of `xid` at `commit` (the start of the committing group)
// in the source's binlogs (SHOW BINARY LOGS on a connection of its own): the newest XA body of
// `xid` before `commit` that no XA COMMIT / XA ROLLBACK of `xid` follows, reading the files (rows
// not decoded) from commit.file backwards until one holds it or resolves an older transaction of
// the same XID. nullopt when no file holds it.
Result<std::optional<CdcPendingXa>> FindXaBody(const XaSource& source, const binlog::XaXid& xid,
                                               const binlog::BinlogPosition& commit);

}  // namespace binlake
