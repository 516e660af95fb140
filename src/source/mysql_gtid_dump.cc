#include "source/mysql_gtid_dump.h"

#include <algorithm>
#include <limits>
#include <map>

#include "binlog/gtid.h"

namespace binlake {
namespace {

// MySQL's GNOs run from 1 to 2^63 - 2, so that the exclusive end of an interval fits an int64.
constexpr int64_t kMaxGno = std::numeric_limits<int64_t>::max() - 1;
constexpr std::string_view kExpected =
    "expected UUID:N[-M][:N[-M]...], e.g. 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7";

using binlog::Uuid;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Canonical form only: 8-4-4-4-12 hex digits, either case.
bool ParseUuid(std::string_view s, Uuid* out) {
  if (s.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
      ++i;
      continue;
    }
    int hi = HexDigit(s[i]);
    int lo = HexDigit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return byte == out->size();
}

// Decimal digits only, 1 .. kMaxGno.
bool ParseGno(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');  // 19 digits cannot overflow 64 bits
  }
  if (v < 1 || v > static_cast<uint64_t>(kMaxGno)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// A GTID tag (MySQL 8.3+): [a-z_][a-z0-9_]{0,31}, case-insensitive.
bool IsTag(std::string_view s) {
  if (s.empty() || s.size() > 32 || (s.front() >= '0' && s.front() <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

std::string MySqlGtidIntervals::ToString() const {
  std::string s;
  for (const MySqlGtidSid& sid : sids) {
    if (!s.empty()) s.push_back(',');
    s += binlog::UuidToString(sid.uuid);
    for (const MySqlGnoInterval& in : sid.intervals) {
      s += ":" + std::to_string(in.first);
      if (in.last != in.first) s += "-" + std::to_string(in.last);
    }
  }
  return s;
}

Result<MySqlGtidIntervals> ParseMySqlGtidSet(std::string_view text) {
  std::map<Uuid, std::vector<MySqlGnoInterval>> by_uuid;  // ordered by the UUID's bytes
  if (!Trim(text).empty()) {
    size_t begin = 0;
    while (true) {
      const size_t comma = text.find(',', begin);
      const std::string_view element = Trim(text.substr(
          begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
      auto bad = [&](const std::string& what) {
        return InvalidArgument("bad element " + Quoted(element) + " in MySQL GTID set: " + what +
                               "; " + std::string(kExpected));
      };
      if (element.empty()) {
        return InvalidArgument("empty element in MySQL GTID set " + Quoted(Trim(text)) +
                               " (two commas in a row, or one at an end); " +
                               std::string(kExpected));
      }
      size_t colon = element.find(':');
      Uuid uuid{};
      std::string_view uuid_text = Trim(element.substr(0, colon));
      if (!ParseUuid(uuid_text, &uuid)) {
        return bad(Quoted(uuid_text) + " is not a UUID in the 8-4-4-4-12 hex form");
      }
      if (colon == std::string_view::npos) return bad("no transaction numbers after the UUID");
      std::vector<MySqlGnoInterval>& intervals = by_uuid[uuid];
      while (colon != std::string_view::npos) {
        const size_t next = element.find(':', colon + 1);
        const std::string_view part = Trim(element.substr(
            colon + 1, next == std::string_view::npos ? std::string_view::npos : next - colon - 1));
        if (part.empty()) return bad("an empty interval");
        if (IsTag(part)) {
          return Unsupported(
              "tagged GTIDs (UUID:TAG:N, MySQL 8.3+) cannot be a start position: " + Quoted(part) +
              " in " + Quoted(element) + " is a tag; start from a binlog file:position instead");
        }
        const size_t dash = part.find('-');
        MySqlGnoInterval in;
        const bool ok = dash == std::string_view::npos
                            ? ParseGno(part, &in.first)
                            : ParseGno(Trim(part.substr(0, dash)), &in.first) &&
                                  ParseGno(Trim(part.substr(dash + 1)), &in.last);
        if (!ok) {
          return bad(Quoted(part) +
                     " is not a transaction number or range N-M (numbers from 1 to " +
                     std::to_string(kMaxGno) + ")");
        }
        if (dash == std::string_view::npos) in.last = in.first;
        if (in.last < in.first)
          return bad("the interval " + Quoted(part) + " ends before it starts");
        intervals.push_back(in);
        colon = next;
      }
      if (comma == std::string_view::npos) break;
      begin = comma + 1;
    }
  }
  MySqlGtidIntervals set;
  for (auto& [uuid, intervals] : by_uuid) {
    std::sort(intervals.begin(), intervals.end(),
              [](const MySqlGnoInterval& a, const MySqlGnoInterval& b) {
                return a.first < b.first || (a.first == b.first && a.last < b.last);
              });
    MySqlGtidSid sid;
    sid.uuid = uuid;
    for (const MySqlGnoInterval& in : intervals) {
      // Overlapping or touching (last + 1 cannot overflow: last <= kMaxGno).
      if (!sid.intervals.empty() && in.first <= sid.intervals.back().last + 1) {
        sid.intervals.back().last = std::max(sid.intervals.back().last, in.last);
      } else {
        sid.intervals.push_back(in);
      }
    }
    set.sids.push_back(std::move(sid));
  }
  return set;
}

std::vector<uint8_t> EncodeMySqlGtidSidBlock(const MySqlGtidIntervals& set) {
  std::vector<uint8_t> out;
  PutLe(&out, set.sids.size(), 8);
  for (const MySqlGtidSid& sid : set.sids) {
    out.insert(out.end(), sid.uuid.begin(), sid.uuid.end());
    PutLe(&out, sid.intervals.size(), 8);
    for (const MySqlGnoInterval& in : sid.intervals) {
      PutLe(&out, static_cast<uint64_t>(in.first), 8);
      PutLe(&out, static_cast<uint64_t>(in.last) + 1, 8);  // exclusive end
    }
  }
  return out;
}

Result<std::vector<uint8_t>> BuildBinlogDumpGtidPayload(uint32_t server_id,
                                                        const MySqlGtidIntervals& set) {
  std::vector<uint8_t> block = EncodeMySqlGtidSidBlock(set);
  if (block.size() > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("MySQL GTID set too large for COM_BINLOG_DUMP_GTID (" +
                           std::to_string(block.size()) + " bytes encoded)");
  }
  std::vector<uint8_t> out;
  out.reserve(2 + 4 + 4 + 8 + 4 + block.size());
  PutLe(&out, kBinlogThroughGtid, 2);
  PutLe(&out, server_id, 4);
  PutLe(&out, 0, 4);  // binlog file name length: none, the set decides where to start
  PutLe(&out, 4, 8);  // binlog position
  PutLe(&out, block.size(), 4);
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

}  // namespace binlake
