// Turns one field of the text protocol into a typed Value (common/value.h), so the full load
// renders through the same code as the binlog path. The snapshot query selects FLOAT columns as
// `col + 0e0` (a DOUBLE holding the float exactly, printed with round-trip precision); this parser
// narrows it back to float.
//
// Ownership: the returned Value points into `text` (the libmariadb row buffer).
#pragma once

#include <string>
#include <string_view>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"

namespace binlake {

// REQUIRES: the field is not SQL NULL (NULL fields become Value::Null() by the caller).
Status ParseTextValue(std::string_view text, const ColumnType& type, Value* out);

// The SELECT expression for a column in the snapshot query (quoted name, or a cast).
std::string SnapshotSelectExpression(const Column& column);

bool ParseDateTimeText(std::string_view s, DateTimeParts* out);  // "YYYY-MM-DD[ HH:MM:SS[.f]]"
bool ParseTimeText(std::string_view s, TimeParts* out);          // "[-]H+:MM:SS[.f]"

}  // namespace binlake
