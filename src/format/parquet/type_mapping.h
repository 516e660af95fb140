// How each MySQL/MariaDB column becomes a Parquet column, and how each Value becomes a Parquet
// value. The table is written for users in README.md beside this file; keep them in sync.
//
//   SQL type                     Parquet physical      annotation (logical / converted)
//   TINYINT / SMALLINT / INT     INT32                 INT(8|16|32, signed) / INT_8|16|32
//     MEDIUMINT                  INT32                 INT(32, signed) / INT_32
//   TINYINT/SMALLINT UNSIGNED    INT32                 INT(8|16, unsigned) / UINT_8|16
//   INT/MEDIUMINT UNSIGNED       1.0: INT64            INT(64, signed) / INT_64 (as Arrow 1.0)
//                                2.0: INT32            INT(32, unsigned) / UINT_32
//   BIGINT                       INT64                 INT(64, signed) / INT_64
//   BIGINT UNSIGNED              INT64                 INT(64, unsigned) / UINT_64
//   BIT(n)                       INT64                 INT(64, unsigned) / UINT_64
//   YEAR                         INT32                 INT(16, signed) / INT_16 (0 for 0000)
//   DECIMAL(p,s) p <= 9          INT32                 DECIMAL(p,s)
//   DECIMAL(p,s) p <= 18         INT64                 DECIMAL(p,s)
//   DECIMAL(p,s) p <= 38         FIXED_LEN_BYTE_ARRAY  DECIMAL(p,s), minimal width, big endian
//   DECIMAL(p,s) p > 38          BYTE_ARRAY            STRING / UTF8 (the server's text; readers
//                                                      cap decimals at 38 digits)
//   FLOAT / DOUBLE               FLOAT / DOUBLE        -
//   DATE                         INT32                 DATE / DATE (days since 1970-01-01)
//   DATETIME                     INT64                 TIMESTAMP(isAdjustedToUTC=false, MICROS|
//                                                      MILLIS) / TIMESTAMP_MICROS|MILLIS
//   TIMESTAMP                    INT64                 TIMESTAMP(isAdjustedToUTC=true, ...) / ...
//   TIME                         BYTE_ARRAY            STRING / UTF8 ("-838:59:59.000000"; DMS
//                                                      maps TIME to STRING: its range exceeds
//                                                      Parquet's TIME)
//   CHAR/VARCHAR/TEXT            BYTE_ARRAY            STRING / UTF8
//   ENUM, SET                    BYTE_ARRAY            STRING / UTF8 (labels, as in CSV)
//   JSON                         BYTE_ARRAY            STRING / UTF8 (compact JSON text, as CSV;
//                                                      DMS maps JSON to CLOB -> STRING)
//   BINARY/VARBINARY/BLOB        BYTE_ARRAY            - (raw bytes)
//   GEOMETRY                     BYTE_ARRAY            - (SRID + WKB, as stored)
//   VECTOR                       BYTE_ARRAY            - (float32 little-endian array, as stored)
//   Op, TimestampColumnName,     BYTE_ARRAY            STRING / UTF8 (first, as in CSV)
//     CDC sequence column
// Every column is OPTIONAL. Values Parquet cannot hold become NULL: zero and partial-zero dates
// (0000-00-00, 2020-00-10), year 0, dates that are not calendar dates (2021-02-30) and times of day
// outside 00:00:00..23:59:59 in DATE/DATETIME/TIMESTAMP columns. ParquetTimestampInMillisecond
// truncates microseconds to milliseconds.
#pragma once

#include <string>
#include <string_view>

#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "format/parquet/metadata.h"
#include "format/parquet/statistics.h"

namespace binlake::parquet {

// How a Value is turned into the column's physical value.
enum class Conversion : uint8_t {
  kInt32,   // signed integer into INT32 (range-checked against the annotation)
  kUInt32,  // unsigned integer into INT32 bits (INT(32,false) / UINT_8 / UINT_16)
  kInt64,   // signed integer, or unsigned < 2^63, into INT64
  kUInt64,  // unsigned integer (or BIT) into INT64 bits
  kFloat,
  kDouble,
  kDecimal,    // decimal text into INT32 / INT64 / FIXED_LEN_BYTE_ARRAY unscaled value
  kDate,       // date parts into days since the epoch
  kTimestamp,  // date-time parts into micro- or milliseconds since the epoch
  kText,       // rendered with render_text (strings pass through)
  kBytes,      // raw bytes
};

struct ColumnSpec {
  SchemaElement element;  // name, physical type, annotations, OPTIONAL
  SortOrder sort_order = SortOrder::kBytesUnsigned;
  Conversion conversion = Conversion::kText;
  int64_t min_int = 0;            // kInt32/kInt64/kUInt32: accepted range of the value
  uint64_t max_uint = 0;          // kUInt32/kUInt64/kInt64
  bool timestamp_millis = false;  // kTimestamp
};

struct MappingOptions {
  bool version_2 = false;         // ParquetVersion 2.0 (UINT_32 in INT32)
  bool timestamp_millis = false;  // ParquetTimestampInMillisecond
};

// The Parquet column for a table column.
ColumnSpec MapColumn(const Column& column, const MappingOptions& options);
// A STRING column (Op, the timestamp column, the CDC sequence column).
ColumnSpec StringColumn(std::string name);

// One Parquet value ready to append: null, an integer (INT32/INT64), a float/double or bytes
// (which may point into the Value's buffer or into the converter's scratch).
struct Cell {
  enum class Kind : uint8_t { kNull, kInt, kFloat, kDouble, kBytes };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view bytes;
};

// Converts `value` for a column described by `spec` and `type`. Text that must be rendered goes
// to *scratch (reused; the Cell may point into it until the next call with the same scratch).
// Fails with kInvalidArgument when the value cannot be represented (wrong kind, out of range,
// malformed decimal text).
Status ConvertValue(const Value& value, const ColumnSpec& spec, const ColumnType& type,
                    const RenderOptions& render, std::string* scratch, Cell* cell);

// Exposed for tests.
// Days since 1970-01-01 of a proleptic Gregorian date; false if it is not a calendar date.
bool DaysFromCivil(int year, int month, int day, int32_t* days);
// The unscaled value of decimal text ("-12.340") at `scale`, with at most `precision` digits.
bool ParseDecimal(std::string_view text, int precision, int scale, __int128* unscaled);
// Bytes of the minimal FIXED_LEN_BYTE_ARRAY holding any `precision`-digit decimal (1..38).
int DecimalByteWidth(int precision);

}  // namespace binlake::parquet
