// Rendering decoded rows with the one text renderer shared with the full load
// (common/render_text.h), so a value is byte-identical on both paths, plus the two output
// formats of `binlake binlog decode`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "binlog/event_pump.h"
#include "binlog/row_reader.h"
#include "binlog/table_map.h"
#include "common/render_text.h"

namespace binlake::binlog {

// cells[i] = AppendValueText of column i of `image` with the table map's ColumnType, or
// nullopt when the value is NULL or the column is not in the image.
void RenderRowCells(const TableMap& table, const RowImage& image, const RenderOptions& options,
                    std::vector<std::optional<std::string>>* cells);

// One JSON object (no trailing newline) describing a row change:
//   {"schema":..,"table":..,"op":"insert|update|delete","file":..,"position":<start of the
//    top-level event>,"row":<index in the rows event>,"gtid":..|null,
//    "commit_timestamp":"YYYY-MM-DD hh:mm:ss.ffffff" (UTC),"before":{..}|null,"after":{..}|null}
// Images map column names ("@<n>" when the map has none) to values: integers and BIT as JSON
// numbers, FLOAT/DOUBLE as numbers in shortest form, JSON columns as embedded JSON, everything
// else (DECIMAL, temporal, strings, hex binary, ENUM/SET labels, YEAR) as a string holding the
// renderer's text. Columns absent from an image are omitted.
void AppendRowChangeJson(const RowChangeEvent& row, const RenderOptions& options, std::string* out);

// mysqlbinlog -v style text:
//   ### INSERT INTO `db`.`t` (binlog.000001 at 1234, gtid 0-1-5)
//   ### SET
//   ###   id=1
//   ###   name='text'
void AppendRowChangeText(const RowChangeEvent& row, const RenderOptions& options, std::string* out);

}  // namespace binlake::binlog
