// MySQL partial JSON updates (binlog_row_value_options=PARTIAL_JSON): applies a JSON diff
// vector to the before-image document to obtain the full after-image.
// Spec: sql/json_diff.cc (Json_diff_vector::read_binary, apply_json_diffs), and
//       https://dev.mysql.com/doc/refman/8.0/en/replication-options-binary-log.html#sysvar_binlog_row_value_options
//
// Diff vector (after the column's 4-byte length): a sequence of
//   uint8  operation: 0 REPLACE, 1 INSERT, 2 REMOVE
//   packed path length, path text ("$.a[2]", "$.\"key with space\"", "$[last]")
//   unless REMOVE: packed value length, binary JSON value (json_binary.h)
// REPLACE sets an existing value; INSERT adds an object member (in MySQL's key order: shorter
// keys first, then bytewise) or inserts into an array at the index (appending past the end);
// REMOVE deletes a member or array element. A diff that does not apply is corruption.
#pragma once

#include <string>
#include <string_view>

#include "binlog/byte_reader.h"
#include "common/status.h"

namespace binlake::binlog {

// `before_json`: the before-image's JSON text (as AppendJsonFromBinary made it). Appends the
// after-image's compact JSON text to `out`.
Status ApplyJsonDiffVector(std::string_view before_json, ByteView diffs, std::string* out);

}  // namespace binlake::binlog
