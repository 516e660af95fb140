#include "cdc/cdc_task.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "binlog/event_pump.h"
#include "binlog/gtid_set_tracker.h"
#include "cdc/cancel_watcher.h"
#include "cdc/cdc_sink.h"
#include "cdc/schema_history.h"
#include "cdc/settings_record.h"
#include "cdc/start.h"
#include "cdc/xa_tracker.h"
#include "common/health.h"
#include "common/metrics.h"
#include "source/binlog_backlog.h"
#include "source/catalog.h"
#include "source/read_ahead_policy.h"
#include "source/replica_preflight.h"
#include "source/replica_retry.h"
#include "source/replica_server_id.h"
#include "source/resume_stream.h"
#include "source/source_hosts.h"

namespace binlake {
namespace {

using Clock = std::chrono::system_clock;

std::chrono::milliseconds HeartbeatFor(const S3Settings& s) {
  // Idle streams must still wake the loop often enough to honor CdcMaxBatchInterval.
  int64_t ms = static_cast<int64_t>(s.cdc_max_batch_interval_s) * 1000 / 2;
  return std::chrono::milliseconds(std::clamp<int64_t>(ms, 250, 15000));
}

// Says where the stream resumed: the pre-flight's findings when the server is new to this run,
// and a failover (another server than the one `request`'s position was taken on) as a warning.
void LogResume(const ResumedStream& opened, const ResumeRequest& request,
               const std::string& previous_server) {
  const std::string source = opened.control->config().Describe();
  if (opened.server.identity != previous_server) {
    for (const std::string& w : opened.preflight.warnings) spdlog::warn("{}", w);
    for (const std::string& i : opened.preflight.info) spdlog::info("{}", i);
  }
  if (opened.plan.other_server) {
    spdlog::warn("{} was taken on another server ({}, at {}); continuing on {} ({}) after {}",
                 request.what, request.position.server, request.position.ToString(), source,
                 opened.server.identity, opened.plan.start.ToString());
  } else if (!previous_server.empty() || opened.plan.by_gtid) {
    spdlog::info("streaming from {} ({}) after {}", source, opened.server.identity,
                 opened.plan.start.ToString());
  }
}

}  // namespace

Result<CdcRunResult> RunCdc(const CdcTaskOptions& options, ObjectStore& store) {
  CdcRunResult result;
  // The first host of --source that answers, for the catalog and the start; the stream then
  // goes to the first usable one (OpenResumedStream), and this connection is replaced by one to
  // the stream's server.
  health::SetUsesSource(true);
  ASSIGN_OR_RETURN(auto control, ConnectFirstUsable(options.source, nullptr));
  std::map<std::string, TableSchema> catalog;
  {
    ASSIGN_OR_RETURN(auto tables, ReadCatalog(*control));
    for (auto& t : tables)
      catalog.emplace(t.schema.schema + "." + t.schema.table, std::move(t.schema));
  }

  CdcWriterOptions wopts;
  wopts.settings = options.settings;
  wopts.writer_factory = options.writer_factory;
  wopts.file_extension = options.file_extension;
  wopts.sequence_column_name = options.sequence_column_name;
  wopts.checkpoints_to_keep = options.settings.cdc_checkpoints_to_keep;
  wopts.commit_log_group = options.settings.cdc_commit_log_group;
  wopts.lease_holder = options.lease_holder;
  wopts.lease_term = options.lease_term;
  GtidSetTracker gtids;  // the executed set after the last transaction given to the writer
  PositionRecording recording;
  wopts.gtid_set_after_batch = [&gtids, &recording] {
    return recording.gtids ? gtids.ToString() : std::string();
  };
  // Prepared XA transactions (cdc/xa_tracker.h), set up below; the writer asks for them at
  // each checkpoint, like for the GTID set.
  std::unique_ptr<CdcXaTracker> xa;
  wopts.pending_xa_after_batch = [&xa] { return xa->Pending(); };
  SchemaHistory history(&store, options.settings.bucket_folder);
  wopts.before_checkpoint = [&history, &options] {
    if (options.may_commit) RETURN_IF_ERROR(options.may_commit());
    return history.Flush();
  };
  ASSIGN_OR_RETURN(std::unique_ptr<CdcWriter> writer, CdcWriter::Create(&store, wopts));

  ASSIGN_OR_RETURN(CdcStart start, ResolveCdcStart(options, store, *control));
  bool resumed = false;
  ASSIGN_OR_RETURN(binlog::BinlogPosition position,
                   RecoverCdcStart(*writer, start, store, &resumed));
  ASSIGN_OR_RETURN(recording, CompleteStartPosition(&position, resumed, start, *control));
  if (!resumed) start.position = position;  // ResumePosition before the first checkpoint
  if (options.fence && resumed) RETURN_IF_ERROR(writer->Fence());
  // The settings this run's files are written with, for readers of the target.
  RETURN_IF_ERROR(RecordCdcSettings(
      store, options.settings.bucket_folder, writer->last_checkpoint().sequence + 1,
      CdcSettingsJson(options.settings, options.sequence_column_name)));

  if (!gtids.Reset(position.gtid_set).ok()) gtids = GtidSetTracker();

  CdcSinkOptions sink_options;
  sink_options.mappings = options.mappings;
  sink_options.sequence_column_name = options.sequence_column_name;
  sink_options.stop_at_time = options.stop_at_time;
  CdcSink sink(std::move(sink_options), writer.get(), &catalog, control.get(), &history);
  if (!resumed && start.skip_before) sink.SetSkipBefore(*start.skip_before);
  binlog::PumpOptions pump_options;
  pump_options.schema_hints = [&sink](std::string_view s, std::string_view t) {
    return sink.Hint(s, t);
  };
  xa =
      std::make_unique<CdcXaTracker>(XaSource{options.source, pump_options, options.cancel}, &sink);
  RETURN_IF_ERROR(xa->Reset(writer->last_checkpoint().pending_xa));

  std::optional<std::chrono::steady_clock::time_point> first_event;
  SystemRetryClock retry_clock;
  CancelWatcher watcher(options.cancel, &retry_clock);
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };

  StreamOptions sopts;
  sopts.connection = options.source;
  sopts.server_id = ReplicaServerId(options.server_id, options.task_key);
  sopts.task_key = options.task_key;
  sopts.heartbeat_period = HeartbeatFor(options.settings);
  // MariaDB's ANNOTATE_ROWS (each row event's SQL statement) is not part of CDC output: not
  // asking for it spares the source sending, and us receiving, a quarter of a typical stream.
  sopts.annotate_rows = false;
  // Reading ahead on a thread of its own needs a CPU to spare (ReadAheadPays).
  if (const unsigned cpus = UsableCpus(); !ReadAheadPays(options.source, cpus)) {
    sopts.prefetch_bytes = 0;
    spdlog::info("reading the binlog stream on the decoding thread ({} usable CPUs{})", cpus,
                 cpus > 1 ? ", one taken by the source on this host" : "");
  }

  std::string stream_server;  // identity of the server streamed from; "" before the first
  // binlake_cdc_source_behind_bytes: SHOW BINARY LOGS on the control connection, between
  // transactions, at most every kBacklogPollInterval (a query of a few ms on the source).
  constexpr auto kBacklogPollInterval = std::chrono::seconds(10);
  std::optional<Clock::time_point> last_backlog_poll;
  bool backlog_warned = false;
  while (true) {
    const bool committed = writer->last_checkpoint().sequence > 0;
    ResumeRequest request{position, committed ? "the checkpoint" : start.origin,
                          !committed && start.literal};
    auto opened = OpenResumedStream(sopts, request, options.reconnect, retry_clock);
    if (!opened.ok()) {
      if (opened.status().code() == StatusCode::kCancelled || cancelled()) {
        result.stop_reason = "interrupted";
        break;
      }
      return opened.status();
    }
    LogResume(*opened, request, stream_server);
    health::SetSourceConnected(true);
    stream_server = opened->server.identity;
    // Catalog reads go to the stream's server from now on (the old one may be gone).
    sink.SetControl(opened->control.get());
    control = std::move(opened->control);
    std::unique_ptr<BinlogEventStream> stream = std::move(opened->stream);
    watcher.SetStreamCanceller([s = stream.get()] { s->Cancel(); });
    // Cleared before `stream` is destroyed, on every way out of this iteration.
    struct ClearCanceller {
      CancelWatcher& watcher;
      ~ClearCanceller() { watcher.SetStreamCanceller(nullptr); }
    } clear_canceller{watcher};
    binlog::EventPump pump(pump_options, &sink);
    pump.StartFile(stream->current_file(), stream->next_position());
    sink.Reset();
    sink.SetTracker(&pump.position());
    Status stream_error;
    bool stop = false;
    // Where the stream is against --stop-at, the file comparison redone only when the stream's
    // file changes (this runs for every event).
    struct StopAt {
      const binlog::BinlogPosition* position;
      std::string file;  // the stream's file the comparison was made for
      int file_order = 0;
      bool Reached(const BinlogEventStream& s) {
        if (s.current_file() != file) {
          file = s.current_file();
          const uint64_t a = binlog::BinlogFileNumber(file);
          const uint64_t b = binlog::BinlogFileNumber(position->file);
          file_order = file == position->file ? 0 : a < b ? -1 : a > b ? 1 : 0;
        }
        return file_order > 0 || (file_order == 0 && s.next_position() >= position->position);
      }
    } stop_at{options.stop_at_position ? &*options.stop_at_position : nullptr, "", 0};
    int events_since_check = 0;
    uint32_t events_since_tick = 0;
    uint64_t last_commit_us = 0;  // of the last transaction read (binlake_cdc_source_behind)
    while (!stop) {
      if (cancelled() && !pump.position().in_transaction() && !sink.transaction_open()) {
        result.stop_reason = "interrupted";
        stop = true;
        break;
      }
      // Everything before the stop position is read, though no transaction ended at or after
      // it (the binlog rotated after the last one, and the stop position is the new file's
      // head, as SHOW MASTER STATUS gives it): done, rather than wait for a transaction.
      if (options.stop_at_position && !pump.position().in_transaction() &&
          !sink.transaction_open() && stop_at.Reached(*stream)) {
        result.stop_reason = "stop position reached";
        stop = true;
        break;
      }
      Result<StreamEvent> ev = stream->Next();
      if (!ev.ok()) {
        stream_error = ev.status();
        break;
      }
      if (!first_event) first_event = std::chrono::steady_clock::now();
      if (ev->IsHeartbeat() || (events_since_tick++ & 1023) == 0) health::Tick();
      if (ev->IsFakeRotate()) {
        pump.StartFile(stream->current_file(), stream->next_position());
        continue;
      }
      if (!ev->IsHeartbeat()) {
        uint64_t before = pump.position().transactions();
        Status fed = pump.Feed(ev->bytes, ev->position, ev->crc32_verified);
        if (!fed.ok()) return fed;
        const bool ended = pump.position().transactions() != before;
        xa->AfterFeed(ev->bytes, pump.position(), ended);
        if (ended) {
          // A transaction ended with this event.
          const binlog::PositionTracker& t = pump.position();
          ++result.transactions;
          metrics::CdcTransactions().Increment();
          last_commit_us = t.commit_timestamp_us();
          if (sink.stop_requested() ||
              (options.stop_at_time && Clock::time_point(std::chrono::microseconds(
                                           t.commit_timestamp_us())) >= *options.stop_at_time)) {
            // Committed at or after the stop time: left out (its rows were skipped).
            result.stop_reason = "stop time reached";
            stop = true;
            break;
          }
          // The GTID set goes into a checkpoint only when one is written (the writer asks).
          gtids.Add(t.last_commit_gtid());
          binlog::BinlogPosition after = t.last_commit();  // without a GTID set
          if (recording.server) after.server = stream_server;
          // XA: a commit's rows are handed to the sink now; a prepare becomes pending.
          if (Status x = xa->OnGroupEnd(t); !x.ok()) {
            if (!x.IsRetryable() && x.code() != StatusCode::kCancelled) return x;
            stream_error = x;
            break;
          }
          if (!sink.transaction_open()) writer->BeginTransaction(t.commit_timestamp_us());
          RETURN_IF_ERROR(writer->EndTransaction(after, t.last_commit_gtid()));
          sink.TransactionEnded();
          position = after;
          if (options.stop_at_position && binlog::AtOrAfter(after, *options.stop_at_position)) {
            result.stop_reason = "stop position reached";
            stop = true;
            break;
          }
        }
      }
      // The batch thresholds are checked between transactions, at most every 64 events (the
      // clock is not free) and at every heartbeat (an idle source still flushes on time).
      if ((ev->IsHeartbeat() || ++events_since_check >= 64) && !pump.position().in_transaction() &&
          !sink.transaction_open()) {
        events_since_check = 0;
        const Clock::time_point now = Clock::now();
        // A heartbeat comes only when the source has nothing more to send: caught up.
        const int64_t behind_us =
            ev->IsHeartbeat() || last_commit_us == 0
                ? 0
                : std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch())
                          .count() -
                      static_cast<int64_t>(last_commit_us);
        metrics::CdcSourceBehindSeconds().Set(std::max<int64_t>(behind_us, 0) / 1e6);
        if (!last_backlog_poll || now - *last_backlog_poll >= kBacklogPollInterval) {
          last_backlog_poll = now;
          auto backlog = QueryBinlogBytesAfter(*control, position.file, position.position);
          if (backlog.ok()) {
            metrics::CdcSourceBehindBytes().Set(static_cast<double>(*backlog));
          } else if (!backlog_warned) {  // the metric only: say it once
            backlog_warned = true;
            spdlog::info("binlake_cdc_source_behind_bytes is not measured: {}",
                         backlog.status().message());
          }
        }
        if (writer->ShouldCommit(now)) RETURN_IF_ERROR(writer->Commit());
      }
    }
    if (stop) break;
    if (stream_error.code() == StatusCode::kCancelled || cancelled()) {
      result.stop_reason = "interrupted";
      if (sink.transaction_open() || pump.position().in_transaction()) {
        // The transaction in progress is incomplete: drop the batch; it is re-read next time.
        writer->Abort();
      }
      break;
    }
    if (!stream_error.IsRetryable()) return stream_error;
    // Lost the source: drop the open batch and resume from the last checkpoint.
    spdlog::warn("binlog stream lost ({}); reconnecting", stream_error.message());
    health::SetSourceConnected(false, "binlog stream lost: " + stream_error.message());
    writer->Abort();
    ++result.reconnects;
    metrics::SourceReconnects().Increment();
    position = ResumePosition(*writer, start);
    if (!gtids.Reset(position.gtid_set).ok()) gtids = GtidSetTracker();
    RETURN_IF_ERROR(xa->Reset(writer->last_checkpoint().pending_xa));
  }
  if (!writer->batch_empty()) RETURN_IF_ERROR(writer->Commit());
  result.last_checkpoint = writer->last_checkpoint();
  result.row_changes = sink.row_changes();
  if (first_event) {
    result.stream_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *first_event).count();
  }
  return result;
}

}  // namespace binlake
