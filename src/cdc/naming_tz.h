// A time zone of the system's tz database, for DatePartitionTimezone (docs/DMS-S3-COMPAT.md §1.2).
//
// A thin wrapper over cctz (Debian package libcctz-dev), which reads the compiled zone files
// (TZif, RFC 8536) under /usr/share/zoneinfo (Debian package tzdata; $TZDIR overrides the
// directory) and follows each file's footer rule (a POSIX TZ string such as
// "CET-1CEST,M3.5.0,M10.5.0/3") after its last transition. Conversions never touch the
// process-wide TZ (setenv + tzset would race with every other thread that formats local time
// or reads the environment).
//
// Thread-safety: an immutable value once made; copy freely (cctz shares the loaded zone, which
// lives until the process ends).
#pragma once

#include <cctz/time_zone.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;

  // "" and "UTC" give UTC without reading a file. Otherwise an IANA name (Area/Location) of the
  // tz database. kInvalidArgument, one line naming the zone, for a name that is not a zone name
  // (or would escape the database directory) or is not in the database; kCorruption when its
  // file exists but cannot be read as a zone.
  static Result<TimeZone> Load(std::string_view name);

  // Seconds to add to the UTC instant `utc_seconds` (since the epoch) to get local wall time.
  int64_t OffsetSeconds(int64_t utc_seconds) const;

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == cctz::utc_time_zone(); }

 private:
  std::string name_ = "UTC";
  cctz::time_zone zone_ = cctz::utc_time_zone();
};

}  // namespace binlake
