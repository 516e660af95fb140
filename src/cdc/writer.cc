#include "cdc/writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "cdc/checkpoint_commit.h"
#include "cdc/commit_log.h"
#include "cdc/commit_metrics.h"
#include "cdc/naming.h"
#include "cdc/txn_file.h"
#include "cdc/txn_index.h"
#include "common/metrics.h"
#include "common/parallel_for.h"
#include "config/format_options.h"
#include "format/csv/csv_writer.h"
#include "store/conditional_probe.h"

namespace binlake {
namespace {

// Store round trips of a commit (prepare, publish) run this many files at a time.
constexpr size_t kParallelFiles = 8;

// One data file of the open batch: a table's RowFileWriter, or the CDC_TXN file.
struct BatchFile {
  std::string key;
  std::string table;   // "schema.table", "" for CDC_TXN
  TableSchema schema;  // owned copy: writers may refer to it until they are done
  std::unique_ptr<RowFileWriter> rows;
  std::unique_ptr<CdcTxnCsvFile> txn;
  std::string token;             // set by Prepare
  binlog::BinlogPosition first;  // where the transaction of its first row began (CdcFile::first)
  uint32_t index = 0;            // in the batch's files (the checkpoint's "files")
  uint64_t last_txn = 0;         // txn_serial_ of the last transaction that wrote to it

  uint64_t row_count() const { return rows ? rows->rows() : txn->rows(); }
  uint64_t size() const { return rows ? rows->EstimatedSize() : txn->EstimatedSize(); }
  Result<std::string> Prepare() { return rows ? rows->Prepare() : txn->Prepare(); }
  Status Finish() { return rows ? rows->Finish() : txn->Finish(); }
  void Abort() { rows ? rows->Abort() : txn->Abort(); }
};

}  // namespace

class CdcWriter::Impl {
 public:
  // `naming` is made from options.settings (CdcWriter::Create checks the options).
  Impl(ObjectStore* store, CdcWriterOptions options, CdcNaming naming)
      : store_(store),
        options_(std::move(options)),
        naming_(std::move(naming)),
        txindex_(store, options_.settings.bucket_folder) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
    options_.checkpoints_to_keep = std::max(1, options_.checkpoints_to_keep);
    options_.commit_log_group = std::max(1, options_.commit_log_group);
    const S3Settings& s = options_.settings;
    // DMS truth table (docs/DMS-S3-COMPAT.md §2.3): CDC files have no Op only when
    // IncludeOpForFullLoad=false and CdcInsertsOnly=true.
    columns_.include_op = !(!s.include_op_for_full_load && s.cdc_inserts_only);
    columns_.timestamp_column_name = s.timestamp_column_name;
    columns_.sequence_column_name = options_.sequence_column_name;
    txn_csv_ = CsvOptionsFromSettings(s);
    txn_csv_.header = false;
  }

  ~Impl() { DropBatch(/*discard=*/true); }

  void SetObjectTags(std::string key, std::vector<std::pair<std::string, std::string>> tags) {
    tags_[std::move(key)] = std::move(tags);
  }

  Result<binlog::BinlogPosition> Recover(const binlog::BinlogPosition& start);
  Status AddChange(const TableSchema& table, uint64_t schema_token, char op,
                   std::span<const Value> values, std::string_view sequence);
  Status Commit();
  Status Fence();

  void BeginTransaction(uint64_t commit_us) {
    if (batch_txns_ == 0 && !batch_started_) batch_started_ = options_.clock();
    in_txn_ = true;
    ++txn_serial_;
    if (txn_time_.size() == 26 && commit_us / 1000000 == txn_commit_us_ / 1000000) {
      // Same second as the previous transaction (the common case): only the µs digits change.
      uint64_t us = commit_us % 1000000;
      for (size_t i = 25; i >= 20; --i, us /= 10) txn_time_[i] = static_cast<char>('0' + us % 10);
    } else {
      txn_time_ = FormatCommitTime(commit_us);
    }
    txn_commit_us_ = commit_us;
  }

  void AddDdl(const std::string& schema, const std::string& table) {
    ++stats_[schema + "." + table].ddls;
    txindex_.MarkDdl();
    // Rows after a DDL go to new files, so no file spans one (CdcFile::first): the statement
    // may rename, drop, truncate or re-create any table it names, not only this one.
    for (auto& [name, slot] : slots_) slot.ended = slot.file != nullptr;
  }

  Status EndTransaction(const binlog::BinlogPosition& after, std::string_view gtid) {
    if (!in_txn_) return Internal("CDC writer: EndTransaction without BeginTransaction");
    RETURN_IF_ERROR(batch_error_);
    in_txn_ = false;
    if (!options_.settings.preserve_transactions) {
      batch_error_ = txindex_.EndTransaction(checkpoint_.sequence + 1, after, gtid, txn_commit_us_,
                                             [this](uint32_t i) { return files_[i]->row_count(); });
      RETURN_IF_ERROR(batch_error_);
    }
    ++batch_txns_;
    batch_commit_times_.Add(txn_commit_us_);
    batch_position_ = after;
    batch_last_commit_us_ = txn_commit_us_;
    return Status::Ok();
  }

  bool ShouldCommit(std::chrono::system_clock::time_point now) const {
    if (batch_txns_ == 0 || in_txn_ || !batch_error_.ok()) return false;
    const S3Settings& s = options_.settings;
    if (batch_started_ &&
        now - *batch_started_ >= std::chrono::seconds(s.cdc_max_batch_interval_s)) {
      return true;
    }
    return batch_max_file_bytes_ >= s.cdc_min_file_size_kb * 1024;
  }

  void Abort() { DropBatch(/*discard=*/true); }

  const CdcCheckpoint& last_checkpoint() const { return checkpoint_; }
  const std::map<std::string, CdcTableStats>& table_stats() const { return stats_; }
  bool batch_empty() const { return batch_txns_ == 0; }

 private:
  // Per table touched in the batch: its current file and its statistics (pointers stay valid
  // until DropBatch, which clears both maps). last_slot_ skips the lookup for runs of one table.
  struct TableSlot {
    std::string schema, table;
    std::string name;  // "schema.table" (the statistics key)
    BatchFile* file = nullptr;
    bool ended = false;  // `file` takes no more rows (a DDL came after them)
    CdcTableStats* stats = nullptr;
    uint64_t last_txn = 0;  // txn_serial_ of the transaction that last set stats->last_change
  };

  // Ends the open batch. discard=true aborts its objects; false only forgets the writers, so
  // prepared objects stay for a later Recover (used when the commit point may have been passed).
  void DropBatch(bool discard) {
    txindex_.Abort();  // an unfinished index only; a closed one stays (unnamed: never read)
    for (auto& f : files_) {
      if (discard) f->Abort();
    }
    files_.clear();
    slots_.clear();
    by_token_.clear();
    last_slot_ = nullptr;
    in_txn_ = false;
    batch_txns_ = 0;
    batch_commit_times_.Clear();
    batch_started_.reset();
    batch_name_ms_.reset();
    batch_max_ms_ = 0;
    batch_max_file_bytes_ = 0;
    batch_error_ = Status::Ok();
    stats_ = checkpoint_.tables;
  }

  // The name-clock time for a new file: the batch's time for a table's first file, one more
  // millisecond than any used so far for a table's next one.
  int64_t NextFileMs(bool table_has_file) {
    if (!batch_name_ms_) {
      const int64_t now = naming_.NameMs(options_.clock());
      batch_name_ms_ = std::max(now, static_cast<int64_t>(checkpoint_.last_file_ms) + 1);
      batch_max_ms_ = *batch_name_ms_;
      return *batch_name_ms_;
    }
    if (!table_has_file) return *batch_name_ms_;
    return ++batch_max_ms_;
  }

  TableSlot& Slot(const TableSchema& table) {
    if (last_slot_ != nullptr && last_slot_->table == table.table &&
        last_slot_->schema == table.schema) {
      return *last_slot_;
    }
    TableSlot& slot = slots_[table.schema + '\0' + table.table];
    if (slot.stats == nullptr) {
      slot.schema = table.schema;
      slot.table = table.table;
      slot.name = table.schema + "." + table.table;
      slot.stats = &stats_[slot.name];
    }
    last_slot_ = &slot;
    return slot;
  }

  Result<BatchFile*> OpenFile(const TableSchema& table, const std::string& name, bool had_file);
  Status PublishAll(const CdcCheckpoint& next);
  void AfterCommit();
  // Step 3 for `next` (its created_at and lease fields are set here): creates it with the
  // fencing rules (cdc/checkpoint_commit.h); `*serialized` gets its bytes.
  CheckpointCommit CreateNext(CdcCheckpoint& next, std::string* serialized);
  // `next`, created, becomes the current checkpoint.
  void MakeCurrent(const CdcCheckpoint& next, CheckpointCommit created, std::string serialized);

  ObjectStore* store_;
  CdcWriterOptions options_;
  CdcNaming naming_;
  TxnIndexWriter txindex_;  // the open batch's transaction index (not with PreserveTransactions)
  OutputColumns columns_;
  CsvOptions txn_csv_;
  bool recovered_ = false;
  Status broken_;  // sticky after a failure at/after the commit point

  CdcCheckpoint checkpoint_;
  std::set<uint64_t> known_checkpoints_;  // existing checkpoint numbers (for retention)
  // Serialized checkpoints this writer created and that still exist (spares the commit log's
  // fold a read of each).
  std::map<uint64_t, std::string> created_checkpoints_;
  std::vector<UncommittedObject> leftovers_;  // discarded after the first commit
  bool committed_once_ = false;
  bool probed_ = false;  // ProbeConditionalCreate passed (once per writer)

  // The open batch.
  std::vector<std::unique_ptr<BatchFile>> files_;
  std::unordered_map<std::string, TableSlot> slots_;  // by schema + '\0' + table
  TableSlot* last_slot_ = nullptr;
  // AddChange's shortcut for a schema_token seen before: its slot, and the file its rows went
  // to (still right while that is the slot's current file).
  struct TokenEntry {
    TableSlot* slot = nullptr;
    BatchFile* file = nullptr;
  };
  std::unordered_map<uint64_t, TokenEntry> by_token_;
  // Object tags by schema + '\0' + table (SetObjectTags).
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> tags_;
  std::map<std::string, CdcTableStats> stats_;  // cumulative, open batch included
  bool in_txn_ = false;
  uint64_t txn_commit_us_ = 0;
  uint64_t txn_serial_ = 0;  // counts BeginTransaction calls
  std::string txn_time_;
  uint64_t batch_txns_ = 0;
  CommitTimes batch_commit_times_;  // for the latency metric (cdc/commit_metrics.h)
  binlog::BinlogPosition batch_position_;
  uint64_t batch_last_commit_us_ = 0;
  std::optional<std::chrono::system_clock::time_point> batch_started_;
  std::optional<int64_t> batch_name_ms_;
  int64_t batch_max_ms_ = 0;
  uint64_t batch_max_file_bytes_ = 0;
  Status batch_error_;
};

Result<binlog::BinlogPosition> CdcWriter::Impl::Recover(const binlog::BinlogPosition& start) {
  DropBatch(/*discard=*/true);
  const std::string& folder = options_.settings.bucket_folder;
  if (!probed_) {
    // The commit protocol's fencing needs conditional create: refuse a store that ignores it.
    RETURN_IF_ERROR(ProbeConditionalCreate(*store_, CdcStateFolder(folder)));
    probed_ = true;
  }
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, store_->List(CdcCheckpointPrefix(folder)));
  known_checkpoints_.clear();
  created_checkpoints_.clear();
  for (const ObjectInfo& o : listed) {
    std::optional<uint64_t> seq = CdcCheckpointSequence(o.key);
    if (seq && o.key == CdcCheckpointKey(folder, *seq)) known_checkpoints_.insert(*seq);
  }
  CdcCheckpoint c;
  if (known_checkpoints_.empty()) {
    c.position = start;
  } else {
    const uint64_t newest = *known_checkpoints_.rbegin();
    const std::string key = CdcCheckpointKey(folder, newest);
    ASSIGN_OR_RETURN(std::string text, store_->Get(key));
    Result<CdcCheckpoint> parsed = ParseCdcCheckpoint(text);
    if (!parsed.ok()) return parsed.status().WithContext(store_->Describe() + "/" + key);
    if (parsed->sequence != newest) {
      return Corruption(store_->Describe() + "/" + key + " says it is checkpoint " +
                        std::to_string(parsed->sequence));
    }
    c = std::move(*parsed);
    // Finish step 4 of the protocol for the newest batch (idempotent).
    for (const CdcFile& f : c.files) {
      RETURN_IF_ERROR(
          store_->PublishPrepared(f.key, f.token)
              .WithContext("publishing " + f.key + " of CDC checkpoint " + std::to_string(newest)));
    }
  }
  checkpoint_ = std::move(c);
  stats_ = checkpoint_.tables;
  broken_ = Status::Ok();
  recovered_ = true;
  committed_once_ = false;
  // Leftovers: uncommitted CDC objects (and checkpoint temp files) under the task's folder.
  leftovers_.clear();
  Result<std::vector<UncommittedObject>> found =
      store_->ListUncommitted(folder.empty() ? "" : folder + "/");
  if (!found.ok()) {
    spdlog::warn("could not list leftovers of uncommitted CDC batches in {}: {}",
                 store_->Describe(), found.status().message());
  } else {
    for (UncommittedObject& o : *found) {
      if (CdcNaming::IsCdcFileName(o.key) || CdcCheckpointSequence(o.key) || IsTxnIndexKey(o.key)) {
        leftovers_.push_back(std::move(o));
      }
    }
  }
  return checkpoint_.position;
}

Result<BatchFile*> CdcWriter::Impl::OpenFile(const TableSchema& table, const std::string& name,
                                             bool had_file) {
  auto f = std::make_unique<BatchFile>();
  const bool txn = options_.settings.preserve_transactions;
  const int64_t ms = NextFileMs(had_file);
  f->key = txn ? naming_.TxnFileKey(ms) : naming_.TableFileKey(table.schema, table.table, ms);
  f->table = txn ? "" : name;
  f->schema = table;
  f->first = batch_txns_ > 0 ? batch_position_ : checkpoint_.position;
  f->first.gtid_set.clear();
  f->first.server.clear();
  f->index = static_cast<uint32_t>(files_.size());
  PutOptions put;
  if (!txn && !tags_.empty()) {
    auto tagged = tags_.find(table.schema + '\0' + table.table);
    if (tagged != tags_.end()) put.tags = tagged->second;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> sink, store_->NewWriter(f->key, put));
  if (txn) {
    ASSIGN_OR_RETURN(f->txn, CdcTxnCsvFile::Make(txn_csv_, std::move(sink)));
  } else {
    ASSIGN_OR_RETURN(f->rows, options_.writer_factory(f->schema, columns_, std::move(sink)));
  }
  files_.push_back(std::move(f));
  return files_.back().get();
}

Status CdcWriter::Impl::AddChange(const TableSchema& table, uint64_t schema_token, char op,
                                  std::span<const Value> values, std::string_view sequence) {
  if (!recovered_) return Internal("CDC writer: AddChange before Recover");
  if (!in_txn_) return Internal("CDC writer: AddChange outside a transaction");
  RETURN_IF_ERROR(batch_error_);
  if (op != 'I' && op != 'U' && op != 'D') {
    return InvalidArgument(std::string("CDC writer: unknown operation '") + op + "'");
  }
  const S3Settings& s = options_.settings;
  if ((s.cdc_inserts_only && op != 'I') || (s.cdc_inserts_and_updates && op == 'D')) {
    return Status::Ok();
  }
  if (values.size() != table.columns.size()) {
    return InvalidArgument("CDC writer: a row of " + table.schema + "." + table.table + " has " +
                           std::to_string(values.size()) + " values for " +
                           std::to_string(table.columns.size()) + " columns");
  }
  TokenEntry* known = nullptr;
  if (schema_token != 0) {
    auto it = by_token_.find(schema_token);
    if (it != by_token_.end()) known = &it->second;
  }
  TableSlot& slot = known ? *known->slot : Slot(table);
  BatchFile* file = nullptr;
  Status st;
  if (s.preserve_transactions) {
    if (files_.empty()) {
      Result<BatchFile*> opened = OpenFile(table, "", false);
      st = opened.status();
      if (opened.ok()) file = *opened;
    } else {
      file = files_.front().get();
    }
    if (st.ok()) {
      st = file->txn->Append(op, table, !s.timestamp_column_name.empty(), txn_time_,
                             !options_.sequence_column_name.empty(), sequence, values);
    }
  } else {
    if (!slot.ended && known && known->file != nullptr && known->file == slot.file) {
      file = slot.file;  // same columns as when this token's rows last went there
    } else if (!slot.ended && slot.file != nullptr && SameColumns(slot.file->schema, table)) {
      file = slot.file;
    } else {
      // A table's first file in this batch, its columns changed, or a DDL came: a new file.
      Result<BatchFile*> opened = OpenFile(table, slot.name, slot.file != nullptr);
      st = opened.status();
      if (opened.ok()) {
        file = slot.file = *opened;
        slot.ended = false;
      }
    }
    if (st.ok()) {
      RowMeta meta;
      meta.op = op;
      meta.timestamp = txn_time_;
      meta.sequence = sequence;
      st = file->rows->Append(meta, values);
    }
    if (st.ok() && schema_token != 0 && !known) by_token_[schema_token] = {&slot, file};
    if (st.ok() && known) known->file = file;
    if (st.ok() && file->last_txn != txn_serial_) {  // the transaction index's row counts
      file->last_txn = txn_serial_;
      txindex_.Touch(file->index);
    }
  }
  if (!st.ok()) {
    batch_error_ = st.WithContext("writing CDC changes of " + slot.name);
    return batch_error_;
  }
  batch_max_file_bytes_ = std::max(batch_max_file_bytes_, file->size());
  CdcTableStats& t = *slot.stats;
  ++(op == 'I' ? t.inserts : op == 'U' ? t.updates : t.deletes);
  if (slot.last_txn != txn_serial_) {  // once per transaction: its rows share the time
    slot.last_txn = txn_serial_;
    t.last_change = txn_time_;
  }
  return Status::Ok();
}

Status CdcWriter::Impl::Commit() {
  RETURN_IF_ERROR(broken_);
  if (!recovered_) return Internal("CDC writer: Commit before Recover");
  if (in_txn_) return Internal("CDC writer: Commit inside a transaction");
  RETURN_IF_ERROR(batch_error_);
  if (batch_txns_ == 0) return Status::Ok();

  // Step 2: prepare every file (durable, invisible), several at a time: each is a round trip
  // to the store (an fsync, or an S3 part upload).
  const auto began = std::chrono::steady_clock::now();
  CdcCheckpoint next;
  next.sequence = checkpoint_.sequence + 1;
  std::vector<Result<std::string>> tokens(files_.size(), Result<std::string>(std::string()));
  ParallelFor(files_.size(), kParallelFiles, [&](size_t i) { tokens[i] = files_[i]->Prepare(); });
  for (size_t i = 0; i < files_.size(); ++i) {
    BatchFile& f = *files_[i];
    if (!tokens[i].ok()) {
      Status s = tokens[i].status().WithContext("preparing " + f.key);
      DropBatch(/*discard=*/true);
      return s;
    }
    f.token = std::move(tokens[i]).value();
    next.files.push_back(CdcFile{f.key, f.token, f.table, f.row_count(), f.first});
  }
  if (options_.before_checkpoint) {
    Status s = options_.before_checkpoint();
    if (!s.ok()) {
      DropBatch(/*discard=*/true);
      return s;
    }
  }
  // The transaction index becomes visible before the checkpoint that names it (under a key of
  // this attempt only: cdc/txn_index.h).
  if (!options_.settings.preserve_transactions) {
    Result<std::string> index = txindex_.Close(next.sequence);
    if (!index.ok()) {
      DropBatch(/*discard=*/true);
      return index.status();
    }
    next.txindex = std::move(index).value();
  }
  const auto prepared = std::chrono::steady_clock::now();
  next.position = batch_position_;
  if (options_.gtid_set_after_batch) next.position.gtid_set = options_.gtid_set_after_batch();
  next.pending_xa =
      options_.pending_xa_after_batch ? options_.pending_xa_after_batch() : checkpoint_.pending_xa;
  next.last_commit_us = batch_last_commit_us_;
  next.last_file_ms =
      files_.empty() ? checkpoint_.last_file_ms : static_cast<uint64_t>(batch_max_ms_);
  next.transactions = checkpoint_.transactions + batch_txns_;
  next.tables = stats_;

  // Step 3, the commit point: create checkpoint N+1, only if nobody else did and nobody is
  // ahead (cdc/checkpoint_commit.h).
  std::string serialized;
  CheckpointCommit created = CreateNext(next, &serialized);
  switch (created.outcome) {
    case CheckpointOutcome::kCommitted:
      break;
    case CheckpointOutcome::kLost:
      txindex_.DeleteClosed();  // no checkpoint names it
      DropBatch(/*discard=*/true);
      return created.status;
    case CheckpointOutcome::kUnknown:
      // Cannot tell: keep the prepared objects for Recover and stop.
      DropBatch(/*discard=*/false);
      broken_ = created.status;
      return broken_;
  }
  {
    std::vector<std::pair<std::string, uint64_t>> file_bytes;
    for (const auto& f : files_) file_bytes.emplace_back(f->table, f->size());
    RecordCommittedBatch(checkpoint_, next, file_bytes, batch_commit_times_, options_.clock());
  }
  MakeCurrent(next, std::move(created), std::move(serialized));
  const auto checkpointed = std::chrono::steady_clock::now();

  // Step 4: publish.
  const size_t files = files_.size();
  RETURN_IF_ERROR(PublishAll(next));
  AfterCommit();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  const auto published = std::chrono::steady_clock::now();
  metrics::ObserveCdcCommitDuration(published - began);
  spdlog::debug(
      "committed CDC checkpoint {}: {} files in {} ms (prepare {} ms, checkpoint {} ms, "
      "publish {} ms)",
      next.sequence, files, ms(published - began), ms(prepared - began),
      ms(checkpointed - prepared), ms(published - checkpointed));
  return Status::Ok();
}

CheckpointCommit CdcWriter::Impl::CreateNext(CdcCheckpoint& next, std::string* serialized) {
  next.created_at = FormatIso8601(
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.clock().time_since_epoch())
          .count());
  next.lease_holder = options_.lease_holder;
  next.lease_term = options_.lease_term;
  *serialized = SerializeCdcCheckpoint(next);
  return CreateCheckpoint(*store_, options_.settings.bucket_folder, next.sequence, *serialized);
}

void CdcWriter::Impl::MakeCurrent(const CdcCheckpoint& next, CheckpointCommit created,
                                  std::string serialized) {
  checkpoint_ = next;
  known_checkpoints_ = std::move(created.listed);
  known_checkpoints_.insert(next.sequence);
  created_checkpoints_[next.sequence] = std::move(serialized);
}

Status CdcWriter::Impl::Fence() {
  RETURN_IF_ERROR(broken_);
  if (!recovered_) return Internal("CDC writer: Fence before Recover");
  if (in_txn_ || batch_txns_ > 0) return Internal("CDC writer: Fence with an open batch");
  if (options_.before_checkpoint) RETURN_IF_ERROR(options_.before_checkpoint());
  CdcCheckpoint next = checkpoint_;
  next.sequence = checkpoint_.sequence + 1;
  next.files.clear();
  next.txindex.clear();
  std::string serialized;
  CheckpointCommit created = CreateNext(next, &serialized);
  switch (created.outcome) {
    case CheckpointOutcome::kCommitted:
      break;
    case CheckpointOutcome::kLost:
      return created.status;
    case CheckpointOutcome::kUnknown:
      broken_ = created.status;
      return broken_;
  }
  MakeCurrent(next, std::move(created), std::move(serialized));
  AfterCommit();
  spdlog::info("committed fencing checkpoint {} at {}", next.sequence, next.position.ToString());
  return Status::Ok();
}

Status CdcWriter::Impl::PublishAll(const CdcCheckpoint& next) {
  std::vector<Status> published(files_.size());
  ParallelFor(files_.size(), kParallelFiles, [&](size_t i) {
    BatchFile& f = *files_[i];
    Status s = f.Finish();
    // The writer may fail where the store's idempotent publication succeeds (e.g. a concurrent
    // Recover already published the file).
    if (!s.ok()) s = store_->PublishPrepared(f.key, f.token);
    published[i] = s;
  });
  Status failed;
  for (size_t i = 0; i < files_.size() && failed.ok(); ++i) {
    if (!published[i].ok()) {
      failed = published[i].WithContext(
          "publishing " + files_[i]->key + " of committed CDC checkpoint " +
          std::to_string(next.sequence) + " (restart binlake to finish)");
    }
  }
  DropBatch(/*discard=*/false);
  if (!failed.ok()) broken_ = failed;
  return failed;
}

void CdcWriter::Impl::AfterCommit() {
  // Retention: keep the newest checkpoints_to_keep; fold the older ones into the commit log
  // once commit_log_group of them are due (cdc/commit_log.h).
  const uint64_t keep = static_cast<uint64_t>(options_.checkpoints_to_keep);
  std::vector<uint64_t> due;
  for (uint64_t seq : known_checkpoints_) {
    if (seq + keep > checkpoint_.sequence) break;
    due.push_back(seq);
  }
  if (!due.empty() && due.size() >= static_cast<size_t>(options_.commit_log_group)) {
    Status s = FoldCheckpoints(*store_, options_.settings.bucket_folder, due, created_checkpoints_);
    if (s.ok()) {
      for (uint64_t seq : due) {
        known_checkpoints_.erase(seq);
        created_checkpoints_.erase(seq);
      }
    } else {
      spdlog::warn("could not fold old CDC checkpoints {}-{} into the commit log: {}", due.front(),
                   due.back(), s.message());  // retried after the next commit
    }
  }
  if (committed_once_) return;
  committed_once_ = true;
  // Leftovers found by Recover can no longer be committed by anyone (COMMIT-PROTOCOL.md).
  for (const UncommittedObject& o : leftovers_) {
    Status s = store_->DiscardUncommitted(o);
    if (!s.ok()) spdlog::warn("could not discard uncommitted {}: {}", o.key, s.message());
  }
  if (!leftovers_.empty()) {
    spdlog::info("discarded {} leftover(s) of uncommitted CDC batches", leftovers_.size());
  }
  leftovers_.clear();
}

Result<std::unique_ptr<CdcWriter>> CdcWriter::Create(ObjectStore* store, CdcWriterOptions options) {
  if (!options.settings.preserve_transactions && !options.writer_factory) {
    return InvalidArgument("CDC writer: no file writer factory");
  }
  ASSIGN_OR_RETURN(CdcNaming naming, CdcNaming::Make(options.settings, options.file_extension));
  auto impl = std::make_unique<Impl>(store, std::move(options), std::move(naming));
  return std::unique_ptr<CdcWriter>(new CdcWriter(std::move(impl)));
}

CdcWriter::CdcWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CdcWriter::~CdcWriter() = default;

Result<binlog::BinlogPosition> CdcWriter::Recover(const binlog::BinlogPosition& start) {
  return impl_->Recover(start);
}
Status CdcWriter::Fence() { return impl_->Fence(); }
void CdcWriter::BeginTransaction(uint64_t commit_timestamp_us) {
  impl_->BeginTransaction(commit_timestamp_us);
}
Status CdcWriter::AddChange(const TableSchema& table, char op, std::span<const Value> values,
                            std::string_view sequence) {
  return impl_->AddChange(table, 0, op, values, sequence);
}

Status CdcWriter::AddChange(const TableSchema& table, uint64_t schema_token, char op,
                            std::span<const Value> values, std::string_view sequence) {
  return impl_->AddChange(table, schema_token, op, values, sequence);
}
void CdcWriter::SetObjectTags(const std::string& schema, const std::string& table,
                              std::vector<std::pair<std::string, std::string>> tags) {
  impl_->SetObjectTags(schema + '\0' + table, std::move(tags));
}
void CdcWriter::AddDdl(const std::string& schema, const std::string& table) {
  impl_->AddDdl(schema, table);
}
Status CdcWriter::EndTransaction(const binlog::BinlogPosition& after, std::string_view gtid) {
  return impl_->EndTransaction(after, gtid);
}
bool CdcWriter::ShouldCommit(std::chrono::system_clock::time_point now) const {
  return impl_->ShouldCommit(now);
}
Status CdcWriter::Commit() { return impl_->Commit(); }
void CdcWriter::Abort() { impl_->Abort(); }
const CdcCheckpoint& CdcWriter::last_checkpoint() const { return impl_->last_checkpoint(); }
const std::map<std::string, CdcTableStats>& CdcWriter::table_stats() const {
  return impl_->table_stats();
}
bool CdcWriter::batch_empty() const { return impl_->batch_empty(); }

}  // namespace binlake
