// TableMap: a TABLE_MAP event decoded once into the table's description (TableSchema with the
// ColumnTypes the snapshot side builds from information_schema) and one precomputed ColumnCodec
// per column, which RowReader uses to decode row images without re-inspecting metadata.
//
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
//       https://mariadb.com/kb/en/table_map_event/
// Body:
//   post-header: uint48 table_id (uint32 if the post-header is 6 bytes), uint16 flags
//   uint8 db_len, db, NUL, uint8 table_len, table, NUL
//   packed column_count, uint8 type[column_count]
//   packed metadata_len, metadata (0, 1 or 2 bytes per column, by type)
//   null bitmap ((column_count+7)/8 bytes, bit i = column i nullable)
//   optional metadata: { uint8 type, packed length, value } (binlog_row_metadata MINIMAL/FULL)
//
// Type mapping notes:
//   - MariaDB's JSON is a LONGTEXT (utf8mb4_bin) in the binlog: it decodes to kText/Value::String,
//     as information_schema reports it (DATA_TYPE 'longtext').
//   - ENUM and SET arrive as MYSQL_TYPE_STRING with the real type in the metadata.
//   - MariaDB columns still in its pre-10.1 fractional-seconds format (mysql56_temporal_format=
//     OFF) use the old TIME/DATETIME/TIMESTAMP type codes without metadata and a different
//     size: not supported (rows fail with a clear error; a schema hint with fsp > 0 marks them).
//   - Without optional metadata (MySQL 5.7, MariaDB < 10.5) signedness, charsets and names are
//     unknown: integers decode as signed, strings as UTF-8 when valid (else bytes), unless a
//     schema hint (e.g. from information_schema) supplies them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "binlog/binlog_format.h"
#include "binlog/charset.h"
#include "binlog/events.h"
#include "common/schema.h"
#include "common/status.h"

namespace binlake::binlog {

// How RowReader decodes one column.
enum class CodecKind : uint8_t {
  kNull,
  kInt8,
  kInt16,
  kInt24,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDecimal,
  kBit,
  kYear,
  kDate,
  kTimeOld,
  kTime2,
  kDateTimeOld,
  kDateTime2,
  kTimestampOld,
  kTimestamp2,
  kEnum,
  kSet,
  kString,  // CHAR/BINARY/VARCHAR/VARBINARY: 1- or 2-byte length prefix
  kBlob,    // BLOB/TEXT/GEOMETRY/VECTOR/MariaDB JSON: 1..4-byte length prefix
  kJson,    // MySQL binary JSON: length prefix then binary JSON
  kUnsupported,
};

struct ColumnCodec {
  CodecKind kind = CodecKind::kUnsupported;
  FieldType type = FieldType::kNull;       // as in the TABLE_MAP
  FieldType real_type = FieldType::kNull;  // STRING resolved to STRING/ENUM/SET
  uint16_t meta = 0;                       // raw metadata
  uint8_t prefix_bytes = 0;                // length prefix size (kString: 1|2, kBlob/kJson: 1..4)
  uint8_t width = 0;  // fixed byte width: ENUM/SET pack length, BIT, DECIMAL, fraction
  uint8_t fsp = 0;
  uint8_t precision = 0;
  uint8_t scale = 0;
  bool is_unsigned = false;
  bool binary = false;              // bytes, not text (collation binary, GEOMETRY, VECTOR)
  bool maria_old_temporal = false;  // MariaDB pre-5.6 temporal code: may be its hires format
  uint32_t max_length = 0;          // kString: declared max bytes
  uint32_t pad_to = 0;  // BINARY(n): the server strips trailing NULs; pad back to n bytes
  CharsetInfo charset;  // text columns
};

struct TableMap {
  uint64_t serial = 0;  // unique per decoded map in this process (a cache key for renderers)
  uint64_t table_id = 0;
  uint16_t flags = 0;
  TableSchema schema;  // schema/table names; column names are empty when the map has none
  std::vector<ColumnCodec> codecs;
  bool has_column_names = false;
  bool has_signedness = false;
  bool has_charsets = false;
  std::vector<bool> visible;         // MySQL COLUMN_VISIBILITY; empty = all visible
  std::vector<uint32_t> json_order;  // per column: index among kJson columns (partial updates)
  uint32_t json_column_count = 0;

  size_t column_count() const { return codecs.size(); }
  // The column's name, or "@<n>" (1-based, as mysqlbinlog prints) when the map has no names.
  std::string ColumnLabel(size_t i) const;
};

// Decodes the whole TABLE_MAP. `hint`, when given and its column count matches, supplies what
// the map lacks (names, signedness, collations, ENUM/SET labels, primary key).
Result<std::shared_ptr<const TableMap>> DecodeTableMap(const TableMapEvent& event,
                                                       const DecodeContext& ctx,
                                                       const TableSchema* hint = nullptr);

}  // namespace binlake::binlog
