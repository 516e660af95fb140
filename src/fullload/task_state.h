// The task-state object: what a full load did, written into the target next to the data as
// `[BucketFolder/]_binlake/full_load.json`. It is written with status "running" before any data
// file and rewritten with status "complete" after the last one, so a reader (and CDC, which
// starts from `snapshot`) can tell a finished load from an interrupted one.
//
// Format (JSON, stable; "format" names the version):
//   {"format":"binlake-full-load/1","status":"running|complete","started_at":"...Z",
//    "finished_at":"...Z","source":{"server":"host:port","version":"...","flavor":"mariadb"},
//    "snapshot":{"method":"...","binlog_file":"...","binlog_position":N,"gtid_set":"...",
//                "server":"server_id=1"},
// ("primary_key": the key's column names, [] without one; absent in states written before it
// was recorded. Columns carry the attributes of their type as the schema history records them,
// cdc/schema_history.h: "unsigned", "precision"/"scale" (DECIMAL), "fsp", "length", "elements"
// (ENUM/SET), and the table "column_types":"full"; states written before that hold only the
// type's name.)
// (snapshot.server: the server whose binlog the file is, binlog/binlog_position.h; absent in
// states written before it was recorded.)
//    "settings":{<the DMS settings that shape the files>},
//    "tables":[{"schema":"s","table":"t","source":{"schema":"s0","table":"t0"},"rows":N,"bytes":N,
//               "columns":[{"name":"id","type":"int","unsigned":true}...],
//               "column_types":"full","primary_key":["id"],
//               "files":[{"key":"s/t/LOAD00000001.csv","rows":N,"bytes":N,
//                         "splits":[N,...]}]}]}
// ("schema"/"table" name the target's table; "source": the source table, present only when
// transformation rules renamed it, transform/table_transform.h.)
// ("splits": offsets where a row begins, fullload/table_output.h OutputFile::splits; absent when
// the file has none.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/schema.h"
#include "common/status.h"
#include "config/target_layout.h"
#include "fullload/table_output.h"
#include "store/object_store.h"
#include "transform/table_mappings.h"

namespace binlake {

struct TableState {
  TableSchema schema;  // the target's table (after transformation rules, when any apply)
  // The source table, when transformation rules gave the target another name.
  std::optional<TableName> source;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::vector<OutputFile> files;
  // The columns' types carry every attribute (false: a state written before they were
  // recorded, with the type names only).
  bool full_column_types = false;
};

struct FullLoadState {
  std::string status = "running";
  std::string started_at;  // ISO 8601 UTC
  std::string finished_at;
  std::string source_server;
  std::string source_version;
  std::string source_flavor;  // "mariadb" or "mysql"
  std::string snapshot_method;
  binlog::BinlogPosition snapshot;
  std::string settings_json;  // an object, already serialized
  std::vector<TableState> tables;
};

std::string SerializeFullLoadState(const FullLoadState& state);
Result<FullLoadState> ParseFullLoadState(std::string_view json);

// Current UTC time as "2026-11-24T09:30:00.123Z".
std::string NowIso8601();

}  // namespace binlake
