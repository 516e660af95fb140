#include "cdc/naming.h"

#include <cstdio>
#include <ctime>
#include <vector>

#include "config/target_layout.h"

namespace binlake {
namespace {

struct Civil {
  int year, month, day, hour, minute, second;
  int64_t sub;  // milliseconds or microseconds, depending on the caller
};

// Splits `units` since the epoch (`per_second` units per second) into civil UTC fields.
Civil ToCivil(int64_t units, int64_t per_second) {
  int64_t secs = units / per_second;
  int64_t sub = units % per_second;
  if (sub < 0) {
    sub += per_second;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return Civil{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sub};
}

std::string Digits(int v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, v);
  return buf;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string FormatCdcFileTime(int64_t name_ms) {
  Civil c = ToCivil(name_ms, 1000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d%02d%02d%03d", c.year, c.month, c.day, c.hour,
                c.minute, c.second, static_cast<int>(c.sub));
  return buf;
}

std::string FormatTxnFileTime(int64_t name_ms) {
  std::string s = FormatCdcFileTime(name_ms);  // the same digits without the '-'
  s.erase(s.find('-'), 1);
  return s;
}

std::string FormatCommitTime(uint64_t utc_us) {
  Civil c = ToCivil(static_cast<int64_t>(utc_us), 1000000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d", c.year, c.month, c.day,
                c.hour, c.minute, c.second, static_cast<int>(c.sub));
  return buf;
}

std::string FormatIso8601(int64_t utc_ms) {
  Civil c = ToCivil(utc_ms, 1000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, static_cast<int>(c.sub));
  return buf;
}

Result<std::string> DatePartitionFolder(int64_t name_ms, std::string_view sequence,
                                        std::string_view delimiter) {
  std::string sep;
  if (delimiter == "SLASH") {
    sep = "/";
  } else if (delimiter == "UNDERSCORE") {
    sep = "_";
  } else if (delimiter == "DASH") {
    sep = "-";
  } else if (delimiter != "NONE") {
    return InvalidArgument("unknown DatePartitionDelimiter '" + std::string(delimiter) + "'");
  }
  Civil c = ToCivil(name_ms, 1000);
  const std::string y = Digits(c.year, 4), m = Digits(c.month, 2), d = Digits(c.day, 2),
                    h = Digits(c.hour, 2);
  std::vector<std::string> parts;
  if (sequence == "YYYYMMDD") {
    parts = {y, m, d};
  } else if (sequence == "YYYYMMDDHH") {
    parts = {y, m, d, h};
  } else if (sequence == "YYYYMM") {
    parts = {y, m};
  } else if (sequence == "MMYYYYDD") {
    parts = {m, y, d};
  } else if (sequence == "DDMMYYYY") {
    parts = {d, m, y};
  } else {
    return InvalidArgument("unknown DatePartitionSequence '" + std::string(sequence) + "'");
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

Result<CdcNaming> CdcNaming::Make(const S3Settings& settings, std::string extension) {
  CdcNaming n;
  n.prefix_ = settings.bucket_folder.empty() ? "" : settings.bucket_folder + "/";
  n.extension_ = std::move(extension);
  n.txn_extension_ = settings.compression == Compression::kGzip ? ".csv.gz" : ".csv";
  n.txn_folder_ = n.prefix_ + (settings.cdc_path.empty() ? "" : settings.cdc_path + "/");
  n.date_partition_ = settings.date_partition_enabled;
  n.sequence_ = settings.date_partition_sequence;
  n.delimiter_ = settings.date_partition_delimiter;
  if (n.date_partition_) {
    RETURN_IF_ERROR(DatePartitionFolder(0, n.sequence_, n.delimiter_).status());
    ASSIGN_OR_RETURN(n.zone_, TimeZone::Load(settings.date_partition_timezone));
  }
  return n;
}

int64_t CdcNaming::NameMs(std::chrono::system_clock::time_point t) const {
  const int64_t utc_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  if (zone_.is_utc()) return utc_ms;
  const int64_t secs = utc_ms / 1000 - (utc_ms % 1000 < 0 ? 1 : 0);
  return utc_ms + zone_.OffsetSeconds(secs) * 1000;
}

std::string CdcNaming::TableFileKey(std::string_view schema, std::string_view table,
                                    int64_t name_ms) const {
  std::string key = prefix_;
  key.append(EncodeNameSegment(schema, /*is_schema=*/true)).append("/");
  key.append(EncodeNameSegment(table)).append("/");
  if (date_partition_) {
    // Validated in Make: cannot fail.
    Result<std::string> folder = DatePartitionFolder(name_ms, sequence_, delimiter_);
    if (folder.ok()) key += *folder + "/";
  }
  return key + FormatCdcFileTime(name_ms) + extension_;
}

std::string CdcNaming::TxnFileKey(int64_t name_ms) const {
  return txn_folder_ + "CDC_TXN-" + FormatTxnFileTime(name_ms) + txn_extension_;
}

bool CdcNaming::IsCdcFileName(std::string_view key) {
  size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  constexpr std::string_view kTxn = "CDC_TXN-";
  if (name.substr(0, kTxn.size()) == kTxn) return IsDigits(name.substr(kTxn.size(), 17));
  // YYYYMMDD-HHMMSSmmm then the extension.
  return name.size() > 18 && IsDigits(name.substr(0, 8)) && name[8] == '-' &&
         IsDigits(name.substr(9, 9));
}

}  // namespace binlake
