#include "fullload/full_load.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/health.h"
#include "config/target_layout.h"
#include "fullload/chunk_sequencer.h"
#include "fullload/load_files.h"
#include "fullload/parallel_load.h"
#include "fullload/row_buffer.h"
#include "source/catalog.h"
#include "source/chunk_planner.h"
#include "source/mysql_connection.h"
#include "source/resume_plan.h"
#include "source/source_hosts.h"
#include "source/text_value.h"
#include "transform/row_filter.h"
#include "transform/table_transform.h"

namespace binlake {
namespace {

constexpr uint64_t kProgressBatch = 4096;

struct TableJob {
  SourceTable source;
  TableTransform transform;  // the target's names and columns (transform/table_transform.h)
  size_t progress_index = 0;
  std::vector<Chunk> chunks;
  std::unique_ptr<ChunkSequencer> sequencer;
  std::unique_ptr<TableOutput> output;
};

struct WorkItem {
  TableJob* job;
  int chunk;
};

// "2026-11-24 09:30:00.123456" (UTC), DMS's TimestampColumnName format.
std::string NowTimestampColumnValue() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us % 1000000);
}

std::string SettingsSummaryJson(const S3Settings& s) {
  nlohmann::ordered_json j;
  j["BucketFolder"] = s.bucket_folder;
  j["DataFormat"] = s.data_format == DataFormat::kParquet ? "parquet" : "csv";
  j["CompressionType"] = s.compression == Compression::kGzip ? "GZIP" : "NONE";
  j["CsvDelimiter"] = s.csv_delimiter;
  j["CsvRowDelimiter"] = s.csv_row_delimiter;
  j["CsvNullValue"] = s.csv_null_value;
  j["Rfc4180"] = s.rfc4180;
  j["AddColumnName"] = s.add_column_name;
  j["IncludeOpForFullLoad"] = s.include_op_for_full_load;
  j["TimestampColumnName"] = s.timestamp_column_name;
  j["MaxFileSize"] = s.max_file_size_kb;
  j["BinaryEncoding"] = s.binary_encoding == BinaryEncoding::kBase64 ? "base64" : "hex";
  return j.dump();
}

// Shared state of the workers of one run.
class LoadRun {
 public:
  LoadRun(const FullLoadOptions& options, std::vector<WorkItem> items)
      : options_(options), items_(std::move(items)) {}

  void Worker(MysqlConnection* conn) {
    // One row buffer per worker, reused from chunk to chunk: its memory is grown and faulted in
    // once, not per chunk.
    RowBuffer buffer(0);
    while (!failed_.load()) {
      size_t k = next_item_.fetch_add(1);
      if (k >= items_.size()) return;
      Status s = ReadChunk(*conn, items_[k], &buffer);
      if (!s.ok()) {
        Fail(s.WithContext(items_[k].job->source.schema.schema + "." +
                           items_[k].job->source.schema.table));
        return;
      }
    }
  }

  Status first_error() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }

 private:
  bool Stopping() const { return failed_.load() || (options_.cancel && options_.cancel->load()); }

  void Fail(const Status& s) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_error_.ok()) first_error_ = s;
    }
    failed_.store(true);
    for (const WorkItem& item : items_) item.job->sequencer->Cancel();
  }

  Status ReadChunk(MysqlConnection& conn, const WorkItem& item, RowBuffer* row_buffer) {
    TableJob& job = *item.job;
    const TableSchema& schema = job.source.schema;
    const size_t ncols = schema.columns.size();
    if (options_.progress) options_.progress->MarkStarted(job.progress_index);
    ASSIGN_OR_RETURN(auto stream, conn.Stream(ChunkQuery(schema, job.chunks[item.chunk])));
    // Destroyed before `stream`: on an early return the connection is cancelled first, so the
    // stream's destructor does not drain the rest of the chunk from the server.
    struct CancelUnlessFinished {
      MysqlConnection& conn;
      bool finished = false;
      ~CancelUnlessFinished() {
        if (!finished) conn.Cancel();
      }
    } cancel_guard{conn};
    if (stream->field_count() != ncols) {
      return Internal("the table changed while loading (column count differs)");
    }
    RowBuffer& buffer = *row_buffer;
    buffer.Reset(ncols);
    std::vector<Value> values(ncols);
    // The transformation rules' row (projected, add-column expressions evaluated).
    ASSIGN_OR_RETURN(RowTransformer transformer, RowTransformer::Create(&job.transform));
    std::string timestamp = NowTimestampColumnValue();
    RowMeta meta;
    meta.op = 'I';
    meta.timestamp = timestamp;
    // DMS headers of a full-load row: an INSERT at the time it is read (transform/expression.h).
    ExpressionRow header;
    header.timestamp = header.commit_timestamp = timestamp;
    uint64_t pending = 0;
    bool turn = job.sequencer->IsTurn(item.chunk);

    auto flush_progress = [&] {
      if (options_.progress) options_.progress->AddRows(job.progress_index, pending);
      pending = 0;
      if (!options_.settings.timestamp_column_name.empty() || transformer.needs_header()) {
        timestamp = NowTimestampColumnValue();
        meta.timestamp = timestamp;
        header.timestamp = header.commit_timestamp = timestamp;
      }
    };
    auto write = [&](auto is_null, auto field) -> Status {
      for (size_t c = 0; c < ncols; ++c) {
        if (is_null(c)) {
          values[c] = Value::Null();
        } else {
          RETURN_IF_ERROR(ParseTextValue(field(c), schema.columns[c].type, &values[c]));
        }
      }
      ASSIGN_OR_RETURN(std::span<const Value> row, transformer.Apply(values, header));
      RETURN_IF_ERROR(job.output->Append(meta, row));
      if (++pending == kProgressBatch) flush_progress();
      return Status::Ok();
    };
    auto drain = [&]() -> Status {
      for (size_t r = 0; r < buffer.rows(); ++r) {
        RETURN_IF_ERROR(write([&](size_t c) { return buffer.is_null(r, c); },
                              [&](size_t c) { return buffer.field(r, c); }));
      }
      buffer.Clear();
      return Status::Ok();
    };
    auto take_turn = [&]() -> Status {
      if (!job.sequencer->WaitTurn(item.chunk)) return Cancelled("stopped");
      turn = true;
      return drain();
    };

    while (stream->Next()) {
      if (Stopping()) return Cancelled("stopped");
      if (!turn) {
        if (job.sequencer->IsTurn(item.chunk) || buffer.bytes() >= options_.buffer_bytes) {
          RETURN_IF_ERROR(take_turn());
        } else {
          buffer.AddFromStream(*stream);
          continue;
        }
      }
      RETURN_IF_ERROR(write([&](size_t c) { return stream->is_null(c); },
                            [&](size_t c) { return stream->field(c); }));
    }
    RETURN_IF_ERROR(stream->status());
    cancel_guard.finished = true;  // the result is fully read
    if (!turn) RETURN_IF_ERROR(take_turn());
    flush_progress();
    bool last = item.chunk + 1 == job.sequencer->chunk_count();
    if (last) {
      RETURN_IF_ERROR(job.output->Finish());
      if (options_.progress) {
        options_.progress->SetBytes(job.progress_index, job.output->bytes());
        options_.progress->MarkDone(job.progress_index);
      }
    }
    job.sequencer->Done(item.chunk);
    return Status::Ok();
  }

  const FullLoadOptions& options_;
  std::vector<WorkItem> items_;
  std::atomic<size_t> next_item_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  Status first_error_;
};

// A full load over a target whose CDC has committed checkpoints would replace the LOAD files
// under the change log that follows the old snapshot, and CDC would resume from its old
// checkpoint over the new one: refused before anything is written.
Status RefuseTargetWithCdc(ObjectStore& store, const std::string& bucket_folder) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> checkpoints,
                   store.List(CdcCheckpointPrefix(bucket_folder)));
  if (checkpoints.empty()) return Status::Ok();
  return PreconditionFailed(
      store.Describe() + "/" + CdcStateFolder(bucket_folder) + " holds " +
      std::to_string(checkpoints.size()) +
      " CDC checkpoint(s): a new full load there would break the change log that follows the "
      "old snapshot. Load into a new target or BucketFolder (or empty this one first); to "
      "continue replicating, run `binlake cdc` (or `binlake run`, which resumes CDC)");
}

}  // namespace

std::string TableKeyPrefix(const std::string& bucket_folder, const TableSchema& table) {
  return TableFolder(bucket_folder, table.schema, table.table);
}

Result<FullLoadResult> RunFullLoad(const FullLoadOptions& options, ObjectStore& store) {
  auto started = std::chrono::steady_clock::now();
  FullLoadResult result;
  // Several hosts in --source: the first that answers; every connection goes to it.
  health::SetUsesSource(true);
  ASSIGN_OR_RETURN(auto control, ConnectFirstUsable(options.source, nullptr));
  health::SetSourceConnected(true);
  const ConnectionConfig source = control->config();
  ASSIGN_OR_RETURN(auto catalog, ReadCatalog(*control));

  std::vector<TableName> existing;
  for (const SourceTable& t : catalog) existing.push_back({t.schema.schema, t.schema.table});
  if (options.mappings) {
    Status s = options.mappings->CheckExplicitOrNonWildcardRulesMatch(existing);
    if (s.code() == StatusCode::kNotFound) {
      return NotFound(s.message() + " on " + source.Describe() +
                      " (or the user cannot see it: missing SELECT grant?)");
    }
    RETURN_IF_ERROR(s);
  }
  std::vector<SourceTable> selected;
  for (SourceTable& t : catalog) {
    if (!options.mappings || options.mappings->Selects(t.schema.schema, t.schema.table)) {
      selected.push_back(std::move(t));
    }
  }
  if (selected.empty()) {
    return NotFound("no table selected on the source " + source.Describe() +
                    " (check the table mappings and the user's grants)");
  }
  std::vector<TableSchema> schemas;
  for (const SourceTable& t : selected) schemas.push_back(t.schema);
  // What the transformation rules make of each table, before anything is written.
  std::map<std::pair<std::string, std::string>, TableTransform> transforms;
  TargetTableClaims claims;
  std::map<std::pair<std::string, std::string>, std::vector<Chunk>> ruled_chunks;
  for (const SourceTable& t : selected) {
    ASSIGN_OR_RETURN(TableTransform transform, TableTransform::Build(options.mappings, t.schema));
    RETURN_IF_ERROR(claims.Claim({t.schema.schema, t.schema.table},
                                 {transform.target().schema, transform.target().table}));
    transforms.emplace(std::make_pair(t.schema.schema, t.schema.table), std::move(transform));
    if (options.mappings) {  // a tag S3 would refuse: an error before anything is written
      RETURN_IF_ERROR(options.mappings->ObjectTagsFor(t.schema.schema, t.schema.table).status());
    }
    // The chunks a table-settings rule's parallel-load gives (fullload/parallel_load.h), checked
    // before anything is written too.
    const ParallelLoad* parallel =
        options.mappings ? options.mappings->ParallelLoadFor(t.schema.schema, t.schema.table)
                         : nullptr;
    if (parallel && parallel->type != ParallelLoad::Type::kPartitions) {
      ASSIGN_OR_RETURN(std::vector<Chunk> chunks,
                       ParallelLoadChunks(*control, t.schema, *parallel));
      ruled_chunks.emplace(std::make_pair(t.schema.schema, t.schema.table), std::move(chunks));
    }
  }
  auto transform_of = [&](const SourceTable& t) -> const TableTransform& {
    return transforms.at({t.schema.schema, t.schema.table});
  };

  ASSIGN_OR_RETURN(result.preflight, CheckForFullLoad(*control, schemas, options.require_cdc));
  for (const std::string& w : result.preflight.warnings) spdlog::warn("{}", w);
  if (!result.preflight.ok()) return PreconditionFailed(result.preflight.errors.front());

  // Largest tables first: better balance across workers.
  std::stable_sort(
      selected.begin(), selected.end(),
      [](const SourceTable& a, const SourceTable& b) { return a.data_bytes > b.data_bytes; });
  auto rows_per_chunk = [&](const SourceTable& t) -> uint64_t {
    if (options.rows_per_chunk > 0) return options.rows_per_chunk;
    if (options.threads <= 1) return 0;  // one chunk per table
    uint64_t avg = t.estimated_rows ? std::max<uint64_t>(1, t.data_bytes / t.estimated_rows) : 100;
    return std::max<uint64_t>(10000, options.chunk_bytes / avg);
  };
  if (options.dry_run) {
    for (const SourceTable& t : selected) {
      std::string key;
      for (int c : t.schema.primary_key) key += (key.empty() ? "" : ",") + t.schema.columns[c].name;
      const TableSchema& target = transform_of(t).target();
      result.plan.push_back(fmt::format("{}.{}: ~{} rows, {} columns, primary key ({}), -> {}",
                                        t.schema.schema, t.schema.table, t.estimated_rows,
                                        target.columns.size(), key.empty() ? "none" : key,
                                        TableKeyPrefix(options.settings.bucket_folder, target) +
                                            "LOAD00000001" + options.file_extension));
    }
    RETURN_IF_ERROR(store.CheckAccess());
    return result;
  }
  RETURN_IF_ERROR(store.CheckAccess());
  RETURN_IF_ERROR(RefuseTargetWithCdc(store, options.settings.bucket_folder));

  // Snapshot connections.
  int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<MysqlConnection>> owned;
  std::vector<MysqlConnection*> workers;
  for (int i = 0; i < threads; ++i) {
    ASSIGN_OR_RETURN(auto c, MysqlConnection::Open(source));
    workers.push_back(c.get());
    owned.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(result.snapshot,
                   OpenConsistentSnapshot(*control, workers, schemas, options.snapshot_method));
  workers.resize(result.snapshot.connections_used);
  if (!result.snapshot.position.empty()) {
    // The server the snapshot's file:position belongs to (source/resume_plan.h).
    ASSIGN_OR_RETURN(SourceServer server, ReadSourceServer(*control));
    result.snapshot.position.server = server.identity;
  }
  if (result.snapshot.position.empty()) {
    spdlog::warn(
        "no binlog position recorded (binlog off or not readable): CDC cannot start "
        "from this load");
  }
  spdlog::info("snapshot: {} at {} (gtid {}), {} connection(s)",
               SnapshotMethodName(result.snapshot.method), result.snapshot.position.ToString(),
               result.snapshot.position.gtid_set, result.snapshot.connections_used);

  FullLoadState& state = result.state;
  state.started_at = NowIso8601();
  state.source_server = source.Describe();
  state.source_version = control->server_version();
  state.source_flavor = control->is_mariadb() ? "mariadb" : "mysql";
  state.snapshot_method = std::string(SnapshotMethodName(result.snapshot.method));
  state.snapshot = result.snapshot.position;
  state.settings_json = SettingsSummaryJson(options.settings);
  const std::string state_key = FullLoadStateKey(options.settings.bucket_folder);
  RETURN_IF_ERROR(CreateReplacing(store, state_key, SerializeFullLoadState(state)));

  // Plan chunks inside the snapshot and prepare each table's output.
  std::vector<std::unique_ptr<TableJob>> jobs;
  std::vector<WorkItem> items;
  OutputColumns columns;
  columns.include_op = options.settings.include_op_for_full_load;
  columns.timestamp_column_name = options.settings.timestamp_column_name;
  for (SourceTable& t : selected) {
    auto job = std::make_unique<TableJob>();
    job->transform = transform_of(t);
    job->source = std::move(t);
    const TableSchema& target = job->transform.target();
    std::string prefix = TableKeyPrefix(options.settings.bucket_folder, target);
    RETURN_IF_ERROR(ClearEarlierLoadFiles(store, prefix));
    auto ruled = ruled_chunks.find({job->source.schema.schema, job->source.schema.table});
    if (ruled != ruled_chunks.end()) {
      job->chunks = std::move(ruled->second);
    } else {
      ASSIGN_OR_RETURN(job->chunks,
                       PlanChunks(*workers[0], job->source.schema, job->source.estimated_rows,
                                  rows_per_chunk(job->source)));
    }
    if (options.mappings) {
      std::string filter = RowFilterPredicate(
          options.mappings->SelectingRulesFor(job->source.schema.schema, job->source.schema.table),
          [&](std::string_view v) { return "'" + control->Escape(v) + "'"; });
      if (!filter.empty()) {
        for (Chunk& c : job->chunks) {
          c.where = c.where.empty() ? filter : "(" + c.where + ") AND " + filter;
        }
      }
    }
    job->sequencer = std::make_unique<ChunkSequencer>(static_cast<int>(job->chunks.size()));
    job->output = std::make_unique<TableOutput>(&store, prefix, &target, columns,
                                                options.writer_factory, options.file_extension,
                                                options.settings.max_file_size_kb * 1024);
    job->output->set_split_bytes(options.split_bytes);
    if (options.mappings && options.mappings->HasObjectTags()) {
      ASSIGN_OR_RETURN(ObjectTags tags, options.mappings->ObjectTagsFor(job->source.schema.schema,
                                                                        job->source.schema.table));
      job->output->set_tags(std::move(tags));
    }
    if (options.progress) {
      job->progress_index = options.progress->AddTable(
          job->source.schema.schema + "." + job->source.schema.table, job->source.estimated_rows,
          target.schema + "." + target.table);
    }
    for (const Chunk& c : job->chunks) items.push_back(WorkItem{job.get(), c.index});
    jobs.push_back(std::move(job));
  }

  if (options.progress) options.progress->BeginReporting();
  LoadRun run(options, std::move(items));
  std::vector<std::thread> pool;
  for (MysqlConnection* w : workers) pool.emplace_back([&run, w] { run.Worker(w); });
  for (auto& t : pool) t.join();
  Status error = run.first_error();
  if (error.ok() && options.cancel && options.cancel->load()) error = Cancelled("interrupted");
  if (!error.ok()) {
    for (auto& job : jobs) job->output->Abort();
    return error;
  }

  for (auto& job : jobs) {
    const TableSchema& target = job->transform.target();
    RETURN_IF_ERROR(CheckLoadFiles(store, TableKeyPrefix(options.settings.bucket_folder, target),
                                   job->output->files()));
    TableState ts;
    ts.schema = target;
    if (target.schema != job->source.schema.schema || target.table != job->source.schema.table) {
      ts.source = TableName{job->source.schema.schema, job->source.schema.table};
    }
    ts.rows = job->output->rows();
    ts.bytes = job->output->bytes();
    ts.files = job->output->files();
    state.tables.push_back(std::move(ts));
  }
  std::sort(state.tables.begin(), state.tables.end(), [](const TableState& a, const TableState& b) {
    return std::tie(a.schema.schema, a.schema.table) < std::tie(b.schema.schema, b.schema.table);
  });
  state.status = "complete";
  state.finished_at = NowIso8601();
  RETURN_IF_ERROR(CreateReplacing(store, state_key, SerializeFullLoadState(state)));
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace binlake
