#include "cdc/naming_tz.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace binlake {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t YearOfDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Big-endian readers over a bounds-checked cursor.
struct Cursor {
  std::string_view data;
  size_t pos = 0;
  bool Has(size_t n) const { return data.size() - pos >= n; }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos++]);
    return v;
  }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos++]);
    return static_cast<int64_t>(v);
  }
};

// [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 §3.3.1). Returns seconds.
bool ParseRuleTime(std::string_view* s, bool allow_sign, int64_t* out) {
  int sign = 1;
  if (!s->empty() && (s->front() == '+' || s->front() == '-')) {
    if (!allow_sign) return false;
    sign = s->front() == '-' ? -1 : 1;
    s->remove_prefix(1);
  }
  int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (s->empty() || s->front() != ':') break;
      s->remove_prefix(1);
    }
    int digits = 0;
    while (!s->empty() && std::isdigit(static_cast<unsigned char>(s->front())) && digits < 3) {
      parts[i] = parts[i] * 10 + (s->front() - '0');
      s->remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return false;
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool ParseZoneName(std::string_view* s) {
  if (!s->empty() && s->front() == '<') {
    size_t end = s->find('>');
    if (end == std::string_view::npos || end < 4) return false;
    s->remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s->size() && std::isalpha(static_cast<unsigned char>((*s)[n]))) ++n;
  if (n < 3) return false;
  s->remove_prefix(n);
  return true;
}

int64_t ReadInt(std::string_view* s, bool* ok) {
  int64_t v = 0;
  int digits = 0;
  while (!s->empty() && std::isdigit(static_cast<unsigned char>(s->front())) && digits < 4) {
    v = v * 10 + (s->front() - '0');
    s->remove_prefix(1);
    ++digits;
  }
  if (digits == 0) *ok = false;
  return v;
}

}  // namespace

Status TimeZone::ParsePosixRule(std::string_view text, PosixRule* rule) {
  auto bad = [&] { return Corruption("invalid POSIX TZ rule '" + std::string(text) + "'"); };
  std::string_view s = text;
  int64_t offset = 0;
  if (!ParseZoneName(&s) || !ParseRuleTime(&s, true, &offset)) return bad();
  rule->std_offset = -offset;
  rule->has_dst = false;
  if (s.empty()) return Status::Ok();
  if (!ParseZoneName(&s)) return bad();
  rule->has_dst = true;
  rule->dst_offset = rule->std_offset + 3600;
  if (!s.empty() && s.front() != ',') {
    if (!ParseRuleTime(&s, true, &offset)) return bad();
    rule->dst_offset = -offset;
  }
  std::string_view dates = s.empty() ? std::string_view(",M3.2.0,M11.1.0") : s;
  for (RuleDate* d : {&rule->start, &rule->end}) {
    if (dates.empty() || dates.front() != ',') return bad();
    dates.remove_prefix(1);
    bool ok = true;
    if (!dates.empty() && dates.front() == 'M') {
      dates.remove_prefix(1);
      d->kind = 'M';
      d->month = static_cast<int>(ReadInt(&dates, &ok));
      if (!ok || dates.empty() || dates.front() != '.') return bad();
      dates.remove_prefix(1);
      d->week = static_cast<int>(ReadInt(&dates, &ok));
      if (!ok || dates.empty() || dates.front() != '.') return bad();
      dates.remove_prefix(1);
      d->weekday = static_cast<int>(ReadInt(&dates, &ok));
      if (!ok || d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->weekday > 6) {
        return bad();
      }
    } else if (!dates.empty() && dates.front() == 'J') {
      dates.remove_prefix(1);
      d->kind = 'J';
      d->day = static_cast<int>(ReadInt(&dates, &ok));
      if (!ok || d->day < 1 || d->day > 365) return bad();
    } else {
      d->kind = 'N';
      d->day = static_cast<int>(ReadInt(&dates, &ok));
      if (!ok || d->day > 365) return bad();
    }
    d->time = 7200;
    if (!dates.empty() && dates.front() == '/') {
      dates.remove_prefix(1);
      if (!ParseRuleTime(&dates, true, &d->time)) return bad();
    }
  }
  if (!dates.empty()) return bad();
  return Status::Ok();
}

int64_t TimeZone::RuleOffset(const PosixRule& rule, int64_t utc_seconds) {
  if (!rule.has_dst) return rule.std_offset;
  const int64_t year = YearOfDays(FloorDiv(utc_seconds, 86400));
  // Local seconds (since the epoch, as if UTC) of a rule date in `year`.
  auto local_time = [year](const RuleDate& d) {
    int64_t days = 0;
    if (d.kind == 'M') {
      const int64_t first = DaysFromCivil(year, d.month, 1);
      const int64_t first_weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
      int64_t day = 1 + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
      while (day > DaysInMonth(year, d.month)) day -= 7;
      days = first + day - 1;
    } else if (d.kind == 'J') {
      days = DaysFromCivil(year, 1, 1) + d.day - 1 + (IsLeap(year) && d.day >= 60 ? 1 : 0);
    } else {
      days = DaysFromCivil(year, 1, 1) + d.day;
    }
    return days * 86400 + d.time;
  };
  // The start is given in standard time, the end in daylight time.
  const int64_t start = local_time(rule.start) - rule.std_offset;
  const int64_t end = local_time(rule.end) - rule.dst_offset;
  const bool dst = start < end ? (utc_seconds >= start && utc_seconds < end)
                               : !(utc_seconds >= end && utc_seconds < start);
  return dst ? rule.dst_offset : rule.std_offset;
}

Result<TimeZone> TimeZone::FromPosixRule(std::string_view name, std::string_view rule) {
  TimeZone tz;
  tz.name_ = std::string(name);
  RETURN_IF_ERROR(ParsePosixRule(rule, &tz.rule_));
  tz.has_rule_ = true;
  tz.initial_offset_ = tz.rule_.std_offset;
  return tz;
}

Result<TimeZone> TimeZone::FromTzif(std::string_view name, std::string_view bytes) {
  auto bad = [&](const std::string& why) {
    return Corruption("time zone " + std::string(name) + ": not a valid TZif file (" + why + ")");
  };
  Cursor c{bytes};
  // Header (RFC 8536 §3.1): "TZif", version, 15 unused bytes, six 32-bit counts.
  auto header = [&](uint32_t counts[6]) -> bool {
    if (!c.Has(44) || c.data.substr(c.pos, 4) != "TZif") return false;
    c.pos += 20;
    for (int i = 0; i < 6; ++i) counts[i] = c.U32();
    return true;
  };
  uint32_t n[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(n)) return bad("no TZif header");
  const char version = bytes[4];
  if (version < '2') return bad("version 1 files lack 64-bit data");
  // Skip the 32-bit block.
  uint64_t v1 = uint64_t{n[3]} * 5 + uint64_t{n[4]} * 6 + n[5] + uint64_t{n[2]} * 8 + n[1] + n[0];
  if (!c.Has(v1)) return bad("truncated");
  c.pos += v1;
  if (!header(n)) return bad("no second header");
  const uint32_t isut = n[0], isstd = n[1], leap = n[2], timecnt = n[3], typecnt = n[4],
                 charcnt = n[5];
  if (typecnt == 0 || typecnt > 256) return bad("bad type count");
  uint64_t v2 =
      uint64_t{timecnt} * 9 + uint64_t{typecnt} * 6 + charcnt + uint64_t{leap} * 12 + isstd + isut;
  if (!c.Has(v2)) return bad("truncated");
  TimeZone tz;
  tz.name_ = std::string(name);
  std::vector<int64_t> times(timecnt);
  for (auto& t : times) t = c.I64();
  std::vector<uint8_t> idx(timecnt);
  for (auto& i : idx) i = static_cast<uint8_t>(c.data[c.pos++]);
  std::vector<int64_t> type_offsets(typecnt);
  for (auto& o : type_offsets) {
    o = static_cast<int32_t>(c.U32());
    c.pos += 2;  // isdst, desigidx
  }
  c.pos += charcnt + uint64_t{leap} * 12 + isstd + isut;
  for (uint32_t i = 0; i < timecnt; ++i) {
    if (idx[i] >= typecnt) return bad("transition names a missing type");
    if (i > 0 && times[i] <= times[i - 1]) return bad("transitions out of order");
  }
  tz.transitions_ = std::move(times);
  tz.offsets_.reserve(timecnt);
  for (uint8_t i : idx) tz.offsets_.push_back(type_offsets[i]);
  tz.initial_offset_ = type_offsets[0];
  // Footer: "\n<POSIX TZ rule>\n"; an empty rule means none.
  if (c.Has(1) && c.data[c.pos] == '\n') {
    size_t end = c.data.find('\n', c.pos + 1);
    if (end == std::string_view::npos) return bad("unterminated footer");
    std::string_view rule = c.data.substr(c.pos + 1, end - c.pos - 1);
    if (!rule.empty()) {
      Status s = ParsePosixRule(rule, &tz.rule_);
      if (!s.ok()) return bad(s.message());
      tz.has_rule_ = true;
    }
  }
  if (!tz.has_rule_) {
    // Without a rule, the last type in effect stays.
    tz.rule_.std_offset = tz.offsets_.empty() ? tz.initial_offset_ : tz.offsets_.back();
    tz.has_rule_ = true;
  }
  return tz;
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name.empty() || name == "UTC") return TimeZone();
  bool ok = name.front() != '/' && name.back() != '/' && name.find("..") == std::string::npos;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '_' && ch != '-' &&
        ch != '+') {
      ok = false;
    }
  }
  if (!ok) {
    return InvalidArgument("DatePartitionTimezone '" + std::string(name) +
                           "' is not an IANA time zone name (Area/Location, e.g. Asia/Seoul)");
  }
  const char* dir = std::getenv("TZDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument("DatePartitionTimezone '" + std::string(name) +
                           "' is not in the time zone database (" + path +
                           " is missing; is the tzdata package installed?)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  Result<TimeZone> tz = FromTzif(name, text.str());
  if (!tz.ok()) return tz.status().WithContext("DatePartitionTimezone");
  return tz;
}

int64_t TimeZone::OffsetSeconds(int64_t utc_seconds) const {
  if (transitions_.empty()) return has_rule_ ? RuleOffset(rule_, utc_seconds) : initial_offset_;
  if (utc_seconds < transitions_.front()) return initial_offset_;
  size_t i =
      static_cast<size_t>(std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds) -
                          transitions_.begin() - 1);
  if (i + 1 == transitions_.size() && has_rule_) return RuleOffset(rule_, utc_seconds);
  return offsets_[i];
}

}  // namespace binlake
