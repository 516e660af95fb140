// The schema history of a target (cdc/schema_history.h) as TablePlan reads it: every DDL record
// (`_binlake/schema/<schema>/<table>/<binlog file>-<position>.ddl.json`, under the first table the
// statement names) and, per table folder, the recorded versions of its columns.
//
// One LIST of `[BucketFolder/]_binlake/schema/` finds them all; DDL records are read at once
// (they are few: one per DDL statement), versions only for the folders a caller asks for.
// kCorruption (one line, naming the object) for a record that is not what CDC writes.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/schema.h"
#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

struct DdlRecord {
  std::string key;
  binlog::BinlogPosition at;  // the statement's QUERY event
  std::string schema;         // the table it is recorded under (the first one it names)
  std::string table;
  std::string kind;            // CREATE, ALTER, DROP, TRUNCATE, RENAME
  std::string statement;       // as the source logged it
  std::string default_schema;  // the statement's current database ("" in older records)
  // Transformation rules applied to the table (transform/table_transform.h): the statement
  // names the source's table and columns, the record the target's.
  bool transformed = false;
};

struct VersionRecord {
  std::string key;
  binlog::BinlogPosition at;  // first_seen: the first row event with these columns
  std::string schema;
  std::string table;
  std::vector<Column> columns;  // names and types as CDC described them
};

struct SchemaRecords {
  std::vector<DdlRecord> ddls;  // in binlog order
  // The keys of the recorded versions, by folder ("[BucketFolder/]_binlake/schema/<s>/<t>/").
  std::map<std::string, std::vector<std::string>> version_keys;
};

Result<SchemaRecords> ListSchemaRecords(ObjectStore& store, std::string_view bucket_folder);

// The versions stored under `keys`, in binlog order.
Result<std::vector<VersionRecord>> ReadVersionRecords(ObjectStore& store,
                                                      const std::vector<std::string>& keys);

// Strict binlog order, as binlog::AtOrAfter orders positions.
bool PositionBefore(const binlog::BinlogPosition& a, const binlog::BinlogPosition& b);

}  // namespace binlake
