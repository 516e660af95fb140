// MySQL's binary JSON (the storage and binlog format of JSON columns) -> compact JSON text.
// Spec: https://dev.mysql.com/doc/dev/mysql-server/latest/json__binary_8h.html
//
//   doc      ::= type value
//   type     0 small object, 1 large object, 2 small array, 3 large array, 4 literal,
//            5 int16, 6 uint16, 7 int32, 8 uint32, 9 int64, 10 uint64, 11 double,
//            12 utf8 string, 15 opaque (custom MySQL type)
//   object   ::= count size key-entry* value-entry* key* value*   (small: 2-byte counts and
//                offsets, large: 4-byte), key-entry = offset + uint16 length,
//                value-entry = type + (offset | inlined literal/int16/uint16 [large: int32/uint32])
//   array    ::= count size value-entry* value*
//   string   ::= varlen length (7 bits per byte, little-endian, high bit = more) bytes
//   opaque   ::= field type (uint8) varlen length bytes
//
// Text follows MySQL's own JSON printing where the value model needs a choice: DECIMAL opaque
// values are numbers, DATE "YYYY-MM-DD", DATETIME/TIMESTAMP "YYYY-MM-DD hh:mm:ss.ffffff",
// TIME "hh:mm:ss.ffffff", other opaque values "base64:typeNN:<base64>"; doubles always have a
// fraction or exponent so they read back as doubles. Keys keep their stored order.
#pragma once

#include <string>

#include "binlog/byte_reader.h"
#include "common/status.h"

namespace binlake::binlog {

// Appends the JSON text of binary JSON document `doc` to `out`. An empty document (a JSON
// column written as '' by some old servers) is rendered as JSON null.
Status AppendJsonFromBinary(ByteView doc, std::string* out);

// Appends `s` as a JSON string literal (quotes and escapes).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace binlake::binlog
