// The inverse of type_mapping.h's ConvertValue: a value read from a binlake Parquet file
// (parquet_reader.h: the physical value) back into the Value the full load held, for a column of
// a known MySQL/MariaDB type (the table's schema; the Parquet annotation alone loses e.g. the
// fractional precision of DATETIME, ENUM/SET/JSON/TIME vs. text, binary collations). So that
// AppendValueText (common/render_text.h) of the result gives the text a CSV target holds for the
// same value: `binlake materialize` renders a Parquet target's rows through the one rendering.
//
//   SQL type (MapColumn)               Parquet value                 Value
//   TINYINT..BIGINT, signed            INT32 / INT64                 Int
//   TINYINT..BIGINT UNSIGNED           INT32 / INT64 (unsigned bits) UInt
//   YEAR                               INT32                         Int (UInt when unsigned)
//   BIT(n)                             INT64 (unsigned bits)         Bit
//   DECIMAL(p,s), 1 <= p <= 38         INT32 / INT64 / FLBA unscaled Decimal: "[-]i[.s digits]"
//   DECIMAL(p,s), p = 0 or p > 38      STRING (the server's text)    Decimal
//   FLOAT / DOUBLE                     FLOAT / DOUBLE                Float / Double
//   DATE                               INT32 days since 1970-01-01   Date
//   DATETIME / TIMESTAMP               INT64 micros or millis        DateTime / Timestamp
//   TIME, CHAR/VARCHAR/TEXT, ENUM,     STRING: the render_text text  ParseRenderedText's Value
//     SET, JSON (strings: as stored)
//   BINARY/VARBINARY/BLOB/GEOMETRY/    BYTE_ARRAY raw bytes          Bytes
//     VECTOR
// What the writer turned into NULL (zero and invalid dates, type_mapping.h) reads as NULL: the
// CSV text of such a value ("0000-00-00") is not recoverable from a Parquet file.
// ParquetTimestampInMillisecond files give the microseconds the writer kept (multiples of 1000).
//
// Errors (one line, no object name: the caller adds it):
//   CheckParquetColumn: kUnsupported when the file's column is not what MapColumn writes for the
//     type (another physical type, DECIMAL precision/scale, timestamp unit): e.g. a file written
//     before a MODIFY COLUMN that changed the type's Parquet mapping.
//   ParquetToValue: kCorruption for a value the column type cannot hold (an integer out of the
//     SQL type's range, a day count or timestamp outside years 1..9999, text ParseRenderedText
//     refuses). The bytes come from a store: nothing asserts on them.
//
// Ownership (Value never owns memory, common/value.h): String/Decimal/Json/Bytes results view
// either the field's bytes (valid as parquet_reader.h says: until the reader's next batch) or
// *scratch (until *scratch changes). Keep one scratch per column to hold a whole row.
//
// Thread-safety: pure functions; concurrent calls need distinct scratch strings.
#pragma once

#include <string>

#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "format/parquet/parquet_reader.h"

namespace binlake::parquet {

// Whether `column` is a column MapColumn writes for `type` (any ParquetVersion, either timestamp
// unit). kUnsupported (one line naming the column and both types) otherwise.
Status CheckParquetColumn(const ParquetColumn& column, const ColumnType& type);

// Converts the non-NULL or NULL `field` of `column` (checked with CheckParquetColumn) for a
// column of `type` into *out. `render`: the options the file was written with (only the binary
// encoding of binary-collation strings, which the writer stores as their text, matters).
Status ParquetToValue(const Field& field, const ParquetColumn& column, const ColumnType& type,
                      const RenderOptions& render, Value* out, std::string* scratch);

// Exposed for tests: the proleptic Gregorian date of a day count since 1970-01-01 (the inverse
// of DaysFromCivil); false outside years 1..9999.
bool CivilFromDays(int64_t days, DateTimeParts* out);

}  // namespace binlake::parquet
