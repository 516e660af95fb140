#include "binlog/gtid.h"

namespace binlake::binlog {

std::string UuidToString(const Uuid& uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[uuid[i] >> 4]);
    s.push_back(kHex[uuid[i] & 15]);
  }
  return s;
}

std::string MySqlGtid::ToString() const {
  std::string s = UuidToString(uuid);
  s.push_back(':');
  if (!tag.empty()) {
    s += tag;
    s.push_back(':');
  }
  s += std::to_string(gno);
  return s;
}

std::string MariaGtid::ToString() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

}  // namespace binlake::binlog
