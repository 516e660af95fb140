// CdcWriter::Impl (cdc/writer.h), shared by the two files that implement it: writer.cc (recovery,
// the open batch: files and rows) and writer_commit.cc (the commit protocol: prepare, checkpoint,
// publish, fencing, folding old checkpoints into the commit log). Not for other users.
//
// Thread-safety: as CdcWriter: one thread; a commit's store round trips run in parallel inside
// it (ParallelFor over kParallelFiles files at a time).
#pragma once

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
#include "cdc/writer.h"
#include "common/metrics.h"
#include "common/parallel_for.h"
#include "config/format_options.h"
#include "format/csv/csv_writer.h"
#include "store/conditional_probe.h"

namespace binlake {
namespace cdc_writer_detail {

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

}  // namespace cdc_writer_detail

using cdc_writer_detail::BatchFile;
using cdc_writer_detail::kParallelFiles;

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

}  // namespace binlake
