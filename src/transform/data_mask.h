// DMS's data-masking transformation actions (AWS DMS User Guide, "Using data masking to hide
// sensitive information"), applied to one value of a target column:
//   - digits-mask: every ASCII digit of a string replaced by the rule's one printable,
//     non-space ASCII character ("C6BGJ566669K" with '#' -> "C#BGJ######K");
//   - digits-randomize: every ASCII digit of a string or DECIMAL replaced by a random digit; an
//     integer replaced by a random integer with as many digits and the same sign, within the
//     column type's range;
//   - hash-mask: a string replaced by the upper-case hex SHA-256 of its bytes (64 characters;
//     "C6BGJ566669K" -> "7CB06784...0C75", the guide's example).
// Types, as DMS allows them: digits-mask and hash-mask on string columns (CHAR, VARCHAR, TEXT),
// digits-randomize on those and on integer and DECIMAL columns. NULL stays NULL.
//
// Thread-safety: a DataMasker belongs to one thread (its random generator).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"

namespace binlake {

enum class DataMask { kNone, kDigitsMask, kDigitsRandomize, kHashMask };

std::string_view DataMaskName(DataMask mask);  // "data-masking-digits-mask", ...

// kInvalidArgument (naming the action and the type) when `mask` does not apply to `type`.
Status CheckMaskApplies(DataMask mask, const ColumnType& type);

class DataMasker {
 public:
  DataMasker();
  // The masked `value` of a column of `type` (CheckMaskApplies held); a text result lives in
  // `*scratch` until its next use.
  Value Mask(DataMask mask, char mask_char, const ColumnType& type, const Value& value,
             std::string* scratch);

 private:
  std::mt19937_64 random_;
};

}  // namespace binlake
