// SchemaHistory: records every version of each replicated table's columns in the target, as
// `[BucketFolder/]_binlake/schema/<schema>/<table>/<binlog file>-<position, 12 digits>.json`,
// named by the binlog position where the version was first seen, so a reader can tell which
// columns each CDC file has (a file always has one version) and a restart never records a
// version twice (the newest recorded version is compared before writing). DDL statements are
// recorded beside them (RecordDdl).
//
// Observe works in the background: at a table's first sight it lists, reads and writes the
// store (one to three round trips, with fsyncs or HTTP requests), which would stall decoding.
// Flush waits for it; the CDC writer calls Flush before each checkpoint, so a checkpoint never
// covers rows whose columns are not recorded (docs/COMMIT-PROTOCOL.md).
//
// Thread-safety: the methods are called from one thread; the background work runs on the
// history's own thread (SerialExecutor) and touches only newest_ and the outcome fields.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "binlog/binlog_position.h"
#include "common/schema.h"
#include "common/serial_executor.h"
#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

// True for a DDL record's key (RecordDdl), false for a recorded version of the columns.
bool IsDdlRecord(std::string_view key);

class SchemaHistory {
 public:
  SchemaHistory(ObjectStore* store, std::string bucket_folder)
      : store_(store), folder_(std::move(bucket_folder)) {}

  // Records `table` as seen at `position` if its columns differ from the newest recorded
  // version, in the background: returns at once (the copies it needs are taken). Calls run in
  // order; an error reaches Flush.
  void Observe(const TableSchema& table, const binlog::BinlogPosition& position);
  // Waits until every Observe so far is done. Returns the first error any of them met; it is
  // kept, and returned by every later Flush.
  Status Flush();
  // New versions written so far (complete after Flush).
  uint64_t versions_written();

  // Records a DDL statement on schema.table (ALTER, TRUNCATE, DROP...) as
  // `<binlog file>-<position, 12 digits>.ddl.json` beside the versions: kind, statement, the
  // database it ran in (`default_schema`, for the table names it does not qualify), position
  // and the event's time (UTC seconds). Idempotent (a re-read DDL rewrites the same object).
  // The columns after an ALTER are recorded by Observe at the table's next row change, from the
  // binlog's own description of them.
  // `transformed`: transformation rules apply to the table, so the statement's names (the
  // source's) are not the record's (the target's); recorded as "transformed": true.
  Status RecordDdl(const std::string& schema, const std::string& table, const std::string& kind,
                   std::string_view statement, std::string_view default_schema,
                   const binlog::BinlogPosition& position, uint32_t event_time_s,
                   bool transformed = false);

  // The JSON description of a table's columns (also the comparison key).
  static std::string Describe(const TableSchema& table);

 private:
  std::string Prefix(const std::string& schema, const std::string& table) const;
  // Observe's work, on the executor's thread.
  Status Record(const TableSchema& table, const binlog::BinlogPosition& position);

  ObjectStore* store_;
  std::string folder_;
  // Executor thread only: "schema.table" -> Describe() of the newest version.
  std::map<std::string, std::string> newest_;
  std::mutex mu_;
  Status error_;                   // guarded by mu_: the first failed Record
  uint64_t versions_written_ = 0;  // guarded by mu_
  SerialExecutor executor_;        // last: destroyed (joined) first
};

}  // namespace binlake
