#include "cdc/cdc_task.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>
#include <set>
#include <span>
#include <thread>
#include <unordered_map>

#include "binlog/event_pump.h"
#include "binlog/gtid_set_tracker.h"
#include "cdc/ddl_target.h"
#include "cdc/schema_history.h"
#include "cdc/start.h"
#include "source/catalog.h"
#include "source/replica_preflight.h"
#include "source/replica_retry.h"
#include "transform/cdc_row_filter.h"

namespace binlake {
namespace {

using Clock = std::chrono::system_clock;

// "binlog.000042" -> 42 (0 if the name has no numeric suffix).
uint64_t FileNumber(std::string_view file) {
  size_t dot = file.rfind('.');
  uint64_t n = 0;
  if (dot != std::string_view::npos) {
    std::from_chars(file.data() + dot + 1, file.data() + file.size(), n);
  }
  return n;
}

bool AtOrAfter(const BinlogPosition& a, const BinlogPosition& b) {
  if (a.file == b.file) return a.position >= b.position;  // (per transaction: the usual case)
  uint64_t fa = FileNumber(a.file), fb = FileNumber(b.file);
  if (fa != fb) return fa > fb;
  return a.position >= b.position;
}

// The decoded stream's consumer: turns row changes of selected tables into CdcWriter calls.
class CdcSink : public binlog::EventSink {
 public:
  CdcSink(const CdcTaskOptions& options, CdcWriter* writer,
          std::map<std::string, TableSchema>* catalog, MysqlConnection* control,
          SchemaHistory* history)
      : options_(options),
        writer_(writer),
        catalog_(catalog),
        control_(control),
        history_(history) {}

  Status OnEvent(const binlog::Event& ev, bool inner) override {
    const auto* q = std::get_if<binlog::QueryEvent>(&ev.data);
    if (!q) return Status::Ok();
    std::optional<DdlTarget> ddl = ParseDdlTarget(q->statement, q->schema);
    if (!ddl) return Status::Ok();
    if (!SelectsTable(ddl->schema, ddl->table)) return Status::Ok();
    writer_->AddDdl(ddl->schema, ddl->table);
    spdlog::info("DDL on {}.{}: {}", ddl->schema, ddl->table, q->statement.substr(0, 200));
    if (tracker_ && !skip_transaction_) {
      BinlogPosition at;
      at.file = tracker_->file();
      at.position = tracker_->event_start();
      RETURN_IF_ERROR(history_->RecordDdl(ddl->schema, ddl->table, ddl->kind, q->statement, at,
                                          ev.header.timestamp));
    }
    RefreshCatalog();  // hints for maps without full metadata follow the new columns
    output_schemas_.clear();
    return Status::Ok();
  }

  Status OnRowChange(const binlog::RowChangeEvent& row) override {
    const binlog::TableMap* map = row.table;
    if (!Selected(*map)) return Status::Ok();
    if (skip_transaction_) return Status::Ok();
    if (skip_before_ && std::chrono::system_clock::time_point(std::chrono::microseconds(
                            row.position->commit_timestamp_us())) < *skip_before_) {
      return Status::Ok();  // before --start-time
    }
    if (options_.stop_at_time &&
        std::chrono::system_clock::time_point(std::chrono::microseconds(
            row.position->commit_timestamp_us())) >= *options_.stop_at_time) {
      stop_requested_ = true;  // the loop stops at this transaction's end, without it
      skip_transaction_ = true;
      return Status::Ok();
    }
    bool created = false;
    const OutputTable& output = OutputSchema(*map, &created);
    const TableSchema& schema = output.schema;
    // A map's first row always creates its description: the history hears of it then.
    if (created && recorded_serials_.insert(map->serial).second) {
      BinlogPosition at;
      at.file = row.position->file();
      at.position = row.position->event_start();
      history_->Observe(schema, at);  // in the background; the next commit waits for it
    }
    if (!output.filter_status.ok()) return output.filter_status;
    if (output.filter.active() && !FilterPasses(output.filter, *row.change)) return Status::Ok();
    if (!transaction_open_) {
      writer_->BeginTransaction(row.position->commit_timestamp_us());
      transaction_open_ = true;
    }
    const binlog::RowImage* image =
        row.change->op == binlog::RowOp::kDelete ? row.change->before : row.change->after;
    char op = row.change->op == binlog::RowOp::kInsert   ? 'I'
              : row.change->op == binlog::RowOp::kUpdate ? 'U'
                                                         : 'D';
    std::span<const Value> values = image->values;
    if (output.has_json) {
      values_.assign(image->values.begin(), image->values.end());
      for (size_t i = 0; i < values_.size() && i < schema.columns.size(); ++i) {
        // MariaDB JSON arrives as LONGTEXT text: render it as the JSON the full load writes.
        if (schema.columns[i].type.type == SqlType::kJson &&
            values_[i].kind() == Value::Kind::kString) {
          values_[i] = Value::Json(values_[i].text());
        }
      }
      values = values_;
    }
    if (!options_.sequence_column_name.empty()) {
      // Strictly increasing change sequence from the position: file, event, row in the event.
      uint64_t start = row.position->event_start();
      if (start != sequence_event_ || row.position->file() != sequence_file_) {
        sequence_event_ = start;
        sequence_file_ = row.position->file();
        sequence_row_ = 0;
      }
      sequence_ =
          fmt::format("{:06}{:012}{:07}", FileNumber(sequence_file_), start, sequence_row_++);
    }
    ++row_changes_;
    return writer_->AddChange(schema, output.token, op, values, sequence_);
  }

  // Called after each fed event; true when a transaction ended in it.
  bool transaction_open() const { return transaction_open_; }
  void TransactionEnded() {
    transaction_open_ = false;
    skip_transaction_ = false;
  }
  bool stop_requested() const { return stop_requested_; }
  void SetSkipBefore(std::chrono::system_clock::time_point t) { skip_before_ = t; }
  // The pump's position (file and event offset of the event being handled).
  void SetTracker(const binlog::PositionTracker* tracker) { tracker_ = tracker; }
  void Reset() {
    transaction_open_ = false;
    skip_transaction_ = false;
    output_schemas_.clear();
    selected_.clear();
  }
  uint64_t row_changes() const { return row_changes_; }

  const TableSchema* Hint(std::string_view schema, std::string_view table) const {
    auto it = catalog_->find(std::string(schema) + "." + std::string(table));
    return it == catalog_->end() ? nullptr : &it->second;
  }

 private:
  // A table's columns as written, with the token that names this description to the writer.
  struct OutputTable {
    TableSchema schema;
    uint64_t token = 0;
    CdcRowFilter filter;    // the mappings' source filters on these columns
    Status filter_status;   // why the filters do not apply to these columns (stops the task)
    bool has_json = false;  // a JSON column (its text values become Value::Json)
  };

  // An UPDATE passes if either image does (cdc_row_filter.h); others by their one image.
  static bool FilterPasses(const CdcRowFilter& filter, const binlog::RowChange& change) {
    auto passes = [&](const binlog::RowImage* image) {
      return image && filter.Passes(image->values, image->present);
    };
    if (change.op == binlog::RowOp::kUpdate) return passes(change.before) || passes(change.after);
    return passes(change.op == binlog::RowOp::kDelete ? change.before : change.after);
  }

  // Whether the task replicates the map's table (SelectsTable), decided once per table map
  // (matching the rules' patterns for every row was ~2% of a catch-up).
  bool Selected(const binlog::TableMap& map) {
    auto [it, inserted] = selected_.try_emplace(map.serial, false);
    if (inserted) it->second = SelectsTable(map.schema.schema, map.schema.table);
    return it->second;
  }

  // The task's selection: the mappings' rules, else every table outside the system schemas.
  bool SelectsTable(std::string_view schema, std::string_view table) const {
    return options_.mappings ? options_.mappings->Selects(schema, table) : !IsSystemSchema(schema);
  }

  // The map's schema with the catalog's knowledge the binlog lacks (MariaDB JSON columns).
  // `*created` tells whether this call made the description (else it was cached).
  const OutputTable& OutputSchema(const binlog::TableMap& map, bool* created) {
    auto it = output_schemas_.find(map.serial);
    if (it != output_schemas_.end()) return it->second;
    *created = true;
    TableSchema out = map.schema;
    const TableSchema* hint = Hint(out.schema, out.table);
    if (hint && hint->columns.size() == out.columns.size()) {
      for (size_t i = 0; i < out.columns.size(); ++i) {
        if (hint->columns[i].type.type == SqlType::kJson &&
            out.columns[i].type.type == SqlType::kText) {
          out.columns[i].type.type = SqlType::kJson;
        }
      }
    }
    for (size_t i = 0; i < out.columns.size(); ++i) {
      if (out.columns[i].name.empty()) out.columns[i].name = map.ColumnLabel(i);
    }
    OutputTable table{std::move(out), ++last_token_, {}, Status::Ok()};
    for (const Column& c : table.schema.columns) {
      if (c.type.type == SqlType::kJson) table.has_json = true;
    }
    if (options_.mappings) {
      // The mappings' source filters, on this description's columns (names from the map's full
      // metadata or the catalog).
      auto filter = CdcRowFilter::Compile(
          options_.mappings->SelectingRulesFor(table.schema.schema, table.schema.table),
          table.schema);
      if (filter.ok()) {
        table.filter = std::move(*filter);
      } else {
        table.filter_status = filter.status();
      }
    }
    return output_schemas_.emplace(map.serial, std::move(table)).first->second;
  }

  void RefreshCatalog() {
    if (!control_) return;
    auto fresh = ReadCatalog(*control_);
    if (!fresh.ok()) {
      spdlog::warn("could not re-read the catalog after a DDL: {}", fresh.status().message());
      return;
    }
    catalog_->clear();
    for (auto& t : *fresh) {
      catalog_->emplace(t.schema.schema + "." + t.schema.table, std::move(t.schema));
    }
  }

  const CdcTaskOptions& options_;
  CdcWriter* writer_;
  std::map<std::string, TableSchema>* catalog_;
  MysqlConnection* control_;
  SchemaHistory* history_;
  const binlog::PositionTracker* tracker_ = nullptr;
  std::unordered_map<uint64_t, OutputTable> output_schemas_;  // by table map serial
  std::unordered_map<uint64_t, bool> selected_;               // by table map serial
  uint64_t last_token_ = 0;              // never reused, so a token always means one description
  std::set<uint64_t> recorded_serials_;  // table maps whose schema was given to the history
  std::vector<Value> values_;
  std::string sequence_;
  std::string sequence_file_;
  uint64_t sequence_event_ = 0;
  uint64_t sequence_row_ = 0;
  bool transaction_open_ = false;
  bool skip_transaction_ = false;
  bool stop_requested_ = false;
  std::optional<std::chrono::system_clock::time_point> skip_before_;
  uint64_t row_changes_ = 0;
};

// Watches `cancel` and interrupts a blocked stream read and the reconnect sleeps.
class CancelWatcher {
 public:
  CancelWatcher(const std::atomic<bool>* cancel, SystemRetryClock* clock)
      : cancel_(cancel), clock_(clock) {
    if (!cancel_) return;
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!done_) {
        if (cancel_->load()) {
          clock_->Interrupt();
          // Give the loop a moment to finish the transaction it is in, then cut the stream.
          if (cv_.wait_for(lock, std::chrono::seconds(3), [this] { return done_; })) return;
          if (stream_) stream_->Cancel();
          return;
        }
        cv_.wait_for(lock, std::chrono::milliseconds(100));
      }
    });
  }
  ~CancelWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void SetStream(BinlogEventStream* s) {
    std::lock_guard<std::mutex> lock(mu_);
    stream_ = s;
  }

 private:
  const std::atomic<bool>* cancel_;
  SystemRetryClock* clock_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  BinlogEventStream* stream_ = nullptr;
  bool done_ = false;
};

std::chrono::milliseconds HeartbeatFor(const S3Settings& s) {
  // Idle streams must still wake the loop often enough to honor CdcMaxBatchInterval.
  int64_t ms = static_cast<int64_t>(s.cdc_max_batch_interval_s) * 1000 / 2;
  return std::chrono::milliseconds(std::clamp<int64_t>(ms, 250, 15000));
}

}  // namespace

Result<BinlogPosition> ParseFilePosition(std::string_view text) {
  size_t colon = text.rfind(':');
  uint64_t pos = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      std::from_chars(text.data() + colon + 1, text.data() + text.size(), pos).ptr !=
          text.data() + text.size() ||
      pos < 4) {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a binlog position (expected FILE:POSITION, e.g. "
                           "binlog.000003:4)");
  }
  BinlogPosition p;
  p.file = std::string(text.substr(0, colon));
  p.position = pos;
  return p;
}

Result<CdcRunResult> RunCdc(const CdcTaskOptions& options, ObjectStore& store) {
  CdcRunResult result;
  ASSIGN_OR_RETURN(auto control, MysqlConnection::Open(options.source));
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
  GtidSetTracker gtids;  // the executed set after the last transaction given to the writer
  wopts.gtid_set_after_batch = [&gtids] { return gtids.ToString(); };
  SchemaHistory history(&store, options.settings.bucket_folder);
  wopts.before_checkpoint = [&history] { return history.Flush(); };
  CdcWriter writer(&store, wopts);

  ASSIGN_OR_RETURN(CdcStart start, ResolveCdcStart(options, store, *control));
  ASSIGN_OR_RETURN(BinlogPosition position, writer.Recover(start.position));
  const bool resumed = writer.last_checkpoint().sequence > 0;
  if (!resumed && !start.found) {
    return PreconditionFailed(
        "no CDC start position: " + store.Describe() +
        " holds no complete full load and no CDC checkpoint; run `binlake full-load` (or "
        "`binlake run`), or give --start-position, --start-gtid or --start-time");
  }
  auto stream_start_for = [&](const BinlogPosition& p) {
    return p.file.empty() ? start.stream_start : StreamStart::At(p.file, p.position);
  };
  if (resumed) {
    spdlog::info("resuming CDC from checkpoint {} at {}", writer.last_checkpoint().sequence,
                 position.ToString());
  } else {
    spdlog::info("starting CDC at {} ({})", position.ToString(), start.origin);
  }

  const uint32_t server_id =
      options.server_id ? options.server_id : DefaultReplicaServerId(options.task_key);
  ASSIGN_OR_RETURN(CdcPreflightReport preflight,
                   CheckForCdc(*control, stream_start_for(position), server_id));
  for (const std::string& w : preflight.warnings) spdlog::warn("{}", w);
  for (const std::string& i : preflight.info) spdlog::info("{}", i);
  RETURN_IF_ERROR(preflight.FirstError());

  if (!gtids.Reset(position.gtid_set).ok()) gtids = GtidSetTracker();

  CdcSink sink(options, &writer, &catalog, control.get(), &history);
  if (!resumed && start.skip_before) sink.SetSkipBefore(*start.skip_before);
  binlog::PumpOptions pump_options;
  pump_options.schema_hints = [&sink](std::string_view s, std::string_view t) {
    return sink.Hint(s, t);
  };

  std::optional<std::chrono::steady_clock::time_point> first_event;
  SystemRetryClock retry_clock;
  CancelWatcher watcher(options.cancel, &retry_clock);
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };

  StreamOptions sopts;
  sopts.connection = options.source;
  sopts.server_id = server_id;
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

  while (true) {
    sopts.start = stream_start_for(position);
    auto opened = OpenStreamWithRetry(sopts, options.reconnect, retry_clock);
    if (!opened.ok()) {
      if (opened.status().code() == StatusCode::kCancelled || cancelled()) {
        result.stop_reason = "interrupted";
        break;
      }
      return opened.status();
    }
    std::unique_ptr<BinlogEventStream> stream = std::move(opened).value();
    watcher.SetStream(stream.get());
    binlog::EventPump pump(pump_options, &sink);
    pump.StartFile(stream->current_file(), stream->next_position());
    sink.Reset();
    sink.SetTracker(&pump.position());
    Status stream_error;
    bool stop = false;
    int events_since_check = 0;
    while (!stop) {
      if (cancelled() && !pump.position().in_transaction() && !sink.transaction_open()) {
        result.stop_reason = "interrupted";
        stop = true;
        break;
      }
      Result<StreamEvent> ev = stream->Next();
      if (!ev.ok()) {
        stream_error = ev.status();
        break;
      }
      if (!first_event) first_event = std::chrono::steady_clock::now();
      if (ev->IsFakeRotate()) {
        pump.StartFile(stream->current_file(), stream->next_position());
        continue;
      }
      if (!ev->IsHeartbeat()) {
        uint64_t before = pump.position().transactions();
        Status fed = pump.Feed(ev->bytes, ev->position, ev->crc32_verified);
        if (!fed.ok()) return fed;
        if (pump.position().transactions() != before) {
          // A transaction ended with this event.
          const binlog::PositionTracker& t = pump.position();
          ++result.transactions;
          if (sink.stop_requested() ||
              (options.stop_at_time && Clock::time_point(std::chrono::microseconds(
                                           t.commit_timestamp_us())) >= *options.stop_at_time)) {
            // Committed at or after the stop time: left out (its rows were skipped).
            result.stop_reason = "stop time reached";
            stop = true;
            break;
          }
          // The GTID set goes into a checkpoint only when one is written (the writer asks).
          gtids.Add(t.last_commit().gtid);
          BinlogPosition after;
          after.file = t.last_commit().file;
          after.position = t.last_commit().position;
          if (!sink.transaction_open()) writer.BeginTransaction(t.commit_timestamp_us());
          RETURN_IF_ERROR(writer.EndTransaction(after));
          sink.TransactionEnded();
          position = after;
          if (options.stop_at_position && AtOrAfter(after, *options.stop_at_position)) {
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
        if (writer.ShouldCommit(Clock::now())) RETURN_IF_ERROR(writer.Commit());
      }
    }
    watcher.SetStream(nullptr);
    if (stop) break;
    if (stream_error.code() == StatusCode::kCancelled || cancelled()) {
      result.stop_reason = "interrupted";
      if (sink.transaction_open() || pump.position().in_transaction()) {
        // The transaction in progress is incomplete: drop the batch; it is re-read next time.
        writer.Abort();
      }
      break;
    }
    if (!stream_error.IsRetryable()) return stream_error;
    // Lost the source: drop the open batch and resume from the last checkpoint.
    spdlog::warn("binlog stream lost ({}); reconnecting", stream_error.message());
    writer.Abort();
    ++result.reconnects;
    position =
        writer.last_checkpoint().sequence ? writer.last_checkpoint().position : start.position;
    if (!gtids.Reset(position.gtid_set).ok()) gtids = GtidSetTracker();
  }
  if (!writer.batch_empty()) RETURN_IF_ERROR(writer.Commit());
  result.last_checkpoint = writer.last_checkpoint();
  result.row_changes = sink.row_changes();
  if (first_event) {
    result.stream_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *first_event).count();
  }
  return result;
}

}  // namespace binlake
