// Catalog: which tables the source has and what their columns are, read from information_schema
// and turned into the shared TableSchema model (common/schema.h). The binlog decoder builds the
// same ColumnType for the same column from TABLE_MAP metadata, so both paths render alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "source/mysql_connection.h"

namespace binlake {

struct SourceTable {
  TableSchema schema;
  uint64_t estimated_rows = 0;  // information_schema.TABLES.TABLE_ROWS (an estimate for InnoDB)
  uint64_t data_bytes = 0;      // DATA_LENGTH
  std::string engine;
};

// Schemas never replicated unless named explicitly: the server's own.
bool IsSystemSchema(std::string_view schema);

// All base tables (not views) in user schemas, sorted by schema then table name.
Result<std::vector<SourceTable>> ReadCatalog(MysqlConnection& conn);

// Builds a ColumnType from information_schema.COLUMNS fields. `data_type` is DATA_TYPE
// (lowercase), `column_type` COLUMN_TYPE (e.g. "int(10) unsigned", "enum('a','b')").
// `is_json` marks MariaDB JSON columns (LONGTEXT with a json_valid check).
Result<ColumnType> ColumnTypeFromInformationSchema(
    std::string_view data_type, std::string_view column_type, uint64_t numeric_precision,
    uint64_t numeric_scale, uint64_t datetime_precision, uint64_t character_maximum_length,
    uint16_t collation_id, bool is_json);

// Parses the labels of "enum('a','b''c')" / "set(...)" (quotes doubled or backslash-escaped).
Result<std::vector<std::string>> ParseEnumLabels(std::string_view column_type);

}  // namespace binlake
