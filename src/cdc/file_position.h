// Binlog file positions as the CDC task handles them: parsing FILE:POSITION from the command
// line, the numeric suffix of a binlog file name, and ordering two positions.
//
// Ordering: positions in the same file compare by offset; positions in different files by the
// files' numeric suffixes ("binlog.000009" < "binlog.000010", as the source numbers them), then
// by offset when the suffixes are equal (e.g. the base name changed). Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "source/binlog_position.h"

namespace binlake {

// Parses "binlog.000003:4711" (--start-position / --stop-at). kInvalidArgument unless the text
// is FILE:POSITION with a non-empty file and a position of at least 4 (the first event).
Result<BinlogPosition> ParseFilePosition(std::string_view text);

// "binlog.000042" -> 42 (0 if the name has no numeric suffix after its last '.').
uint64_t BinlogFileNumber(std::string_view file);

// True when `a` is at or after `b` in the binlog (see the ordering above). Ignores gtid_set.
bool AtOrAfter(const BinlogPosition& a, const BinlogPosition& b);

}  // namespace binlake
