#include "common/value.h"

namespace binlake {

void OwnedValue::Assign(const Value& v) {
  if (v.HasText()) {
    storage_.assign(v.text());
    value_ = v.RebindText(storage_);
  } else {
    storage_.clear();
    value_ = v;
  }
}

}  // namespace binlake
