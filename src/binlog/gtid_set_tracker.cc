#include "binlog/gtid_set_tracker.h"

#include <algorithm>
#include <charconv>

namespace binlake {
namespace {

bool ParseU64(std::string_view s, uint64_t* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// "domain-server-seq" (MariaDB), exactly three numbers; no allocation (called per transaction).
bool ParseMariaDbGtid(std::string_view gtid, uint64_t* d, uint64_t* s, uint64_t* n) {
  const size_t a = gtid.find('-');
  const size_t b = a == std::string_view::npos ? a : gtid.find('-', a + 1);
  return b != std::string_view::npos && gtid.find('-', b + 1) == std::string_view::npos &&
         ParseU64(gtid.substr(0, a), d) && ParseU64(gtid.substr(a + 1, b - a - 1), s) &&
         ParseU64(gtid.substr(b + 1), n);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

void AddInterval(std::vector<std::pair<uint64_t, uint64_t>>* v, uint64_t a, uint64_t b) {
  // The intervals are sorted and disjoint. A stream's usual case, once per transaction: the
  // next number after the last interval, or beyond it.
  if (!v->empty() && a > v->back().second) {
    if (a == v->back().second + 1) {
      v->back().second = std::max(v->back().second, b);
    } else {
      v->emplace_back(a, b);
    }
    return;
  }
  v->emplace_back(a, b);
  std::sort(v->begin(), v->end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (auto& iv : *v) {
    if (!merged.empty() && iv.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  *v = std::move(merged);
}

}  // namespace

Status GtidSetTracker::Reset(std::string_view set) {
  maria_.clear();
  mysql_.clear();
  for (std::string_view item : Split(set, ',')) {
    item = Trim(item);
    if (item.empty()) continue;
    if (item.find(':') == std::string_view::npos) {  // MariaDB d-s-n
      uint64_t d = 0, s = 0, n = 0;
      if (!ParseMariaDbGtid(item, &d, &s, &n)) {
        return InvalidArgument("bad GTID '" + std::string(item) + "'");
      }
      maria_[static_cast<uint32_t>(d)] = MariaEntry{static_cast<uint32_t>(s), n};
      continue;
    }
    // MySQL uuid[:tag]:a-b:c...  Intervals are the parts that start with a digit.
    auto parts = Split(item, ':');
    std::string key(parts[0]);
    size_t i = 1;
    while (i < parts.size() && !parts[i].empty() &&
           !std::isdigit(static_cast<unsigned char>(parts[i][0]))) {
      key += ":" + std::string(parts[i]);
      ++i;
    }
    for (; i < parts.size(); ++i) {
      auto ab = Split(parts[i], '-');
      uint64_t a = 0, b = 0;
      if (!ParseU64(ab[0], &a) || (ab.size() == 2 && !ParseU64(ab[1], &b)) || ab.size() > 2) {
        return InvalidArgument("bad GTID set element '" + std::string(item) + "'");
      }
      if (ab.size() == 1) b = a;
      AddInterval(&mysql_[key], a, b);
    }
  }
  return Status::Ok();
}

void GtidSetTracker::Add(std::string_view gtid) {
  // Called once per transaction: no allocation on the usual paths.
  gtid = Trim(gtid);
  if (gtid.empty()) return;
  if (gtid.find(':') == std::string_view::npos) {
    uint64_t d = 0, s = 0, n = 0;
    if (ParseMariaDbGtid(gtid, &d, &s, &n)) {
      maria_[static_cast<uint32_t>(d)] = MariaEntry{static_cast<uint32_t>(s), n};
    }
    return;
  }
  size_t colon = gtid.rfind(':');
  uint64_t n;
  if (!ParseU64(gtid.substr(colon + 1), &n)) return;
  const std::string_view key = gtid.substr(0, colon);
  auto it = mysql_.find(key);
  if (it == mysql_.end()) it = mysql_.emplace(std::string(key), Intervals()).first;
  AddInterval(&it->second, n, n);
}

std::string GtidSetTracker::ToString() const {
  std::string out;
  for (const auto& [domain, e] : maria_) {
    if (!out.empty()) out += ',';
    out += std::to_string(domain) + "-" + std::to_string(e.server) + "-" + std::to_string(e.seq);
  }
  for (const auto& [key, intervals] : mysql_) {
    if (!out.empty()) out += ',';
    out += key;
    for (const auto& [a, b] : intervals) {
      out += ":" + std::to_string(a);
      if (b != a) out += "-" + std::to_string(b);
    }
  }
  return out;
}

}  // namespace binlake
