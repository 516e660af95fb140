#include "cdc/xa_replay.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>

#include "binlog/binlog_format.h"
#include "source/binlog_stream.h"
#include "source/mysql_connection.h"

namespace binlake {
namespace {

using binlog::GroupKind;

// Passes on the rows of the XA body of `xid` as changes at `commit`; refuses rows of anything
// else (see the header comment).
class XaBodySink : public binlog::EventSink {
 public:
  XaBodySink(const binlog::XaXid& xid, const binlog::PositionTracker& commit,
             binlog::EventSink* target)
      : xid_(xid), commit_(commit), target_(target) {}

  Status OnEvent(const binlog::Event& ev, bool inner) override {
    if (const auto* g = std::get_if<binlog::MariaGtidEvent>(&ev.data)) {
      body_xid_ = g->prepared_xa() ? g->xa_xid : std::nullopt;
    } else if (std::holds_alternative<binlog::MySqlGtidEvent>(ev.data)) {
      body_xid_.reset();
    } else if (const auto* q = std::get_if<binlog::QueryEvent>(&ev.data)) {
      if (q->xa && q->xa->verb == binlog::XaVerb::kStart) body_xid_ = q->xa->xid;
    }
    return Status::Ok();
  }

  Status OnRowChange(const binlog::RowChangeEvent& row) override {
    if (!row.position->in_xa_body() || !body_xid_ || *body_xid_ != xid_) {
      return NotFound("the rows there are not those of XA transaction " + xid_.ToString());
    }
    result_.table_map_serials.insert(row.table->serial);
    binlog::RowChangeEvent at_commit = row;
    at_commit.position = &commit_;
    ++result_.rows;
    return target_->OnRowChange(at_commit);
  }

  XaReplayResult& result() { return result_; }

 private:
  const binlog::XaXid& xid_;
  const binlog::PositionTracker& commit_;
  binlog::EventSink* target_;
  std::optional<binlog::XaXid> body_xid_;
  XaReplayResult result_;
};

// Reads `file` from `start` with a non-blocking dump and feeds every event to `pump` until
// `done()` (true) or the end of the file or of the binlog (false).
Result<bool> ReadFileRange(const XaSource& source, const std::string& file, uint64_t start,
                           binlog::EventPump* pump, const std::function<bool()>& done) {
  StreamOptions options;
  options.connection = source.connection;
  options.start = StreamStart::At(file, start);
  options.non_blocking = true;
  options.heartbeat_period = std::chrono::milliseconds(0);
  options.annotate_rows = false;
  options.prefetch_bytes = 0;
  ASSIGN_OR_RETURN(std::unique_ptr<BinlogEventStream> stream, BinlogEventStream::Open(options));
  pump->StartFile(file, start);
  while (true) {
    if (source.cancel && source.cancel->load()) return Cancelled("XA re-read cancelled");
    Result<StreamEvent> ev = stream->Next();
    if (!ev.ok()) {
      if (ev.status().code() == StatusCode::kNotFound) return false;  // end of the binlog
      return ev.status();
    }
    if (ev->IsFakeRotate()) {
      if (stream->current_file() != file) return false;
      pump->StartFile(stream->current_file(), stream->next_position());
      continue;
    }
    if (ev->IsHeartbeat()) continue;
    if (ev->type == static_cast<uint8_t>(binlog::EventType::kRotate)) return false;  // file end
    RETURN_IF_ERROR(pump->Feed(ev->bytes, ev->position, ev->crc32_verified));
    if (done()) return true;
  }
}

}  // namespace

Result<XaReplayResult> ReplayCapturedXaBody(const CapturedXaBody& body, const binlog::XaXid& xid,
                                            const binlog::PumpOptions& pump_options,
                                            const binlog::PositionTracker& commit,
                                            binlog::EventSink* sink) {
  XaBodySink forward(xid, commit, sink);
  binlog::EventPump pump(pump_options, &forward);
  pump.StartFile("", binlog::kFirstEventPosition);
  auto fail = [&](const Status& st) {
    return Status(st.code() == StatusCode::kNotFound ? StatusCode::kCorruption : st.code(),
                  "replaying XA transaction " + xid.ToString() + " from memory: " + st.message());
  };
  const std::string& fde = body.format_description;
  Status st = pump.Feed(binlog::ByteView(reinterpret_cast<const uint8_t*>(fde.data()), fde.size()),
                        binlog::kFirstEventPosition);
  if (!st.ok()) return fail(st);
  for (const auto& [offset, bytes] : body.events) {
    st = pump.Feed(binlog::ByteView(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
                   offset);
    if (!st.ok()) return fail(st);
  }
  const binlog::GroupInfo& g = pump.position().last_group();
  if (pump.position().transactions() != 1 || !binlog::IsXaBody(g) || g.xid != xid) {
    return fail(Corruption("the captured events are not its body"));
  }
  return std::move(forward.result());
}

Result<XaReplayResult> ReplayXaBodyFromSource(const XaSource& source, const CdcPendingXa& at,
                                              const binlog::XaXid& xid,
                                              const binlog::PositionTracker& commit,
                                              binlog::EventSink* sink) {
  XaBodySink forward(xid, commit, sink);
  binlog::EventPump pump(source.pump, &forward);
  const std::string where = at.file + ":" + std::to_string(at.start);
  Result<bool> read = ReadFileRange(source, at.file, at.start, &pump,
                                    [&] { return pump.position().transactions() > 0; });
  const uint64_t passed_on = forward.result().rows;
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound && passed_on > 0) {
      return Corruption("re-reading XA transaction " + xid.ToString() + " at " + where + ": " +
                        read.status().message());
    }
    return read.status().WithContext("re-reading XA transaction " + xid.ToString() + " at " +
                                     where);
  }
  const binlog::GroupInfo& g = pump.position().last_group();
  if (!*read || !binlog::IsXaBody(g) || g.xid != xid || g.start != at.start ||
      (at.end != 0 && g.end != at.end)) {
    Status st(
        passed_on > 0 ? StatusCode::kCorruption : StatusCode::kNotFound,
        "the binlog at " + where + " does not hold the body of XA transaction " + xid.ToString());
    return st;
  }
  return std::move(forward.result());
}

Result<std::optional<CdcPendingXa>> FindXaBody(const XaSource& source, const binlog::XaXid& xid,
                                               const binlog::BinlogPosition& commit) {
  std::vector<TextRow> logs;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<MysqlConnection> conn,
                     MysqlConnection::Open(source.connection));
    ASSIGN_OR_RETURN(logs, conn->QueryRows("SHOW BINARY LOGS"));
  }
  std::vector<std::string> files;
  for (const TextRow& row : logs) {
    if (!row.empty() && row[0]) files.push_back(*row[0]);
  }
  size_t at = files.size();
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i] == commit.file) at = i;
  }
  if (at == files.size()) {
    return NotFound("binlog file " + commit.file + " is not listed by SHOW BINARY LOGS");
  }
  binlog::PumpOptions options = source.pump;
  options.decode_rows = false;
  for (size_t i = at + 1; i-- > 0;) {
    spdlog::info("looking for the XA PREPARE of {} in {}", xid.ToString(), files[i]);
    binlog::EventSink ignore;
    binlog::EventPump pump(options, &ignore);
    std::optional<CdcPendingXa> found;
    bool resolved = false;  // an older transaction of the XID ends after the last body seen
    uint64_t groups = 0;
    auto done = [&] {
      const binlog::PositionTracker& t = pump.position();
      if (t.transactions() != groups) {
        groups = t.transactions();
        const binlog::GroupInfo& g = t.last_group();
        if (g.kind != GroupKind::kTransaction && g.xid == xid) {
          if (g.kind == GroupKind::kXaPrepare) {
            found = CdcPendingXa{xid.ToString(), g.gtid, g.file, g.start, g.end};
            resolved = false;
          } else {
            found.reset();
            resolved = true;
          }
        }
      }
      return files[i] == commit.file && t.next_position() >= commit.position;
    };
    ASSIGN_OR_RETURN(bool stopped,
                     ReadFileRange(source, files[i], binlog::kFirstEventPosition, &pump, done));
    (void)stopped;
    if (found) return found;
    if (resolved) return std::optional<CdcPendingXa>();
  }
  return std::optional<CdcPendingXa>();
}

}  // namespace binlake
