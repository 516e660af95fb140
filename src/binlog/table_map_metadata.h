// The optional metadata block at the end of TABLE_MAP (binlog_row_metadata=MINIMAL|FULL), parsed
// into plain vectors. Internal to table_map.cc.
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
//   SIGNEDNESS           bitmap, MSB first, one bit per numeric column (1 = unsigned)
//   DEFAULT_CHARSET      packed default collation, then packed (character-column index,
//                        collation) pairs for the columns that differ
//   COLUMN_CHARSET       packed collation per character column
//   COLUMN_NAME          per column: packed length, name
//   SET_STR_VALUE        per SET column: packed count, then count x (packed length, label)
//   ENUM_STR_VALUE       the same for ENUM columns
//   GEOMETRY_TYPE        packed geometry type per GEOMETRY column
//   SIMPLE_PRIMARY_KEY   packed column indexes
//   PRIMARY_KEY_WITH_PREFIX  packed (column index, prefix length) pairs
//   ENUM_AND_SET_*_CHARSET   like the two charset fields, for ENUM/SET columns
//   COLUMN_VISIBILITY    bitmap, MSB first, one bit per column (1 = visible)
//   VECTOR_DIMENSIONALITY packed dimensions per VECTOR column
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "binlog/byte_reader.h"
#include "common/status.h"

namespace binlake::binlog::internal {

struct OptionalMetadata {
  std::vector<bool> signedness;
  bool has_default_charset = false;
  uint32_t default_charset = 0;
  std::vector<std::pair<uint32_t, uint32_t>> charset_pairs;
  std::vector<uint32_t> column_charsets;
  bool has_enum_set_default_charset = false;
  uint32_t enum_set_default_charset = 0;
  std::vector<std::pair<uint32_t, uint32_t>> enum_set_charset_pairs;
  std::vector<uint32_t> enum_set_column_charsets;
  std::vector<std::string> column_names;
  std::vector<std::vector<std::string>> set_labels;
  std::vector<std::vector<std::string>> enum_labels;
  std::vector<uint32_t> geometry_types;
  std::vector<std::pair<uint32_t, uint32_t>> primary_key;  // (column, prefix)
  std::vector<bool> visibility;
  std::vector<uint32_t> vector_dimensions;
};

// Parses the block; `base` is its offset in the event, for error messages. Unknown field types
// are skipped by their length.
Status ParseOptionalMetadata(ByteView block, size_t base, OptionalMetadata* out);

}  // namespace binlake::binlog::internal
