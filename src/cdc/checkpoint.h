// The CDC checkpoint object: `[BucketFolder/]_binlake/cdc/checkpoint-<20 digits>.json`, the
// commit point of one batch (docs/COMMIT-PROTOCOL.md). Checkpoint N names the files of batch N
// with their publication tokens, the binlog position after the batch, and cumulative statistics
// (so `binlake status` can show DMS-like table statistics from the newest one alone).
//
// Format (JSON, stable; "format" names the version; readers ignore unknown keys):
//   {"format":"binlake-cdc-checkpoint/1","sequence":N,"created_at":"2024-11-24T10:15:00.123Z",
//    "position":{"binlog_file":"binlog.000003","binlog_position":4711,"gtid_set":"...",
//                "server":"server_id=1"},
//    "last_commit_us":N,"last_commit_time":"2024-11-24 10:14:59.000000","last_file_ms":N,
//    "transactions":N,
//    "files":[{"key":"db/t/20241124-101500123.csv","token":"...","table":"db.t","rows":N,
//              "first":{"binlog_file":"binlog.000003","binlog_position":4000}}],
//    "tables":{"db.t":{"inserts":N,"updates":N,"deletes":N,"ddls":N,
//                      "last_change":"2024-11-24 10:14:59.000000"}},
//    "txindex":"_binlake/cdc/txindex/00000000000000000042-0123456789abcdef.jsonl"}
// "position.server" names the server whose binlog the file is (binlog/binlog_position.h; absent
// in checkpoints written before it was recorded): a resume on another server goes by the GTID
// set (docs/COMMIT-PROTOCOL.md, "Failover").
// "files[].first" is where the file's rows begin (CdcFile::first; absent in checkpoints written
// before it was recorded, and readers that do not know it ignore it).
// "txindex" (absent when empty) names the batch's transaction index object (cdc/txn_index.h):
// which rows of the files each transaction wrote. Older readers ignore it, so it keeps version 1.
// "lease" (absent outside hot standby) names the instance that committed it and its lease term:
//    "lease":{"holder":"replica-b","term":3}; the terms never decrease along the sequence
// (docs/OPERATIONS.md, "Hot standby"). Older readers ignore it.
// "last_commit_time" is informative (derived from last_commit_us); "last_file_ms" is in the
// name clock of cdc/naming.h.
// Version 2 is version 1 plus "pending_xa": the XA transactions prepared before "position" and
// not committed or rolled back before it (docs/COMMIT-PROTOCOL.md, "XA transactions"):
//    "pending_xa":[{"xid":"X'0102',X'6271',7","gtid":"0-1-42","binlog_file":"binlog.000003",
//                   "start":4000,"end":4500}]
// A checkpoint is written as version 1 when nothing is pending (so an older binlake can still
// resume from it) and as version 2 otherwise (an older binlake, which would not deliver the
// pending transactions at their XA COMMIT, then refuses it). Both versions are read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/status.h"
#include "config/target_layout.h"

namespace binlake {

// Cumulative per-table counters, like DMS's table statistics. They count the changes written to
// the target (after CdcInsertsOnly / CdcInsertsAndUpdates) and the DDLs seen.
struct CdcTableStats {
  uint64_t inserts = 0;
  uint64_t updates = 0;
  uint64_t deletes = 0;
  uint64_t ddls = 0;
  std::string last_change;  // commit time of the last change, "yyyy-MM-dd HH:mm:ss.SSSSSS" UTC
  bool operator==(const CdcTableStats&) const = default;
};

struct CdcFile {
  std::string key;
  std::string token;  // publication token (ObjectWriter::Prepare)
  std::string table;  // "schema.table" ("" for a PreserveTransactions CDC_TXN file)
  uint64_t rows = 0;
  // Where the file's rows begin: the binlog position at which the transaction that wrote its
  // first row began (the end of the one before it). A file never spans a DDL statement (the
  // writer starts new files after one), so every DDL before `first` came before all of its rows
  // and every later one after them. Empty in checkpoints written before it was recorded.
  binlog::BinlogPosition first{};
  bool operator==(const CdcFile&) const = default;
};

// A prepared XA transaction whose outcome (XA COMMIT / XA ROLLBACK) comes after the
// checkpoint's position: where its body (the events from its GTID to its XA_PREPARE) lies in the
// source's binlog, so its rows can be re-read when it commits (cdc/xa_tracker.h).
struct CdcPendingXa {
  std::string xid;     // binlog::XaXid::ToString(): X'<gtrid hex>',X'<bqual hex>',<formatID>
  std::string gtid;    // the body's GTID ("" when anonymous)
  std::string file;    // the binlog file holding the body
  uint64_t start = 0;  // offset of its first event
  uint64_t end = 0;    // offset after its XA_PREPARE event
  bool operator==(const CdcPendingXa&) const = default;
};

struct CdcCheckpoint {
  uint64_t sequence = 0;   // 0 = none yet (starting from the full load or a given position)
  std::string created_at;  // ISO 8601 UTC
  binlog::BinlogPosition position;  // after the last committed transaction: where to resume
  uint64_t last_commit_us = 0;      // commit time of the last transaction (µs since the epoch)
  uint64_t last_file_ms = 0;        // the largest name-clock time used in a file name
  uint64_t transactions = 0;        // cumulative
  std::vector<CdcFile> files;       // the files of this batch
  // Cumulative, by "schema.table" (two tables whose dotted names coincide, `a.b`.`c` and
  // `a`.`b.c`, share an entry; their files stay apart).
  std::map<std::string, CdcTableStats> tables;
  std::vector<CdcPendingXa> pending_xa;  // prepared XA transactions not resolved at `position`
  // The key of the batch's transaction index (cdc/txn_index.h); "" when the batch has none
  // (no files, PreserveTransactions, or written before binlake kept one).
  std::string txindex;
  // Hot standby: the committing instance and its lease term ("" / 0 otherwise).
  std::string lease_holder;
  uint64_t lease_term = 0;
  bool operator==(const CdcCheckpoint&) const = default;
};

inline constexpr std::string_view kCdcCheckpointFormat = "binlake-cdc-checkpoint/1";
inline constexpr std::string_view kCdcCheckpointFormatV2 = "binlake-cdc-checkpoint/2";

// Version 1, or version 2 when pending_xa is not empty.
std::string SerializeCdcCheckpoint(const CdcCheckpoint& c);
// kCorruption (one line) for anything that is not a version-1 or version-2 checkpoint.
Result<CdcCheckpoint> ParseCdcCheckpoint(std::string_view json);
// "[folder/]_binlake/cdc/checkpoint-00000000000000000042.json"
std::string CdcCheckpointKey(const std::string& bucket_folder, uint64_t sequence);
// The sequence number of a checkpoint key (any folder), or nullopt if `key` is not one.
std::optional<uint64_t> CdcCheckpointSequence(std::string_view key);

}  // namespace binlake
