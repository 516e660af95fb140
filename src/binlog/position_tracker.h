// PositionTracker: where a binlog stream is (file and position of the next event), which
// transaction it is in (GTID of either flavour) and where the last transaction ended (a safe
// resume point).
//
// Transaction boundaries:
//   MySQL    GTID/ANONYMOUS_GTID, then QUERY "BEGIN" ... XID or QUERY "COMMIT"/"ROLLBACK";
//            a DDL is GTID + one QUERY. With compression the BEGIN..XID part is inside a
//            TRANSACTION_PAYLOAD: feed its inner events with OnInnerEvent.
//   MariaDB  GTID (implies BEGIN unless FL_STANDALONE) ... XID or QUERY "COMMIT"; a standalone
//            GTID is followed by exactly one QUERY (DDL).
//   Older    QUERY "BEGIN" ... XID/COMMIT, or a single auto-committed QUERY.
// XA (binlog/xa.h; MariaDB 10.5+ and MySQL 5.7.7+ binlog an XA transaction in two groups):
//   body     MariaDB GTID with FL_PREPARED_XA (its XID in the event), MySQL GTID + QUERY
//            "XA START <xid>"; then the rows, QUERY "XA END <xid>" and XA_PREPARE, which ends the
//            group: kXaPrepare, or kXaOnePhase when XA_PREPARE says one_phase (MySQL's XA COMMIT
//            ... ONE PHASE: the body commits). in_xa_body() is true from the event that marks
//            the group to its end: its rows are not committed when they are read.
//   outcome  a later group: GTID (MariaDB: FL_COMPLETED_XA) + QUERY "XA COMMIT <xid>" or
//            "XA ROLLBACK <xid>": kXaCommit / kXaRollback.
//   MariaDB logs XA COMMIT ... ONE PHASE as an ordinary transaction (GTID, rows, XID):
//   kTransaction.
// last_group() describes the group that ended at last_commit(): its kind, XID, and where it lies
// (file, offset of its first event — the GTID event when there is one — and end).
// Commit timestamp: MySQL 8's immediate_commit_timestamp when the GTID event has it, else the
// header timestamp of the event that opened the transaction (seconds resolution).
// Resume point: last_commit() is a BinlogPosition (binlog/binlog_position.h) with file and
// offset only; the tracker sees single transactions, not the executed GTID set (that is
// GtidSetTracker's, binlog/gtid_set_tracker.h), so its gtid_set stays empty and the GTID of the
// transaction that ended there is last_commit_gtid().
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <string>

#include "binlog/binlog_position.h"
#include "binlog/events.h"

namespace binlake::binlog {

enum class GroupKind : uint8_t {
  kTransaction,  // an ordinary transaction or auto-committed statement
  kXaPrepare,    // an XA transaction's body, prepared (not committed)
  kXaOnePhase,   // an XA transaction's body that commits in the same group (MySQL ONE PHASE)
  kXaCommit,     // XA COMMIT <xid> of a body prepared in an earlier group
  kXaRollback,   // XA ROLLBACK <xid>
};

// An event group that ended (see the header comment).
struct GroupInfo {
  GroupKind kind = GroupKind::kTransaction;
  XaXid xid;           // the XA kinds
  std::string file;    // the file the group lies in (groups never span files)
  uint64_t start = 0;  // offset of its first event
  uint64_t end = 0;    // offset after its last event
  std::string gtid;    // text GTID; "" when anonymous
};

// Whether `g` is an XA transaction's body (prepared, or committed in one phase).
inline bool IsXaBody(const GroupInfo& g) {
  return g.kind == GroupKind::kXaPrepare || g.kind == GroupKind::kXaOnePhase;
}

class PositionTracker {
 public:
  // Starts tracking `file` at `position` (kFirstEventPosition for a whole file); that is also the
  // resume point until a transaction ends. Before the first Reset: file "" at 4 (last_commit()
  // too).
  void Reset(std::string file, uint64_t position);

  // Observes a top-level event that occupies [start, end) of the current file. For events from
  // a replication stream whose start is unknown, pass end = header.log_pos and start = end -
  // event_size.
  void OnEvent(const Event& ev, uint64_t start, uint64_t end);
  // Observes an event inside the TRANSACTION_PAYLOAD last given to OnEvent.
  void OnInnerEvent(const Event& ev) { Observe(ev); }

  const std::string& file() const { return file_; }
  uint64_t event_start() const { return event_start_; }  // of the last top-level event
  uint64_t next_position() const { return next_; }
  bool in_transaction() const { return in_trx_; }
  // Text GTID of the current (or, between transactions, last) transaction; "" when anonymous.
  const std::string& gtid() const { return gtid_; }
  // Microseconds since the epoch; see the header comment.
  uint64_t commit_timestamp_us() const { return commit_us_; }
  // Where the last transaction ended (the next event after it; moved on by a ROTATE between
  // transactions): a safe resume point. gtid_set is always empty (see the header comment).
  const BinlogPosition& last_commit() const { return last_commit_; }
  // GTID of the transaction that ended at last_commit() ("" if anonymous or none yet).
  const std::string& last_commit_gtid() const { return last_commit_gtid_; }
  uint64_t transactions() const { return transactions_; }
  // True inside an XA transaction's body (its rows are committed only by a later XA COMMIT).
  bool in_xa_body() const { return in_xa_body_; }
  // The group that ended at last_commit() (kind kTransaction with start = end = 0 before any).
  const GroupInfo& last_group() const { return last_group_; }

 private:
  void Observe(const Event& ev);
  void Begin(const EventHeader& h);
  void End(GroupKind kind = GroupKind::kTransaction, const XaXid* xid = nullptr);
  // The current group starts with the event being observed (unless a GTID event started it).
  void MarkGroupStart();
  void ObserveQuery(const QueryEvent& q, const EventHeader& h);

  std::string file_;
  uint64_t event_start_ = kFirstEventPosition;
  uint64_t next_ = kFirstEventPosition;
  bool in_trx_ = false;
  bool gtid_pending_ = false;      // a GTID was seen; its transaction has not started
  bool maria_standalone_ = false;  // the current MariaDB group ends after one QUERY
  bool have_gtid_commit_ts_ = false;
  std::string gtid_;
  uint64_t commit_us_ = 0;
  BinlogPosition last_commit_{"", kFirstEventPosition, ""};
  std::string last_commit_gtid_;
  uint64_t transactions_ = 0;
  bool in_xa_body_ = false;
  bool group_started_ = false;  // group_start_ is set for the current group
  uint64_t group_start_ = 0;
  XaXid xa_xid_;  // of the current XA body
  GroupInfo last_group_;
};

}  // namespace binlake::binlog
