// CdcWriter: the output side of CDC. It receives committed row changes transaction by
// transaction, writes them into DMS-style per-table change files, and commits batches with the
// protocol in docs/COMMIT-PROTOCOL.md (prepare files -> create checkpoint N with If-None-Match ->
// publish files). It knows nothing about the binlog; the CDC task (cdc/cdc_task.h) feeds it.
//
// Call sequence (one thread):
//   Create()                                   checks the options (a bad one is an error here)
//   Recover()                                  once, before anything else
//   { BeginTransaction(); AddChange()*; EndTransaction(position) }*   interleaved with
//   ShouldCommit(now) -> Commit()              only between transactions
//   Abort()                                    on a source error: drops the open batch, so the
//                                              caller resumes from last_checkpoint().position
// Commit() at shutdown (SIGTERM) commits what is complete.
//
// What is written (docs/DMS-S3-COMPAT.md §1-2; names in cdc/naming.h):
//   - per table and batch one file `[BucketFolder/]schema/table/[date folders/]
//     YYYYMMDD-HHMMSSmmm<ext>` (another one, 1 ms later, if the table's columns change within
//     the batch or a DDL came, AddDdl); or, with PreserveTransactions, one
//     `CdcPath/CDC_TXN-<time>.csv` per batch holding every table's changes in commit order
//     (cdc/txn_file.h).
//   - columns: Op (unless IncludeOpForFullLoad=false and CdcInsertsOnly=true, DMS's truth
//     table), then TimestampColumnName (the transaction's commit time, UTC, "yyyy-MM-dd
//     HH:mm:ss.SSSSSS"), then the sequence column (when configured), then the table's columns.
//   - CdcInsertsOnly drops U and D rows; CdcInsertsAndUpdates drops D rows.
// Names use the batch's wall-clock time (options.clock) when its first file opens, and are
// strictly greater than every name the task used before (checkpoint.last_file_ms), even if the
// clock goes backwards.
//
// Transaction index (cdc/txn_index.h): every transaction that writes rows or holds a DDL gets a
// line (its end position, GTID, commit time, and the row count after it of each file it wrote
// to), streamed to `_binlake/cdc/txindex/<N>-<unique id>.jsonl`, which is made visible before
// checkpoint N and named by it ("txindex"). The id is new for every attempt, so a checkpoint
// never names another instance's index; a lost race deletes its own. Not written with
// PreserveTransactions.
//
// Memory: rows stream into the file writers (a CSV buffer or one Parquet row group per open
// file; S3 parts are uploaded as they fill). Per batch only counters and one writer per table
// touched are kept, never rows.
//
// Errors: an error from AddChange/EndTransaction leaves the batch unusable: Abort() it. An error
// from Commit() before the commit point has discarded the batch (Abort() is then a no-op); an
// error at or after the commit point (the checkpoint exists, or may exist, but a file could not
// be published) makes every later Commit() fail: stop, and a new CdcWriter's Recover() finishes
// the publication. Either way nothing partial becomes visible and nothing committed is lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/binlog_position.h"
#include "cdc/checkpoint.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "config/settings.h"
#include "format/row_file_writer.h"
#include "store/object_store.h"

namespace binlake {

struct CdcWriterOptions {
  S3Settings settings;                  // DMS settings (CDC, CSV/Parquet, naming)
  RowFileWriterFactory writer_factory;  // CSV or Parquet (format/file_format.h)
  std::string file_extension;           // ".csv", ".csv.gz", ".parquet"
  // Optional ordering column (binlake setting CdcSequenceColumnName): a per-row, strictly
  // increasing change sequence derived from the binlog position (see AddChange).
  std::string sequence_column_name;
  // Wall clock for file names, batch start times and checkpoint times (tests inject a fake
  // one); empty = std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
  // When set, Commit() records this GTID set in the checkpoint instead of the one passed to the
  // batch's last EndTransaction: the source's executed set after that transaction, computed
  // only when a checkpoint needs it (the CDC task's tracker).
  std::function<std::string()> gtid_set_after_batch;
  // When set, Commit() records these as the checkpoint's pending XA transactions (those prepared
  // and not resolved at the batch's last EndTransaction: the CDC task's cdc/xa_tracker.h);
  // unset, the previous checkpoint's are carried over.
  std::function<std::vector<CdcPendingXa>()> pending_xa_after_batch;
  // Older checkpoint objects are folded into the commit log (cdc/commit_log.h) and deleted after
  // a commit, once at least commit_log_group of them are due (both min 1).
  int checkpoints_to_keep = 20;
  int commit_log_group = 64;
  // When set, Commit() calls it after preparing the batch's files and before writing the
  // checkpoint, and Fence() before writing its checkpoint; an error aborts the commit like a
  // failed prepare. The CDC task waits here for
  // the schema history's background writes.
  std::function<Status()> before_checkpoint;
  // Hot standby: recorded in every checkpoint this writer creates (CdcCheckpoint::lease_*).
  std::string lease_holder;
  uint64_t lease_term = 0;
};

class CdcWriter {
 public:
  // Checks `options` and makes a writer on `store` (borrowed: it must outlive the writer). Does
  // no I/O on the store. kInvalidArgument, one line, for options no writer can work with: no
  // writer_factory (unless PreserveTransactions), bad naming settings (an unknown
  // DatePartitionTimezone, DatePartitionSequence or DatePartitionDelimiter; the zone is loaded
  // here).
  static Result<std::unique_ptr<CdcWriter>> Create(ObjectStore* store, CdcWriterOptions options);
  ~CdcWriter();  // aborts the open batch (prepared objects of a failed commit are kept)
  CdcWriter(const CdcWriter&) = delete;
  CdcWriter& operator=(const CdcWriter&) = delete;

  // Reads the newest checkpoint (if any), publishes every file it lists from their tokens
  // (idempotent), and makes the checkpoint current. Returns the position to stream from: the
  // checkpoint's, or `start` when there is none (`start` is the full load's snapshot position
  // or a position given on the command line; the first commit records its successor).
  // Leftovers of uncommitted batches (hidden temp files, S3 multipart uploads where the store
  // can list them) found now are discarded after this writer's first successful commit: only
  // then is it certain that no other instance can still commit them (COMMIT-PROTOCOL.md).
  Result<binlog::BinlogPosition> Recover(const binlog::BinlogPosition& start);

  // Starts a transaction committed at `commit_timestamp_us` (µs since the epoch, UTC).
  // REQUIRES: no transaction open.
  void BeginTransaction(uint64_t commit_timestamp_us);
  // One row change. `op` is 'I', 'U' (after-image) or 'D' (before-image); `table` is the
  // table's description at this point of the binlog (a change of its columns starts a new file
  // for that table; the writer keeps its own copy); `values` has one entry per column and is
  // only read during the call; `sequence` is the row's change sequence (strictly increasing
  // across the stream; written only when sequence_column_name is set). Applies CdcInsertsOnly /
  // CdcInsertsAndUpdates (a dropped change is not counted).
  Status AddChange(const TableSchema& table, char op, std::span<const Value> values,
                   std::string_view sequence);
  // The same, faster: `schema_token` (non-zero) names `table` as the caller's description
  // object, the same columns every time the token is passed (a new description needs a new
  // token; tokens are never reused). The writer then skips looking up the table and comparing
  // its columns.
  Status AddChange(const TableSchema& table, uint64_t schema_token, char op,
                   std::span<const Value> values, std::string_view sequence);
  // S3 object tags for the files of target table schema.table from now on (post-processing
  // rules; transform/object_tags.h). PreserveTransactions files hold several tables: untagged.
  void SetObjectTags(const std::string& schema, const std::string& table,
                     std::vector<std::pair<std::string, std::string>> tags);
  // A DDL on schema.table (counted in its statistics; never deletes target data). Rows after it
  // go to new files, for every table (so no file spans a DDL: CdcFile::first).
  void AddDdl(const std::string& schema, const std::string& table);
  // The transaction ended at `after` (the position of the next event, GTID set included); `gtid`
  // is its own GTID ("" when anonymous), for the transaction index.
  Status EndTransaction(const binlog::BinlogPosition& after, std::string_view gtid = {});

  // True when the open batch should be committed now: it holds at least one complete
  // transaction, no transaction is open, and CdcMaxBatchInterval seconds have passed since the
  // batch's first transaction began (options.clock), or one of its files reached CdcMinFileSize
  // KB (uncompressed estimate, as DMS counts it before encoding).
  bool ShouldCommit(std::chrono::system_clock::time_point now) const;
  // Commits the open batch (no-op without complete transactions): prepares its files, creates
  // the next checkpoint (kAlreadyExists "another binlake instance committed checkpoint N of this
  // task; stopping" if another instance got there first: fatal, the batch is discarded), publishes
  // the files, folds checkpoints older than checkpoints_to_keep into the commit log. A batch of
  // transactions without selected changes commits a checkpoint with no files (the position
  // advances). kInternal if a transaction is open.
  Status Commit();
  // Commits a fencing checkpoint: the next checkpoint, holding the current position and no
  // files, so that an instance still working from an older checkpoint can commit nothing any
  // more (its create of that number fails, or its fencing listing shows a newer one). A new
  // active instance of a hot-standby fleet calls it right after Recover (docs/OPERATIONS.md).
  // kAlreadyExists when another instance committed that checkpoint first (Recover again and
  // retry); like Commit otherwise. REQUIRES: Recover done, no open batch.
  Status Fence();
  // Drops the open batch, open transaction included (its unfinished/prepared objects are
  // discarded, its statistics forgotten).
  void Abort();

  // The newest committed checkpoint (sequence 0 and the start position before the first one).
  const CdcCheckpoint& last_checkpoint() const;
  // Statistics including the open batch's changes so far.
  const std::map<std::string, CdcTableStats>& table_stats() const;
  // True when the open batch holds no complete transaction.
  bool batch_empty() const;

 private:
  class Impl;
  explicit CdcWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace binlake
