#include "cdc/start.h"

#include <spdlog/spdlog.h>

#include <cstring>

#include "cdc/cdc_task.h"
#include "fullload/task_state.h"
#include "source/replica_preflight.h"
#include "source/resume_plan.h"

namespace binlake {
namespace {

// Creation time of a binlog file: the timestamp of its FORMAT_DESCRIPTION event (offset 4).
Result<std::chrono::system_clock::time_point> FileCreationTime(const CdcTaskOptions& options,
                                                               const ConnectionConfig& source,
                                                               const std::string& file) {
  StreamOptions sopts;
  sopts.connection = source;
  sopts.task_key = options.task_key + "#start-time";
  sopts.server_id = 0;
  sopts.start = StreamStart::At(file, binlog::kFirstEventPosition);
  sopts.heartbeat_period = std::chrono::milliseconds(0);
  ASSIGN_OR_RETURN(auto stream, BinlogEventStream::Open(sopts));
  for (int i = 0; i < 8; ++i) {
    ASSIGN_OR_RETURN(StreamEvent ev, stream->Next());
    constexpr uint8_t kFormatDescription = 15;
    if (ev.type == kFormatDescription && ev.bytes.size() >= 4) {
      uint32_t ts;
      std::memcpy(&ts, ev.bytes.data(), 4);  // header timestamp, little-endian seconds
      return std::chrono::system_clock::time_point(std::chrono::seconds(ts));
    }
  }
  return Corruption("no FORMAT_DESCRIPTION at the start of " + file);
}

}  // namespace

Result<CdcStart> ResolveCdcStart(const CdcTaskOptions& options, ObjectStore& store,
                                 MysqlConnection& control) {
  CdcStart start;
  if (options.start) {
    start.stream_start = *options.start;
    start.found = true;
    if (options.start->kind == StreamStart::Kind::kFilePosition) {
      start.position.file = options.start->file;
      start.position.position = options.start->position;
      start.origin = "--start-position";
      start.literal = true;
    } else {  // a MariaDB GTID list or a MySQL GTID set
      start.position.gtid_set = options.start->gtid;
      start.origin = "--start-gtid";
    }
    return start;
  }
  if (options.start_time) {
    ASSIGN_OR_RETURN(auto rows, control.QueryRows("SHOW BINARY LOGS"));
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      if (it->empty() || !(*it)[0]) continue;
      ASSIGN_OR_RETURN(auto created, FileCreationTime(options, control.config(), *(*it)[0]));
      if (created <= *options.start_time || std::next(it) == rows.rend()) {
        start.position.file = *(*it)[0];
        start.position.position = binlog::kFirstEventPosition;  // the whole file
        start.stream_start = StreamStart::At(start.position.file, start.position.position);
        start.skip_before = options.start_time;
        start.origin = "--start-time";
        start.found = true;
        start.literal = true;
        return start;
      }
    }
    return PreconditionFailed("the source has no binary log to start from");
  }
  auto state_text = store.Get(FullLoadStateKey(options.settings.bucket_folder));
  if (state_text.ok()) {
    ASSIGN_OR_RETURN(FullLoadState state, ParseFullLoadState(*state_text));
    if (state.status != "complete") {
      return PreconditionFailed("the full load in " + store.Describe() +
                                " did not complete (status '" + state.status +
                                "'): run it again before starting CDC");
    }
    if (state.snapshot.empty()) {
      return PreconditionFailed("the full load in " + store.Describe() +
                                " recorded no binlog position (the binlog was off): give "
                                "--start-position or run a new full load");
    }
    start.position = state.snapshot;
    start.stream_start = StreamStart::At(state.snapshot.file, state.snapshot.position);
    start.origin = "the full load's snapshot";
    start.found = true;
    return start;
  }
  if (state_text.status().code() != StatusCode::kNotFound) return state_text.status();
  return start;  // not found: fine if a checkpoint exists
}

Result<binlog::BinlogPosition> RecoverCdcStart(CdcWriter& writer, const CdcStart& start,
                                               const ObjectStore& store, bool* resumed) {
  ASSIGN_OR_RETURN(binlog::BinlogPosition position, writer.Recover(start.position));
  *resumed = writer.last_checkpoint().sequence > 0;
  if (!*resumed && !start.found) {
    return PreconditionFailed(
        "no CDC start position: " + store.Describe() +
        " holds no complete full load and no CDC checkpoint; run `binlake full-load` (or "
        "`binlake run`), or give --start-position, --start-gtid or --start-time");
  }
  if (*resumed) {
    spdlog::info("resuming CDC from checkpoint {} at {}", writer.last_checkpoint().sequence,
                 position.ToString());
  } else {
    spdlog::info("starting CDC at {} ({})", position.ToString(), start.origin);
  }
  return position;
}

Result<PositionRecording> CompleteStartPosition(binlog::BinlogPosition* position, bool resumed,
                                                const CdcStart& start, MysqlConnection& control) {
  PositionRecording rec;
  if (position->file.empty()) return rec;  // a GTID start
  ASSIGN_OR_RETURN(SourceServer server, ReadSourceServer(control));
  const bool named = !position->server.empty();
  if (named &&
      (!position->gtid_set.empty() || position->server != server.identity || !server.is_mariadb)) {
    rec.gtids = !position->gtid_set.empty();
    return rec;
  }
  if (server.is_mariadb) {
    Result<std::string> gtid = MariaDbGtidPositionAt(control, *position);
    if (!gtid.ok()) {
      if (gtid.status().code() != StatusCode::kNotFound) return gtid.status();
      rec.server = named;  // the file is not here: the pre-flight says so
      return rec;
    }
    position->gtid_set = *gtid;
    position->server = server.identity;
    return rec;
  }
  // MySQL, unnamed.
  if (resumed) {
    rec.server = false;
  } else if (start.literal) {
    position->server = server.identity;
    rec.gtids = false;
    spdlog::info(
        "CDC starts at a file:position ({}): its checkpoints record no GTID set, so it cannot "
        "continue on another server after a failover (start from a full load or --start-gtid "
        "for that)",
        start.origin);
  } else {
    position->server = server.identity;
    rec.gtids = !position->gtid_set.empty();
  }
  return rec;
}

binlog::BinlogPosition ResumePosition(const CdcWriter& writer, const CdcStart& start) {
  return writer.last_checkpoint().sequence ? writer.last_checkpoint().position : start.position;
}

}  // namespace binlake
