#include "cdc/xa_tracker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>

#include "binlog/binlog_format.h"

namespace binlake {
namespace {

using binlog::GroupKind;

std::string Where(const std::string& file, uint64_t position) {
  return file + ":" + std::to_string(position);
}

}  // namespace

Status CdcXaTracker::Reset(const std::vector<CdcPendingXa>& pending) {
  pending_.clear();
  captured_bytes_ = 0;
  capture_.reset();
  capture_over_limit_ = false;
  for (const CdcPendingXa& p : pending) {
    Result<binlog::XaXid> xid = binlog::ParseXaXid(p.xid);
    if (!xid.ok()) return xid.status().WithContext("pending XA transaction in the CDC checkpoint");
    pending_[*xid] = Entry{p, nullptr};
  }
  if (!pending_.empty()) {
    spdlog::info("{} prepared XA transaction(s) pending from the checkpoint", pending_.size());
  }
  return Status::Ok();
}

void CdcXaTracker::AfterFeed(binlog::ByteView bytes, const binlog::PositionTracker& t,
                             bool group_ended) {
  if (bytes.size() > 4 && bytes[4] == static_cast<uint8_t>(binlog::EventType::kFormatDescription)) {
    format_description_.assign(bytes.begin(), bytes.end());
  }
  const bool body_ended = group_ended && binlog::IsXaBody(t.last_group());
  if (!capture_ && (t.in_xa_body() || body_ended)) {
    capture_ = std::make_shared<CapturedXaBody>();
    capture_->format_description = format_description_;
    capture_->bytes = format_description_.size();
    capture_over_limit_ = false;
  }
  if (capture_ && !capture_over_limit_) {
    if (captured_bytes_ + capture_->bytes + bytes.size() > capture_limit_) {
      capture_over_limit_ = true;  // re-read from the source when it commits
      capture_->events.clear();
    } else {
      capture_->events.emplace_back(t.event_start(), std::string(bytes.begin(), bytes.end()));
      capture_->bytes += bytes.size();
    }
  }
  if (group_ended && !body_ended) capture_.reset();
}

Status CdcXaTracker::OnGroupEnd(const binlog::PositionTracker& t) {
  const binlog::GroupInfo& g = t.last_group();
  if (g.kind == GroupKind::kTransaction) return Status::Ok();
  Entry entry{CdcPendingXa{g.xid.ToString(), g.gtid, g.file, g.start, g.end}, nullptr};
  if (binlog::IsXaBody(g)) {
    if (capture_ && !capture_over_limit_) entry.body = std::move(capture_);
    capture_.reset();
  }
  switch (g.kind) {
    case GroupKind::kTransaction:
      return Status::Ok();
    case GroupKind::kXaPrepare: {
      auto it = pending_.find(g.xid);
      if (it != pending_.end()) Drop(it);  // a server would not prepare an XID twice; keep the last
      if (entry.body) captured_bytes_ += entry.body->bytes;
      spdlog::debug("XA transaction {} prepared at {} (pending)", entry.at.xid,
                    Where(g.file, g.start));
      pending_.emplace(g.xid, std::move(entry));
      return Status::Ok();
    }
    case GroupKind::kXaRollback: {
      auto it = pending_.find(g.xid);
      if (it != pending_.end()) Drop(it);
      return Status::Ok();
    }
    case GroupKind::kXaOnePhase:
      return Replay(g.xid, &entry, /*search=*/false, t);
    case GroupKind::kXaCommit: {
      auto it = pending_.find(g.xid);
      RETURN_IF_ERROR(Replay(g.xid, it == pending_.end() ? nullptr : &it->second,
                             /*search=*/true, t));
      if (it != pending_.end()) Drop(it);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status CdcXaTracker::Replay(const binlog::XaXid& xid, const Entry* entry, bool search,
                            const binlog::PositionTracker& t) {
  const binlog::GroupInfo& g = t.last_group();
  const std::string commit = "XA COMMIT of " + xid.ToString() + " at " + Where(g.file, g.start);
  if (entry && entry->body) {
    ASSIGN_OR_RETURN(XaReplayResult r,
                     ReplayCapturedXaBody(*entry->body, xid, source_.pump, t, sink_));
    ++from_memory_;
    Forget(r);
    return Status::Ok();
  }
  Status recorded;
  if (entry) {
    spdlog::info("{}: re-reading its XA PREPARE at {} from the source", commit,
                 Where(entry->at.file, entry->at.start));
    Result<XaReplayResult> r = ReplayXaBodyFromSource(source_, entry->at, xid, t, sink_);
    if (r.ok()) {
      ++from_source_;
      Forget(*r);
      return Status::Ok();
    }
    const StatusCode code = r.status().code();
    if (!search || r.status().IsRetryable() || code == StatusCode::kCancelled ||
        code == StatusCode::kCorruption || code == StatusCode::kPermissionDenied) {
      return r.status().WithContext(commit);
    }
    // The recorded place does not hold the body (its file purged, or another server after a
    // failover): look for it.
    recorded = r.status();
    spdlog::warn(
        "{}: the XA PREPARE recorded at {} cannot be read ({}); looking for it in the "
        "source's binlogs",
        commit, Where(entry->at.file, entry->at.start), recorded.message());
  }
  ASSIGN_OR_RETURN(std::optional<CdcPendingXa> found,
                   FindXaBody(source_, xid, binlog::BinlogPosition{g.file, g.start, ""}));
  if (!found) {
    const std::string why =
        entry ? "its XA PREPARE recorded at " + Where(entry->at.file, entry->at.start) +
                    " cannot be read (" + recorded.message() + ") and no other is"
              : "it was prepared before CDC's start position and its XA PREPARE is not";
    return PreconditionFailed(commit + ": " + why +
                              " in the source's binlogs (purged?), so its rows cannot be "
                              "delivered; binlake stops rather than lose them (a new full load "
                              "recovers)");
  }
  spdlog::info("{}: its XA PREPARE is at {}", commit, Where(found->file, found->start));
  Result<XaReplayResult> r = ReplayXaBodyFromSource(source_, *found, xid, t, sink_);
  if (!r.ok()) return r.status().WithContext(commit);
  ++from_source_;
  Forget(*r);
  return Status::Ok();
}

void CdcXaTracker::Forget(const XaReplayResult& r) {
  for (uint64_t serial : r.table_map_serials) sink_->ForgetTableMap(serial);
}

void CdcXaTracker::Drop(std::map<binlog::XaXid, Entry>::iterator it) {
  if (it->second.body) captured_bytes_ -= it->second.body->bytes;
  pending_.erase(it);
}

std::vector<CdcPendingXa> CdcXaTracker::Pending() const {
  std::vector<CdcPendingXa> out;
  for (const auto& [xid, e] : pending_) out.push_back(e.at);
  std::sort(out.begin(), out.end(), [](const CdcPendingXa& a, const CdcPendingXa& b) {
    return std::tie(a.file, a.start) < std::tie(b.file, b.start);
  });
  return out;
}

}  // namespace binlake
