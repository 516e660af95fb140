// The storage width of a MySQL integer column type, shared by the parsers that check a value's
// range (common/parse_rendered_text.h, format/parquet/parquet_value.h).
#pragma once

#include "common/schema.h"

namespace binlake {

// TINYINT 8, SMALLINT 16, MEDIUMINT 24, INT 32, anything else 64.
inline int IntegerBits(const ColumnType& t) {
  switch (t.type) {
    case SqlType::kTinyInt:
      return 8;
    case SqlType::kSmallInt:
      return 16;
    case SqlType::kMediumInt:
      return 24;
    case SqlType::kInt:
      return 32;
    default:
      return 64;
  }
}

}  // namespace binlake
