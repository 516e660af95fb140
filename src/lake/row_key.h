// KeyEncoder: a row's key as bytes whose memcmp order is the order materialize sorts rows in,
// and whose equality is key equality (the "normalized key" of sort engines).
//
// The key is the primary key's columns (never NULL), or every column for a table without one
// (a NULL byte 0x00 before a NULL, 0x01 before a value, so NULL sorts first). Per column type:
//   - TINYINT..BIGINT: 8 bytes big-endian, the sign bit flipped for signed types (numeric order).
//   - DECIMAL, YEAR, BIT and integers that do not parse as 64 bits: the decimal text normalized
//     (no leading zeros in the whole part, no trailing zeros in the fraction), encoded so bytes
//     order as values (a class byte for negative / zero / positive, the whole part's length,
//     the digits; complemented for negatives).
//   - FLOAT, DOUBLE: the value's 8 IEEE-754 bytes made order-preserving, then the text (ties).
//   - everything else: the text's bytes (temporal types render in an order-preserving form).
// Texts of a column other than the last are escaped (0x00 -> 0x00 0xFF) and end with 0x00 0x00,
// so a shorter text sorts first; the last column's text is left as is (the comparison of
// different lengths does the rest).
//
// Thread-safety: const methods; an encoder may be shared.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"
#include "common/status.h"

namespace binlake {

class KeyEncoder {
 public:
  // `columns`: the key columns' types, in key order; `nullable`: a table without a primary key.
  KeyEncoder(std::vector<ColumnType> columns, bool nullable);

  size_t columns() const { return types_.size(); }
  // Appends column `i`'s field (nullopt = NULL) to `*key`. kCorruption for a NULL in a primary
  // key or a number column whose text is not a number.
  Status Append(size_t i, std::optional<std::string_view> text, std::string* key) const;

 private:
  std::vector<ColumnType> types_;
  bool nullable_;
};

// Compares two normalized keys: memcmp order, shorter first on a tie.
inline int CompareKeys(std::string_view a, std::string_view b) { return a.compare(b); }

}  // namespace binlake
