#include "cdc/naming_tz.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace binlake {

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name.empty() || name == "UTC") return TimeZone();
  const std::string zone(name);
  bool ok = name.front() != '/' && name.back() != '/' && name.find("..") == std::string::npos;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '_' && ch != '-' &&
        ch != '+') {
      ok = false;
    }
  }
  if (!ok) {
    return InvalidArgument("DatePartitionTimezone '" + zone +
                           "' is not an IANA time zone name (Area/Location, e.g. Asia/Seoul)");
  }
  TimeZone tz;
  tz.name_ = zone;
  if (cctz::load_time_zone(zone, &tz.zone_)) return tz;
  // cctz reports no reason: tell a missing zone from an unreadable file (cctz's path).
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + zone;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    return Corruption("DatePartitionTimezone '" + zone + "': " + path +
                      " is not a valid time zone file (TZif)");
  }
  return InvalidArgument("DatePartitionTimezone '" + zone + "' is not in the time zone database (" +
                         path + " is missing; is the tzdata package installed?)");
}

int64_t TimeZone::OffsetSeconds(int64_t utc_seconds) const {
  const auto instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>(
      std::chrono::seconds(utc_seconds));
  return zone_.lookup(instant).offset;
}

}  // namespace binlake
