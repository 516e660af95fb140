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

 private:
  void Observe(const Event& ev);
  void Begin(const EventHeader& h);
  void End();

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
};

}  // namespace binlake::binlog
