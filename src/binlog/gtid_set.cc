// The MySQL GTID set: model operations, text and binary forms (see gtid_set.h for the grammar,
// the encodings and their sources). The MariaDB list is in maria_gtid_list.cc; the small text
// helpers both share are in gtid_text_internal.h.
#include "binlog/gtid_set.h"

#include <algorithm>
#include <string>

#include "binlog/gtid_text_internal.h"
#include "common/ascii.h"

namespace binlake::binlog {
namespace {

using internal::IsTagStart;
using internal::ParseGno;
using internal::Quoted;
using internal::TagProblem;
using internal::Trim;

constexpr std::string_view kExpectedGtidSet =
    "expected UUID:N[-M][:N[-M]...], tagged intervals after :TAG, e.g. "
    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:mytag:1-3";

std::string LowerTag(std::string_view tag) {
  std::string s(tag);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Orders TSIDs: UUID bytes, then tag (so the untagged TSID of a UUID comes first).
bool TsidLess(const GtidSetEntry& e, const Uuid& uuid, std::string_view tag) {
  return e.uuid != uuid ? e.uuid < uuid : std::string_view(e.tag) < tag;
}

const GtidSetEntry* FindEntry(const std::vector<GtidSetEntry>& entries, const Uuid& uuid,
                              std::string_view tag) {
  auto it = std::lower_bound(entries.begin(), entries.end(), 0,
                             [&](const GtidSetEntry& e, int) { return TsidLess(e, uuid, tag); });
  return it != entries.end() && it->uuid == uuid && it->tag == tag ? &*it : nullptr;
}

// Whether [start, end) lies inside one of `intervals` (ascending, disjoint, not adjacent).
bool Covers(const std::vector<GnoInterval>& intervals, int64_t start, int64_t end) {
  // The last interval that starts at or before `start`.
  auto it = std::upper_bound(intervals.begin(), intervals.end(), start,
                             [](int64_t s, const GnoInterval& iv) { return s < iv.start; });
  return it != intervals.begin() && end <= std::prev(it)->end;
}

// One element "uuid:parts..." of the text form, added to `set`.
Status ParseElement(std::string_view element, MySqlGtidSet* set) {
  auto bad = [&](const std::string& what) {
    return InvalidArgument("bad element " + Quoted(element) + " in MySQL GTID set: " + what + "; " +
                           std::string(kExpectedGtidSet));
  };
  size_t colon = element.find(':');
  const std::string_view uuid_text = Trim(element.substr(0, colon));
  Uuid uuid{};
  if (!ParseUuid(uuid_text, &uuid)) {
    return bad(Quoted(uuid_text) + " is not a UUID in the 8-4-4-4-12 hex form");
  }
  if (colon == std::string_view::npos) return bad("no transaction numbers after the UUID");
  std::string tag;
  bool tag_without_numbers = false;
  while (colon != std::string_view::npos) {
    const size_t next = element.find(':', colon + 1);
    const std::string_view part = Trim(element.substr(
        colon + 1, next == std::string_view::npos ? std::string_view::npos : next - colon - 1));
    colon = next;
    if (part.empty()) return bad("an empty interval");
    if (IsTagStart(part.front())) {
      if (tag_without_numbers) return bad("the tag " + Quoted(tag) + " has no transaction numbers");
      if (std::string problem = TagProblem(part); !problem.empty()) return bad(problem);
      tag = LowerTag(part);
      tag_without_numbers = true;
      continue;
    }
    const size_t dash = part.find('-');
    int64_t first = 0, last = 0;
    const bool ok = dash == std::string_view::npos
                        ? ParseGno(part, &first)
                        : ParseGno(Trim(part.substr(0, dash)), &first) &&
                              ParseGno(Trim(part.substr(dash + 1)), &last);
    if (!ok) {
      return bad(Quoted(part) + " is not a transaction number or range N-M (numbers from 1 to " +
                 std::to_string(kMaxGno) + ")");
    }
    if (dash == std::string_view::npos) last = first;
    if (last < first) return bad("the interval " + Quoted(part) + " ends before it starts");
    RETURN_IF_ERROR(set->AddInterval(uuid, tag, first, last + 1));  // last + 1 <= INT64_MAX
    tag_without_numbers = false;
  }
  if (tag_without_numbers) return bad("the tag " + Quoted(tag) + " has no transaction numbers");
  return Status::Ok();
}

}  // namespace

bool ParseUuid(std::string_view s, Uuid* out) {
  if (s.size() != 36) return false;
  Uuid uuid{};
  size_t byte = 0;
  for (size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
      ++i;
      continue;
    }
    const int hi = AsciiHexDigit(s[i]);
    const int lo = AsciiHexDigit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    uuid[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  *out = uuid;
  return true;
}

Result<MySqlGtid> ParseMySqlGtid(std::string_view text) {
  const std::string_view t = Trim(text);
  auto bad = [&](const std::string& what) -> Status {
    return InvalidArgument("bad MySQL GTID " + Quoted(t) + ": " + what +
                           "; expected UUID:N or UUID:TAG:N, e.g. "
                           "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
  };
  MySqlGtid gtid;
  const size_t c1 = t.find(':');
  const std::string_view uuid_text = Trim(t.substr(0, c1));
  if (!ParseUuid(uuid_text, &gtid.uuid)) {
    return bad(Quoted(uuid_text) + " is not a UUID in the 8-4-4-4-12 hex form");
  }
  if (c1 == std::string_view::npos) return bad("no transaction number");
  std::string_view number = t.substr(c1 + 1);
  if (const size_t c2 = number.find(':'); c2 != std::string_view::npos) {
    const std::string_view tag = Trim(number.substr(0, c2));
    if (std::string problem = TagProblem(tag); !problem.empty()) return bad(problem);
    gtid.tag = LowerTag(tag);
    number = number.substr(c2 + 1);
  }
  number = Trim(number);
  if (!ParseGno(number, &gtid.gno)) {
    return bad(Quoted(number) + " is not a transaction number from 1 to " +
               std::to_string(kMaxGno));
  }
  return gtid;
}

Result<MySqlGtidSet> MySqlGtidSet::Parse(std::string_view text) {
  MySqlGtidSet set;
  if (Trim(text).empty()) return set;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    const std::string_view element = Trim(text.substr(
        begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    if (element.empty()) {
      return InvalidArgument("empty element in MySQL GTID set " + Quoted(Trim(text)) +
                             " (two commas in a row, or one at an end); " +
                             std::string(kExpectedGtidSet));
    }
    RETURN_IF_ERROR(ParseElement(element, &set));
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return set;
}

Status MySqlGtidSet::AddInterval(const Uuid& uuid, std::string_view tag, int64_t start,
                                 int64_t end) {
  if (start < 1 || end <= start || end > kMaxGno + 1) {
    return InvalidArgument("GTID interval [" + std::to_string(start) + ", " + std::to_string(end) +
                           ") of " + UuidToString(uuid) + " is empty or outside 1.." +
                           std::to_string(kMaxGno));
  }
  std::string lowered;
  if (!tag.empty()) {
    if (std::string problem = TagProblem(tag); !problem.empty()) return InvalidArgument(problem);
    lowered = LowerTag(tag);
    tag = lowered;
  }
  auto entry = std::lower_bound(entries_.begin(), entries_.end(), 0,
                                [&](const GtidSetEntry& e, int) { return TsidLess(e, uuid, tag); });
  if (entry == entries_.end() || entry->uuid != uuid || entry->tag != tag) {
    entry = entries_.insert(entry, GtidSetEntry{uuid, std::string(tag), {}});
  }
  std::vector<GnoInterval>& v = entry->intervals;
  if (v.empty() || start > v.back().end) {  // the usual case: after everything so far
    v.push_back({start, end});
    return Status::Ok();
  }
  // The first interval that ends at or after `start` (touching counts: they merge).
  auto it = std::lower_bound(v.begin(), v.end(), start,
                             [](const GnoInterval& iv, int64_t s) { return iv.end < s; });
  if (it->start > end) {  // strictly between two intervals
    v.insert(it, {start, end});
    return Status::Ok();
  }
  auto last = it;
  while (std::next(last) != v.end() && std::next(last)->start <= end) ++last;
  it->start = std::min(it->start, start);
  it->end = std::max(end, last->end);
  v.erase(std::next(it), std::next(last));
  return Status::Ok();
}

Status MySqlGtidSet::Add(const MySqlGtid& gtid) {
  if (gtid.gno < 1 || gtid.gno > kMaxGno) {
    return InvalidArgument("GTID " + gtid.ToString() + ": the transaction number is outside 1.." +
                           std::to_string(kMaxGno));
  }
  return AddInterval(gtid.uuid, gtid.tag, gtid.gno, gtid.gno + 1);
}

void MySqlGtidSet::Add(const MySqlGtidSet& other) {
  for (const GtidSetEntry& e : other.entries_) {
    for (const GnoInterval& iv : e.intervals) {
      (void)AddInterval(e.uuid, e.tag, iv.start, iv.end);  // valid: other keeps the invariants
    }
  }
}

bool MySqlGtidSet::Contains(const MySqlGtid& gtid) const {
  const GtidSetEntry* e = FindEntry(entries_, gtid.uuid, gtid.tag);
  return e != nullptr && gtid.gno >= 1 && gtid.gno <= kMaxGno &&
         Covers(e->intervals, gtid.gno, gtid.gno + 1);
}

bool MySqlGtidSet::Contains(const MySqlGtidSet& other) const {
  for (const GtidSetEntry& o : other.entries_) {
    const GtidSetEntry* e = FindEntry(entries_, o.uuid, o.tag);
    if (e == nullptr) return false;
    for (const GnoInterval& iv : o.intervals) {
      if (!Covers(e->intervals, iv.start, iv.end)) return false;
    }
  }
  return true;
}

bool MySqlGtidSet::tagged() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const GtidSetEntry& e) { return !e.tag.empty(); });
}

std::string MySqlGtidSet::ToString() const {
  std::string s;
  const Uuid* last_uuid = nullptr;
  for (const GtidSetEntry& e : entries_) {
    if (last_uuid == nullptr || *last_uuid != e.uuid) {  // else: another tag of the same UUID
      if (!s.empty()) s.push_back(',');
      s += UuidToString(e.uuid);
    }
    last_uuid = &e.uuid;
    if (!e.tag.empty()) {
      s.push_back(':');
      s += e.tag;
    }
    for (const GnoInterval& iv : e.intervals) {
      s.push_back(':');
      s += std::to_string(iv.start);
      if (iv.end - 1 > iv.start) {
        s.push_back('-');
        s += std::to_string(iv.end - 1);
      }
    }
  }
  return s;
}

std::vector<uint8_t> MySqlGtidSet::Encode() const {
  const bool tagged_format = tagged();
  const uint64_t n = entries_.size();
  std::vector<uint8_t> out;
  PutLe(&out, tagged_format ? (uint64_t{1} << 56) | (n << 8) | 1 : n, 8);
  for (const GtidSetEntry& e : entries_) {
    out.insert(out.end(), e.uuid.begin(), e.uuid.end());
    if (tagged_format) {
      // varlen length: one byte, the value shifted left by one (no trailing one bits = 1 byte);
      // tags have at most 32 characters.
      out.push_back(static_cast<uint8_t>(e.tag.size() << 1));
      out.insert(out.end(), e.tag.begin(), e.tag.end());
    }
    PutLe(&out, e.intervals.size(), 8);
    for (const GnoInterval& iv : e.intervals) {
      PutLe(&out, static_cast<uint64_t>(iv.start), 8);
      PutLe(&out, static_cast<uint64_t>(iv.end), 8);
    }
  }
  return out;
}

Result<MySqlGtidSet> MySqlGtidSet::Decode(ByteView bytes, size_t base, size_t* consumed) {
  ByteReader r(bytes, base);
  if (r.remaining() < 8) return r.Truncated("GTID set count", 8);
  const uint8_t format = r.current()[7];  // the top byte (sql/rpl_gtid_set.cc decode_nsids_format)
  if (format > 1) return r.Error("unknown GTID set format " + std::to_string(format));
  const uint64_t n_sids = format == 1 ? LoadLe(r.current() + 1, 6) : LoadLe64(r.current());
  RETURN_IF_ERROR(r.Skip(8));
  if (n_sids > r.remaining() / 24) return r.Error("GTID set count beyond the data");
  MySqlGtidSet set;
  for (uint64_t i = 0; i < n_sids; ++i) {
    ByteView uuid_bytes;
    RETURN_IF_ERROR(r.ReadBytes(16, &uuid_bytes, "GTID set uuid"));
    Uuid uuid{};
    std::copy(uuid_bytes.begin(), uuid_bytes.end(), uuid.begin());
    std::string_view tag;
    if (format == 1) {
      uint64_t length = 0;
      RETURN_IF_ERROR(r.ReadVarUInt(&length, "GTID tag length"));
      if (length > kMaxGtidTagLength) return r.Error("GTID tag longer than 32 characters");
      RETURN_IF_ERROR(r.ReadString(length, &tag, "GTID tag"));
      if (!tag.empty() && !TagProblem(tag).empty()) return r.Error("invalid GTID tag");
    }
    uint64_t n_intervals = 0;
    RETURN_IF_ERROR(r.ReadU64(&n_intervals, "GTID interval count"));
    if (n_intervals > r.remaining() / 16) return r.Error("GTID interval count beyond the data");
    int64_t previous_end = 0;
    for (uint64_t k = 0; k < n_intervals; ++k) {
      uint64_t start = 0, end = 0;
      RETURN_IF_ERROR(r.ReadU64(&start, "GTID interval"));
      RETURN_IF_ERROR(r.ReadU64(&end, "GTID interval"));
      const auto s = static_cast<int64_t>(start), e = static_cast<int64_t>(end);
      // As add_gtid_encoding: ascending, disjoint, not adjacent, not empty.
      if (s <= previous_end || e <= s) return r.Error("GTID interval out of order or empty");
      previous_end = e;
      RETURN_IF_ERROR(set.AddInterval(uuid, tag, s, e));  // cannot fail: checked above
    }
  }
  if (consumed != nullptr) {
    *consumed = r.position();
  } else if (!r.empty()) {
    return r.Error("bytes after the GTID set");
  }
  return set;
}

}  // namespace binlake::binlog
