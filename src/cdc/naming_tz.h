// A time zone of the system's tz database, for DatePartitionTimezone (docs/DMS-S3-COMPAT.md §1.2).
//
// Reads the compiled zone file (TZif, RFC 8536) that glibc's localtime reads,
// /usr/share/zoneinfo/<Area/Location> (Debian package tzdata; $TZDIR overrides the directory),
// and converts UTC instants to local offsets without touching the process-wide TZ (setenv +
// tzset would race with every other thread that formats local time or reads the environment).
// Instants after the file's last transition follow its footer rule (a POSIX TZ string such as
// "CET-1CEST,M3.5.0,M10.5.0/3"), as RFC 8536 §3.3 requires.
//
// Thread-safety: an immutable value once made; copy freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake {

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;

  // "" and "UTC" give UTC without reading a file. Otherwise an IANA name (Area/Location): its
  // zone file is read and parsed. kInvalidArgument for a name that is not in the tz database
  // (or escapes it), kCorruption for a file that is not TZif.
  static Result<TimeZone> Load(std::string_view name);
  // Parses TZif bytes (version 2 or later: the 64-bit block and the footer are used).
  static Result<TimeZone> FromTzif(std::string_view name, std::string_view bytes);
  // A zone that only follows a POSIX TZ rule ("KST-9", "EST5EDT,M3.2.0,M11.1.0").
  static Result<TimeZone> FromPosixRule(std::string_view name, std::string_view rule);

  // Seconds to add to the UTC instant `utc_seconds` (since the epoch) to get local wall time.
  int64_t OffsetSeconds(int64_t utc_seconds) const;

  const std::string& name() const { return name_; }
  bool is_utc() const { return transitions_.empty() && !rule_.has_dst && rule_.std_offset == 0; }

 private:
  // A POSIX TZ rule: standard offset, and optionally a DST offset with its start and end.
  struct RuleDate {
    char kind = 'M';  // 'M' (month.week.day), 'J' (Julian 1..365, no leap day), 'N' (0..365)
    int month = 0, week = 0, weekday = 0, day = 0;
    int64_t time = 7200;  // seconds after local midnight (may be negative or exceed 24h)
  };
  struct PosixRule {
    int64_t std_offset = 0;  // seconds east of UTC (the POSIX sign inverted)
    bool has_dst = false;
    int64_t dst_offset = 0;
    RuleDate start, end;
  };
  static Status ParsePosixRule(std::string_view text, PosixRule* rule);
  static int64_t RuleOffset(const PosixRule& rule, int64_t utc_seconds);

  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int64_t> offsets_;      // offset from transitions_[i] on
  int64_t initial_offset_ = 0;        // before the first transition
  PosixRule rule_;                    // after the last transition (or always, without any)
  bool has_rule_ = false;
};

}  // namespace binlake
