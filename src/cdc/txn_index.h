// The transaction index of a CDC batch: which rows of the batch's files each of its
// transactions wrote, so a reader can cut a batch exactly at a transaction (`binlake materialize
// --as-of` inside a batch, lake/batch_cut.h). Written by the CDC writer (cdc/writer.h), read by
// the lake stage; this file is the one definition of its format.
//
// Object: `[BucketFolder/]_binlake/cdc/txindex/<checkpoint: 20 digits>-<unique id>.jsonl`,
// written (made visible) before checkpoint N is created and named by it ("txindex",
// cdc/checkpoint.h). The unique id (16 random hex digits) is new for every attempt at a batch:
// two instances racing for checkpoint N write two objects, and each checkpoint can only name
// its own writer's; a crash between the index and the checkpoint leaves an object that no
// checkpoint names, which nobody reads (docs/COMMIT-PROTOCOL.md, "Objects").
//
// Format (JSON lines, compact):
//   {"format":"binlake-cdc-txindex/1","checkpoint":N}
//   {"end":"binlog.000003:4711","gtid":"0-1-42","us":1732443299000001,"rows":[[0,12],[2,3]]}
//   {"end":"binlog.000003:5020","us":1732443299000002,"rows":[],"ddl":true}
// One line per transaction of the batch, in binlog order, that wrote rows to a file of the batch
// or held a DDL statement on a selected table: "end" the binlog position after it (file:offset,
// on the server checkpoint N names), "gtid" its GTID (MySQL uuid:n, MariaDB d-s-n; absent when
// anonymous), "us" its commit time (µs since the epoch, UTC), "rows" for every file it wrote rows
// to, [index of the file in checkpoint N's "files", that file's row count after it], "ddl" when
// it held a DDL. Other transactions (no selected rows, XA PREPARE groups) are left out: a point
// between two of them cuts the same rows and the same table definitions.
//
// Cost: about 60-100 bytes per indexed transaction (plus ~10 per file it touched) in the store;
// in the writer's memory nothing per transaction: lines stream to the object's writer (a 1 MiB
// buffer locally, one part on S3). PreserveTransactions batches have no index (materialize does
// not read them).
//
// Thread-safety: TxnIndexWriter and TxnIndexParser belong to one thread; functions are pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binlog/binlog_position.h"
#include "cdc/checkpoint.h"
#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

inline constexpr std::string_view kTxnIndexFormat = "binlake-cdc-txindex/1";

struct TxnIndexEntry {
  binlog::BinlogPosition end;  // file and offset after the transaction (no GTID set, no server)
  std::string gtid;            // "" when anonymous
  uint64_t commit_us = 0;
  bool ddl = false;
  std::vector<std::pair<uint32_t, uint64_t>> rows;  // (file index, row count after), ascending
  bool operator==(const TxnIndexEntry&) const = default;
};

// "[folder/]_binlake/cdc/txindex/"
std::string TxnIndexFolder(std::string_view bucket_folder);
// "[folder/]_binlake/cdc/txindex/<checkpoint: 20 digits>-<id>.jsonl"
std::string TxnIndexKey(std::string_view bucket_folder, uint64_t checkpoint, std::string_view id);
// Whether `key` (any folder; possibly cut short, as local leftovers' names are) is an index key.
bool IsTxnIndexKey(std::string_view key);
// 16 random hex digits.
std::string NewTxnIndexId();

std::string TxnIndexHeaderLine(uint64_t checkpoint);                    // ends with '\n'
void AppendTxnIndexLine(const TxnIndexEntry& entry, std::string* out);  // ends with '\n'

// Streams the index of one batch into the store (see the header comment for its memory).
class TxnIndexWriter {
 public:
  TxnIndexWriter(ObjectStore* store, std::string bucket_folder)
      : store_(store), folder_(std::move(bucket_folder)) {}
  ~TxnIndexWriter() { Abort(); }

  // A row of the open transaction went to file `index` of the batch.
  void Touch(uint32_t index) {
    for (uint32_t i : touched_) {
      if (i == index) return;
    }
    touched_.push_back(index);
  }
  // The open transaction held a DDL statement.
  void MarkDdl() { ddl_ = true; }
  // Ends the open transaction of batch `checkpoint`: writes its line if it touched a file or
  // held a DDL (the first line opens the object under a new key). `rows_of(i)` is file i's row
  // count now.
  template <typename RowsOf>
  Status EndTransaction(uint64_t checkpoint, const binlog::BinlogPosition& end,
                        std::string_view gtid, uint64_t commit_us, RowsOf rows_of) {
    if (touched_.empty() && !ddl_) return Status::Ok();
    TxnIndexEntry& e = entry_;
    e.end.file = end.file;
    e.end.position = end.position;
    e.gtid = std::string(gtid);
    e.commit_us = commit_us;
    e.ddl = ddl_;
    e.rows.clear();
    std::sort(touched_.begin(), touched_.end());
    for (uint32_t i : touched_) e.rows.emplace_back(i, rows_of(i));
    touched_.clear();
    ddl_ = false;
    return Write(checkpoint, &e);
  }
  // Makes the index of batch `checkpoint` visible (one with no entries when no transaction was
  // indexed: readers then know the batch has none) and returns its key. After an error the
  // batch must be dropped (Abort).
  Result<std::string> Close(uint64_t checkpoint);
  // Forgets the open batch: an unfinished object is discarded; a closed one stays.
  void Abort();
  // Deletes the object Close made visible (a lost race; best effort, for tidiness only).
  void DeleteClosed();

 private:
  Status Write(uint64_t checkpoint, const TxnIndexEntry* e);

  ObjectStore* store_;
  std::string folder_;
  std::unique_ptr<ObjectWriter> out_;
  std::string key_;      // of the open or closed object
  std::string line_;     // reused
  TxnIndexEntry entry_;  // reused
  std::vector<uint32_t> touched_;
  bool ddl_ = false;
};

// Validating reader of one index, line by line, against the checkpoint that names it: the header
// names that checkpoint, file indexes exist, each file's counts grow and stay within its rows,
// positions do not go back nor past the checkpoint's; Finish checks that every row of every file
// is accounted for. kCorruption, one line (the caller names the object).
class TxnIndexParser {
 public:
  explicit TxnIndexParser(const CdcCheckpoint& checkpoint);
  // One line without its '\n'. Returns false for the header line, true with *out for an entry.
  Result<bool> Line(std::string_view line, TxnIndexEntry* out);
  Status Finish() const;

 private:
  const CdcCheckpoint& checkpoint_;
  uint64_t line_number_ = 0;
  std::vector<uint64_t> counts_;
  binlog::BinlogPosition last_;
};

}  // namespace binlake
