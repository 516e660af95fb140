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

std::string MySqlGtidSet::ToString() const {
  std::string s;
  const Uuid* last_uuid = nullptr;
  for (const GtidSetEntry& e : entries) {
    if (last_uuid != nullptr && *last_uuid == e.uuid) {
      s.push_back(':');  // same UUID, another tag: "uuid:1-3:tag:1-2"
    } else {
      if (!s.empty()) s.push_back(',');
      s += UuidToString(e.uuid);
      s.push_back(':');
    }
    last_uuid = &e.uuid;
    if (!e.tag.empty()) {
      s += e.tag;
      s.push_back(':');
    }
    for (size_t i = 0; i < e.intervals.size(); ++i) {
      if (i > 0) s.push_back(':');
      int64_t first = e.intervals[i].first;
      int64_t last = e.intervals[i].second - 1;
      s += std::to_string(first);
      if (last != first) s += "-" + std::to_string(last);
    }
  }
  return s;
}

std::string MariaGtid::ToString() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

}  // namespace binlake::binlog
