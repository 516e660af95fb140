// Fuzzes the GTID set models (binlog/gtid_set.h): the text parsers of both flavours and the
// binary decoder, and checks the round trips they promise: canonical text parses back to the
// same set, and a decoded or parsed set encodes to bytes that decode back to it. The first input
// byte picks text (even) or bytes (odd). Seeds: the PREVIOUS_GTIDS bodies of the fixtures and a
// few sets in text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "binlog/gtid_set.h"

namespace {

using binlake::binlog::MariaGtidList;
using binlake::binlog::MySqlGtidSet;

void CheckMySql(const MySqlGtidSet& set) {
  auto again = MySqlGtidSet::Parse(set.ToString());
  if (!again.ok() || !(*again == set)) std::abort();
  auto decoded = MySqlGtidSet::Decode(set.Encode());
  if (!decoded.ok() || !(*decoded == set)) std::abort();
  if (!set.Contains(set)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  if ((data[0] & 1) == 0) {
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (auto set = MySqlGtidSet::Parse(text); set.ok()) CheckMySql(*set);
    if (auto list = MariaGtidList::Parse(text); list.ok()) {
      auto again = MariaGtidList::Parse(list->ToString());
      if (!again.ok() || !(*again == *list) || !list->Contains(*list)) std::abort();
    }
    return 0;
  }
  size_t consumed = 0;
  if (auto set = MySqlGtidSet::Decode({data + 1, size - 1}, 0, &consumed); set.ok()) {
    if (consumed > size - 1) std::abort();
    CheckMySql(*set);
  }
  return 0;
}
