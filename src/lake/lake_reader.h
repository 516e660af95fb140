// Reading a binlake target as tables: its full load (_binlake/full_load.json), its committed
// history (cdc/commit_log.h), the point a request names (AsOf), and each table's rows as of a
// commit (ReadTableAsOf, through TableMerge).
//
// What is read comes from the target's own state, never guessed: the files' format (DataFormat
// csv or parquet) and CSV dialect from the settings the full load recorded (CDC is expected to
// run with the same ones; the CDC files' extra columns after Op, TimestampColumnName and the
// sequence column, are recognised by count). A Parquet target's rows are rendered as CSV in the
// default dialect (the CSV-only settings, delimiters, CsvNullValue, Rfc4180, AddColumnName,
// CompressionType, do not apply to it; BinaryEncoding does: the text of binary values).
// Not supported yet, each a one-line error: other DataFormats, PreserveTransactions (CDC_TXN)
// files, tables whose columns changed during CDC (a DDL; ReadTableAsOf: lake/table_plan.h plans
// them), and targets whose older checkpoints were deleted before the commit log kept them.
// ReadTableAsOf reads CSV targets only (materialize reads Parquet ones through lake/file_rows.h).
//
// Points (ResolveAsOf): "latest" (the newest checkpoint), a checkpoint number (0 = the full
// load's snapshot), a binlog position FILE:POS, a UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]Z, a GTID
// set, MySQL "uuid:1-5,uuid2:1-3" or MariaDB "0-1-100,1-2-5" (binlog/gtid_set.h). A request is
// first placed at the newest checkpoint N at or before it (for a position: N's position <= it;
// for a time: N's last transaction committed at or before it; for a GTID set: the request
// contains N's set). It is exact when it names N itself (the same position, the same set, or the
// next batch is one transaction that committed after the time). Otherwise it falls inside batch
// N+1, which is cut at a transaction (AsOf::partial, lake/batch_cut.h) when N+1 has a
// transaction index (cdc/txn_index.h): the last indexed transaction at or before the position /
// committed at or before the time / whose GTID the set contains. That cut is exact unless the
// transactions the request takes are not a prefix of the batch (commit times out of order, a
// GTID set that leaves out an earlier transaction), the set reaches past batch N+1 (a MariaDB
// request that stops one domain before another), a FILE:POS whose batch spans a change of server
// (a failover: positions of two servers do not compare), or a transaction without a GTID
// for a GTID request: then it stays at N, not exact, and AsOf::note says why. Batches written
// before binlake kept the index (no "txindex" in their checkpoint) give the boundary N, not exact.
// Errors: a point past the newest checkpoint (for a GTID set: one it does not contain yet), or
// a GTID set that does not contain the full load's snapshot set.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdc/commit_log.h"
#include "cdc/settings_record.h"
#include "common/status.h"
#include "format/csv/csv_reader.h"
#include "format/file_format.h"
#include "fullload/task_state.h"
#include "lake/table_merge.h"
#include "store/object_store.h"

namespace binlake {

struct Lake {
  std::string bucket_folder;
  FullLoadState load;
  DataFormat format = DataFormat::kCsv;  // of the LOAD and CDC files
  // CSV: the files' dialect: delimiter, row delimiter, null value, Rfc4180, header
  // (AddColumnName), gzip. Parquet: the dialect rows are rendered in (the default one, with the
  // target's BinaryEncoding). Materialized CSV parts are written in it.
  CsvOptions csv;
  bool op_in_load = false;        // IncludeOpForFullLoad
  bool timestamp_column = false;  // TimestampColumnName set
  CommitHistory history;
  std::vector<CdcSettingsRecord> cdc_settings;  // cdc/settings_record.h (none: older targets)
};

// Whether the CDC files of checkpoints 1..upto can give a table's state with the full load's
// dialect: kUnsupported (one line) when CDC ran with CdcInsertsOnly or CdcInsertsAndUpdates (the
// files lack the updates or deletes), PreserveTransactions, or other CSV settings than the full
// load (DataFormat, CompressionType, delimiters, CsvNullValue, Rfc4180, AddColumnName,
// TimestampColumnName, BinaryEncoding; for a Parquet target only DataFormat, TimestampColumnName
// and BinaryEncoding).
Status CheckCdcSettings(const Lake& lake, uint64_t upto);

// kNotFound: no full load in the target; kPreconditionFailed: it is not complete, or the history
// does not reach back to it; kUnsupported: a DataFormat other than csv and parquet.
Result<Lake> OpenLake(ObjectStore& store, std::string_view bucket_folder);

// A batch taken in part: the rows its first transactions wrote.
struct PartialBatch {
  uint64_t checkpoint = 0;     // the batch (AsOf::checkpoint + 1)
  uint64_t transactions = 0;   // its indexed transactions taken (those with rows or a DDL)
  std::vector<uint64_t> rows;  // per file of its checkpoint's `files`: the first rows taken
  binlog::BinlogPosition end;  // after the last transaction taken (file and offset)
  bool operator==(const PartialBatch&) const = default;
};

struct AsOf {
  uint64_t checkpoint = 0;  // 0 = the full load's snapshot; the last batch taken whole
  // Where the source's binlog was at that point: checkpoint's position, or for a cut inside a
  // batch the request's FILE:POS / the end of the last transaction taken, with the request's
  // GTID set (GTID requests; else none).
  binlog::BinlogPosition position;
  uint64_t last_commit_us = 0;          // commit time of its last transaction (0 if unknown)
  bool exact = true;                    // false: the request fell inside a batch, not cut there
  std::string requested;                // the request, as given
  std::optional<PartialBatch> partial;  // batch checkpoint + 1, cut inside (exact)
  std::string note;                     // why a request inside a batch was not cut there
  // The last checkpoint whose files are read (whole or in part).
  uint64_t last_read() const { return partial ? partial->checkpoint : checkpoint; }
};

// kInvalidArgument for a request that is none of the forms; kOutOfRange-like kInvalidArgument for
// a point before the full load's snapshot or after the newest checkpoint (for a GTID set: one the
// newest checkpoint has not reached), and for a GTID set of the other flavour than the target's
// or on a target that records none.
// `store` holds the target: it is read for the transaction indexes; nullptr resolves to
// checkpoints only (no cut inside a batch).
Result<AsOf> ResolveAsOf(const Lake& lake, std::string_view when, ObjectStore* store = nullptr);

// The table's rows as of checkpoint `upto` into `merge` (its LOAD files, then the CDC files of
// commits 1..upto that belong to it, in commit order).
Status ReadTableAsOf(ObjectStore& store, const Lake& lake, const TableState& table, uint64_t upto,
                     TableMerge* merge);

}  // namespace binlake
