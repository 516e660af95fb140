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
  last_commit_ = BinlogPosition{file_, position, ""};
  last_commit_gtid_.clear();
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

void PositionTracker::End() {
  in_trx_ = gtid_pending_ = maria_standalone_ = have_gtid_commit_ts_ = false;
  ++transactions_;
  last_commit_ = BinlogPosition{file_, next_, ""};
  last_commit_gtid_ = gtid_;
}

void PositionTracker::Observe(const Event& ev) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MySqlGtidEvent>) {
          gtid_ = e.anonymous ? "" : e.gtid.ToString();
          gtid_pending_ = true;
          in_trx_ = false;
          have_gtid_commit_ts_ = e.has_commit_timestamps;
          commit_us_ = e.has_commit_timestamps
                           ? e.immediate_commit_us
                           : static_cast<uint64_t>(ev.header.timestamp) * 1000000;
        } else if constexpr (std::is_same_v<T, MariaGtidEvent>) {
          gtid_ = e.gtid.ToString();
          gtid_pending_ = false;
          maria_standalone_ = e.standalone();
          have_gtid_commit_ts_ = false;
          Begin(ev.header);
        } else if constexpr (std::is_same_v<T, QueryEvent>) {
          if (StatementIs(e.statement, "BEGIN") || StatementIs(e.statement, "XA START")) {
            if (!in_trx_) Begin(ev.header);
          } else if (StatementIs(e.statement, "COMMIT") || StatementIs(e.statement, "ROLLBACK") ||
                     StatementIs(e.statement, "XA COMMIT") ||
                     StatementIs(e.statement, "XA ROLLBACK")) {
            End();
          } else if (!in_trx_ || maria_standalone_) {
            if (!in_trx_) Begin(ev.header);
            End();  // an auto-committed statement (DDL) is a transaction of its own
          }
        } else if constexpr (std::is_same_v<T, XidEvent>) {
          End();
        } else if constexpr (std::is_same_v<T, XaPrepareEvent>) {
          End();  // the XA transaction's changes end here; XA COMMIT follows as its own group
        } else if constexpr (std::is_same_v<T, RowsEvent> || std::is_same_v<T, TableMapEvent>) {
          if (!in_trx_) Begin(ev.header);
        }
      },
      ev.data);
}

}  // namespace binlake::binlog
