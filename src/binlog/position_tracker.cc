#include "binlog/position_tracker.h"

#include <strings.h>

namespace binlake::binlog {
namespace {

bool StatementIs(std::string_view stmt, std::string_view word) {
  while (!stmt.empty() && (stmt.front() == ' ' || stmt.front() == '\n')) stmt.remove_prefix(1);
  if (stmt.size() < word.size()) return false;
  if (strncasecmp(stmt.data(), word.data(), word.size()) != 0) return false;
  return stmt.size() == word.size() || stmt[word.size()] == ' ' || stmt[word.size()] == ';' ||
         stmt[word.size()] == '\n';
}

}  // namespace

void PositionTracker::Reset(std::string file, uint64_t position) {
  file_ = std::move(file);
  event_start_ = next_ = position;
  in_trx_ = gtid_pending_ = maria_standalone_ = have_gtid_commit_ts_ = false;
  in_xa_body_ = group_started_ = false;
  last_commit_ = BinlogPosition{file_, position, ""};
  last_commit_gtid_.clear();
  last_group_ = GroupInfo();
}

void PositionTracker::OnEvent(const Event& ev, uint64_t start, uint64_t end) {
  event_start_ = start;
  next_ = end;
  if (const auto* rot = std::get_if<RotateEvent>(&ev.data)) {
    file_ = rot->next_file;
    next_ = rot->position;
    if (!in_trx_) last_commit_ = BinlogPosition{file_, next_, ""};  // same transaction
    return;
  }
  Observe(ev);
}

void PositionTracker::Begin(const EventHeader& h) {
  in_trx_ = true;
  if (!have_gtid_commit_ts_) commit_us_ = static_cast<uint64_t>(h.timestamp) * 1000000;
}

void PositionTracker::MarkGroupStart() {
  if (!group_started_) {
    group_started_ = true;
    group_start_ = event_start_;
  }
}

void PositionTracker::End(GroupKind kind, const XaXid* xid) {
  if (in_xa_body_ && kind == GroupKind::kTransaction) {
    // An XA body ended by a plain commit (no server writes this): its rows, skipped as an XA
    // body's, are committed here.
    kind = GroupKind::kXaOnePhase;
    xid = &xa_xid_;
  }
  last_group_.kind = kind;
  last_group_.xid = xid ? *xid : XaXid();
  last_group_.file = file_;
  last_group_.start = group_started_ ? group_start_ : event_start_;
  last_group_.end = next_;
  last_group_.gtid = gtid_;
  in_trx_ = gtid_pending_ = maria_standalone_ = have_gtid_commit_ts_ = false;
  in_xa_body_ = group_started_ = false;
  ++transactions_;
  last_commit_ = BinlogPosition{file_, next_, ""};
  last_commit_gtid_ = gtid_;
}

void PositionTracker::ObserveQuery(const QueryEvent& q, const EventHeader& h) {
  if (q.xa) {
    const XaStatement& xa = *q.xa;
    switch (xa.verb) {
      case XaVerb::kStart:  // MySQL: the body of an XA transaction begins
        MarkGroupStart();
        if (!in_trx_) Begin(h);
        in_xa_body_ = true;
        xa_xid_ = xa.xid;
        return;
      case XaVerb::kEnd:
        return;
      case XaVerb::kPrepare:  // servers write XA_PREPARE events; a QUERY would mean the same
        MarkGroupStart();
        End(GroupKind::kXaPrepare, &xa.xid);
        return;
      case XaVerb::kCommit:
        MarkGroupStart();
        if (xa.one_phase && in_xa_body_) {
          End(GroupKind::kXaOnePhase, &xa.xid);
        } else {
          End(GroupKind::kXaCommit, &xa.xid);
        }
        return;
      case XaVerb::kRollback:
        MarkGroupStart();
        End(GroupKind::kXaRollback, &xa.xid);
        return;
    }
  }
  if (StatementIs(q.statement, "BEGIN")) {
    MarkGroupStart();
    if (!in_trx_) Begin(h);
  } else if (StatementIs(q.statement, "COMMIT")) {
    End();
  } else if (StatementIs(q.statement, "ROLLBACK")) {
    if (in_xa_body_) {
      End(GroupKind::kXaRollback, &xa_xid_);
    } else {
      End();
    }
  } else if (!in_trx_ || maria_standalone_) {
    MarkGroupStart();
    if (!in_trx_) Begin(h);
    End();  // an auto-committed statement (DDL) is a transaction of its own
  }
}

void PositionTracker::Observe(const Event& ev) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MySqlGtidEvent>) {
          gtid_ = e.anonymous ? "" : e.gtid.ToString();
          gtid_pending_ = true;
          in_trx_ = in_xa_body_ = false;
          group_started_ = true;
          group_start_ = event_start_;
          have_gtid_commit_ts_ = e.has_commit_timestamps;
          commit_us_ = e.has_commit_timestamps
                           ? e.immediate_commit_us
                           : static_cast<uint64_t>(ev.header.timestamp) * 1000000;
        } else if constexpr (std::is_same_v<T, MariaGtidEvent>) {
          gtid_ = e.gtid.ToString();
          gtid_pending_ = false;
          maria_standalone_ = e.standalone();
          have_gtid_commit_ts_ = false;
          group_started_ = true;
          group_start_ = event_start_;
          in_xa_body_ = e.prepared_xa() && e.xa_xid.has_value();
          if (in_xa_body_) xa_xid_ = *e.xa_xid;
          Begin(ev.header);
        } else if constexpr (std::is_same_v<T, QueryEvent>) {
          ObserveQuery(e, ev.header);
        } else if constexpr (std::is_same_v<T, XidEvent>) {
          End();
        } else if constexpr (std::is_same_v<T, XaPrepareEvent>) {
          // The XA body ends here; XA COMMIT / XA ROLLBACK follows as its own group.
          End(e.one_phase ? GroupKind::kXaOnePhase : GroupKind::kXaPrepare, &e.xid);
        } else if constexpr (std::is_same_v<T, RowsEvent> || std::is_same_v<T, TableMapEvent>) {
          if (!in_trx_) {
            MarkGroupStart();
            Begin(ev.header);
          }
        }
      },
      ev.data);
}

}  // namespace binlake::binlog
