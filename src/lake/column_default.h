// What the rows a table held before ALTER TABLE ... ADD COLUMN read in the new column: MySQL and
// MariaDB give every existing row the column's default. That is
//   - the DEFAULT literal (a string, a number, TRUE/FALSE, b'..', x'..'), converted to the
//     column's type as the server stores it (DECIMAL rounded to its scale, CHAR without trailing
//     spaces, BINARY(n) padded with zero bytes, DATETIME(f) with f fractional digits ...);
//   - NULL for DEFAULT NULL, or for a nullable column without DEFAULT;
//   - for a NOT NULL column without DEFAULT, the type's implicit default ("Data Type Default
//     Values" in the MySQL Reference Manual; MariaDB's ALTER TABLE does the same): 0 for numbers
//     and BIT, '' for strings, binary strings and SET, an ENUM's first label, the zero date,
//     datetime and time, 0000 for YEAR.
// The result is the value's text as the full load renders it (common/render_text.h), or nullopt
// for NULL. kUnsupported (one line, why) for a default binlake cannot know or render the same way:
// an expression (CURRENT_TIMESTAMP, a function, (expr)), a TIMESTAMP literal (its value depends
// on the session's time zone), a literal that does not fit the type, or a JSON, GEOMETRY or
// VECTOR column without one.
//
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>

#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "lake/ddl_statement.h"

namespace binlake {

Result<std::optional<std::string>> AddedColumnValue(const ColumnType& type, bool nullable,
                                                    const ColumnDefault& given,
                                                    const RenderOptions& render);

}  // namespace binlake
