// SchemaHistory: records every version of each replicated table's columns in the target, as
// `[BucketFolder/]_binlake/schema/<schema>/<table>/<binlog file>-<position, 12 digits>.json`,
// named by the binlog position where the version was first seen, so a reader can tell which
// columns each CDC file has (a file always has one version) and a restart never records a
// version twice (the newest recorded version is compared before writing). DDL statements are
// recorded beside them (RecordDdl).
//
// Thread-safety: one thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/schema.h"
#include "common/status.h"
#include "source/binlog_position.h"
#include "store/object_store.h"

namespace binlake {

class SchemaHistory {
 public:
  SchemaHistory(ObjectStore* store, std::string bucket_folder)
      : store_(store), folder_(std::move(bucket_folder)) {}

  // Records `table` as seen at `position` if its columns differ from the newest recorded
  // version. Returns true when a new version was written.
  Result<bool> Observe(const TableSchema& table, const BinlogPosition& position);

  // Records a DDL statement on schema.table (ALTER, TRUNCATE, DROP...) as
  // `<binlog file>-<position, 12 digits>.ddl.json` beside the versions: kind, statement,
  // position and the event's time (UTC seconds). Idempotent (a re-read DDL rewrites the same
  // object). The columns after an ALTER are recorded by Observe at the table's next row change,
  // from the binlog's own description of them.
  Status RecordDdl(const std::string& schema, const std::string& table, const std::string& kind,
                   std::string_view statement, const BinlogPosition& position,
                   uint32_t event_time_s);

  // The JSON description of a table's columns (also the comparison key).
  static std::string Describe(const TableSchema& table);

 private:
  std::string Prefix(const std::string& schema, const std::string& table) const;

  ObjectStore* store_;
  std::string folder_;
  std::map<std::string, std::string> newest_;  // "schema.table" -> Describe() of newest version
};

}  // namespace binlake
