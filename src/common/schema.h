// Table and column descriptions shared by every pipeline stage: the snapshot reads them from
// information_schema, the binlog decoder from TABLE_MAP metadata (or the schema history), and the
// formats use them to name and type output columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake {

// The SQL type of a column, as MySQL/MariaDB declare it (not the wire type).
enum class SqlType : uint8_t {
  kTinyInt,
  kSmallInt,
  kMediumInt,
  kInt,
  kBigInt,
  kDecimal,
  kFloat,
  kDouble,
  kBit,
  kYear,
  kDate,
  kTime,
  kDateTime,
  kTimestamp,
  kChar,
  kVarChar,
  kText,  // TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT
  kBinary,
  kVarBinary,
  kBlob,  // TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB
  kEnum,
  kSet,
  kJson,
  kGeometry,
  kVector,  // MySQL 9: array of float32
  kNull,    // MySQL's internal NULL type (never a user column; seen in some binlogs)
};

std::string_view SqlTypeName(SqlType type);

// Collation id 63 is "binary": the column holds bytes, not characters.
inline constexpr uint16_t kBinaryCollationId = 63;

struct ColumnType {
  SqlType type = SqlType::kVarChar;
  bool is_unsigned = false;
  uint8_t precision = 0;              // DECIMAL digits (1..65)
  uint8_t scale = 0;                  // DECIMAL digits after the point (0..30)
  uint8_t fsp = 0;                    // TIME/DATETIME/TIMESTAMP fractional digits (0..6)
  uint32_t length = 0;                // CHAR/VARCHAR characters, BINARY/VARBINARY bytes, BIT bits,
                                      // BLOB/TEXT max bytes, VECTOR dimensions; 0 when unknown
  uint16_t collation_id = 0;          // 0 when unknown
  std::vector<std::string> elements;  // ENUM/SET labels in declaration order (1-based on the wire)

  bool IsInteger() const {
    return type == SqlType::kTinyInt || type == SqlType::kSmallInt || type == SqlType::kMediumInt ||
           type == SqlType::kInt || type == SqlType::kBigInt;
  }
  bool IsTemporal() const {
    return type == SqlType::kDate || type == SqlType::kTime || type == SqlType::kDateTime ||
           type == SqlType::kTimestamp || type == SqlType::kYear;
  }
  // True for types whose values are raw bytes rendered as hex/base64.
  bool IsBinary() const {
    return type == SqlType::kBinary || type == SqlType::kVarBinary || type == SqlType::kBlob ||
           type == SqlType::kGeometry;
  }
};

struct Column {
  std::string name;
  ColumnType type;
  bool nullable = true;
};

struct TableSchema {
  std::string schema;
  std::string table;
  std::vector<Column> columns;
  std::vector<int> primary_key;  // indexes into `columns`, in key order; empty if none

  int FindColumn(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

// A table's name: schema (database) and table.
struct TableName {
  std::string schema;
  std::string table;
  std::string Dotted() const { return schema + "." + table; }
  bool operator==(const TableName&) const = default;
};

// Same column names and types, in the same order (what a data file's layout depends on).
bool SameColumns(const TableSchema& a, const TableSchema& b);

}  // namespace binlake
