#include "source/mysql_gtid_dump.h"

#include <limits>
#include <string>

namespace binlake {
namespace {

void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

Result<std::vector<uint8_t>> BuildBinlogDumpGtidPayload(uint32_t server_id,
                                                        const binlog::MySqlGtidSet& set) {
  const std::vector<uint8_t> block = set.Encode();
  if (block.size() > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("MySQL GTID set too large for COM_BINLOG_DUMP_GTID (" +
                           std::to_string(block.size()) + " bytes encoded)");
  }
  std::vector<uint8_t> out;
  out.reserve(2 + 4 + 4 + 8 + 4 + block.size());
  PutLe(&out, kBinlogDumpGtidFlags, 2);
  PutLe(&out, server_id, 4);
  PutLe(&out, 0, 4);  // binlog file name length: none, the set decides where to start
  PutLe(&out, 4, 8);  // binlog position
  PutLe(&out, block.size(), 4);
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

}  // namespace binlake
