// CdcXaTracker: the CDC task's XA transactions (docs/COMMIT-PROTOCOL.md, "XA transactions").
//
// MariaDB 10.5+ and MySQL 5.7.7+ binlog an XA transaction's body (its rows) as an event group
// ending with XA_PREPARE, and its XA COMMIT or XA ROLLBACK later as another group, possibly after
// other transactions, a batch boundary or a restart (binlog/position_tracker.h). The rule: the
// rows of an XA transaction are written exactly once, at its XA COMMIT (or in its own group for
// MySQL's XA COMMIT ... ONE PHASE), never at XA PREPARE and never after XA ROLLBACK.
//
// How, per ended group (OnGroupEnd, called by the task after the group's last event and before
// it ends the writer's transaction):
//   XA prepare   the sink wrote none of its rows (cdc/cdc_sink.h); the body's place (file, start,
//                end) and XID become a pending entry. Pending() goes into every checkpoint
//                (CdcCheckpoint::pending_xa), so the entry survives batches and restarts.
//   XA rollback  the entry is dropped (none: the body was before CDC's start; nothing to do).
//   XA commit    the body's rows go to the sink now, as the committing transaction's changes
//                (its commit time and position), into the open batch: from memory when the body
//                was captured (below), else re-read from the source at the entry's place
//                (cdc/xa_replay.h). Without an entry (prepared before CDC's start position, e.g.
//                before the full load's snapshot) the body is looked for in the source's
//                binlogs (FindXaBody); not found, or its file purged: a one-line error naming the
//                XID, never a silent loss.
//   one phase    (MySQL) the body's rows go to the sink at once, like an XA commit.
// Capture: AfterFeed copies the events of an XA body as the main stream reads them (the
// FORMAT_DESCRIPTION in force and the body's events), up to `capture_limit_bytes` for all
// pending bodies together; a body over the limit, or any after a restart, is re-read instead.
//
// Consistency with the checkpoint: Pending() is the state after the last group given to
// OnGroupEnd, which the task ends in the writer at once; the writer asks for it only between
// transactions (CdcWriterOptions::pending_xa_after_batch). After the open batch is dropped
// (reconnect) the task calls Reset with the last checkpoint's entries.
//
// Threading: the decoding thread only. Borrows the sink, which must outlive the tracker.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "binlog/event_pump.h"
#include "binlog/xa.h"
#include "cdc/cdc_sink.h"
#include "cdc/checkpoint.h"
#include "cdc/xa_replay.h"
#include "common/status.h"

namespace binlake {

class CdcXaTracker {
 public:
  CdcXaTracker(XaSource source, CdcSink* sink, size_t capture_limit_bytes = size_t{32} << 20)
      : source_(std::move(source)), sink_(sink), capture_limit_(capture_limit_bytes) {}

  // Forgets everything and takes `pending` (a checkpoint's) as the pending entries.
  // kCorruption for an entry whose XID does not parse.
  Status Reset(const std::vector<CdcPendingXa>& pending);

  // Called after each event the main pump was fed (`bytes`), with the pump's tracker;
  // `group_ended`: the event ended a group (the tracker's transactions() moved).
  void AfterFeed(binlog::ByteView bytes, const binlog::PositionTracker& t, bool group_ended);

  // Called when a group ended (t.last_group()); see the header comment. Errors: the source's
  // (a kNetworkError is retryable: drop the batch and resume from the last checkpoint), the
  // sink's, and kPreconditionFailed when a committed body cannot be found.
  Status OnGroupEnd(const binlog::PositionTracker& t);

  // The pending entries, oldest body first.
  std::vector<CdcPendingXa> Pending() const;

  uint64_t replayed_from_memory() const { return from_memory_; }
  uint64_t replayed_from_source() const { return from_source_; }

 private:
  struct Entry {
    CdcPendingXa at;
    std::shared_ptr<const CapturedXaBody> body;  // nullptr: re-read from the source
  };

  // Hands the body of `xid` to the sink as changes at `t` (see the header comment); `search`:
  // look for the body in the source's binlogs when `entry` is null or its place fails.
  Status Replay(const binlog::XaXid& xid, const Entry* entry, bool search,
                const binlog::PositionTracker& t);
  void Forget(const XaReplayResult& r);
  void Drop(std::map<binlog::XaXid, Entry>::iterator it);

  XaSource source_;
  CdcSink* sink_;
  size_t capture_limit_;
  std::map<binlog::XaXid, Entry> pending_;
  // The current body's events (AfterFeed), while one is being read.
  std::string format_description_;
  std::shared_ptr<CapturedXaBody> capture_;
  bool capture_over_limit_ = false;
  size_t captured_bytes_ = 0;  // of the bodies held by pending_
  uint64_t from_memory_ = 0;
  uint64_t from_source_ = 0;
};

}  // namespace binlake
