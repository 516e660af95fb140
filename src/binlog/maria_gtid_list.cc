// MariaDB GTIDs and positions ("domain-server-seq[,...]"), see gtid_set.h.
#include <algorithm>
#include <limits>
#include <string>

#include "binlog/gtid_set.h"
#include "binlog/gtid_text_internal.h"

namespace binlake::binlog {
namespace {

using internal::ParseUnsigned;
using internal::Quoted;
using internal::Trim;

constexpr std::string_view kExpectedGtidList =
    "expected domain-server-sequence, e.g. 0-1-100 (domain and server 0..4294967295)";

// "" if `item` is "d-s-n" (stored in *out), else what is wrong with it.
std::string MariaGtidProblem(std::string_view item, MariaGtid* out) {
  const size_t a = item.find('-');
  const size_t b = a == std::string_view::npos ? a : item.find('-', a + 1);
  if (b == std::string_view::npos || item.find('-', b + 1) != std::string_view::npos) {
    return "not three numbers joined by '-'";
  }
  constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
  uint64_t domain = 0, server = 0, seq = 0;
  if (!ParseUnsigned(item.substr(0, a), kU32, &domain)) return "bad domain id";
  if (!ParseUnsigned(item.substr(a + 1, b - a - 1), kU32, &server)) return "bad server id";
  if (!ParseUnsigned(item.substr(b + 1), std::numeric_limits<uint64_t>::max(), &seq)) {
    return "bad sequence number";
  }
  *out = MariaGtid{static_cast<uint32_t>(domain), static_cast<uint32_t>(server), seq};
  return {};
}

auto FindDomain(const std::vector<MariaGtid>& gtids, uint32_t domain) {
  return std::lower_bound(gtids.begin(), gtids.end(), domain,
                          [](const MariaGtid& g, uint32_t d) { return g.domain_id < d; });
}

}  // namespace

Result<MariaGtid> ParseMariaGtid(std::string_view text) {
  const std::string_view t = Trim(text);
  MariaGtid gtid;
  if (std::string problem = MariaGtidProblem(t, &gtid); !problem.empty()) {
    return InvalidArgument("bad MariaDB GTID " + Quoted(t) + ": " + problem + "; " +
                           std::string(kExpectedGtidList));
  }
  return gtid;
}

Result<MariaGtidList> MariaGtidList::Parse(std::string_view text) {
  MariaGtidList list;
  const std::string_view all = Trim(text);
  if (all.empty()) return list;
  size_t begin = 0;
  while (true) {
    const size_t comma = all.find(',', begin);
    const std::string_view item = Trim(all.substr(
        begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    MariaGtid gtid;
    std::string problem = item.empty() ? "an empty element" : MariaGtidProblem(item, &gtid);
    auto same = FindDomain(list.gtids_, gtid.domain_id);
    if (problem.empty() && same != list.gtids_.end() && same->domain_id == gtid.domain_id) {
      problem = "domain " + std::to_string(gtid.domain_id) +
                " appears twice (a position holds one GTID per domain)";
    }
    if (!problem.empty()) {
      return InvalidArgument("bad MariaDB GTID " + Quoted(item) + " in " + Quoted(all) + ": " +
                             problem + "; " + std::string(kExpectedGtidList));
    }
    list.Add(gtid);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return list;
}

std::string MariaGtidList::ToString() const {
  std::string s;
  for (const MariaGtid& g : gtids_) {
    if (!s.empty()) s.push_back(',');
    s += g.ToString();
  }
  return s;
}

void MariaGtidList::Add(const MariaGtid& gtid) {
  auto it = FindDomain(gtids_, gtid.domain_id);
  if (it != gtids_.end() && it->domain_id == gtid.domain_id) {
    gtids_[static_cast<size_t>(it - gtids_.begin())] = gtid;  // it is a const_iterator
  } else {
    gtids_.insert(it, gtid);
  }
}

bool MariaGtidList::Contains(const MariaGtid& gtid) const {
  auto it = FindDomain(gtids_, gtid.domain_id);
  return it != gtids_.end() && it->domain_id == gtid.domain_id && it->seq_no >= gtid.seq_no;
}

bool MariaGtidList::Contains(const MariaGtidList& other) const {
  return std::all_of(other.gtids_.begin(), other.gtids_.end(),
                     [this](const MariaGtid& g) { return Contains(g); });
}

}  // namespace binlake::binlog
