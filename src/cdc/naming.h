// Names of CDC objects, as DMS writes them (docs/DMS-S3-COMPAT.md §1.1-1.3):
//
//   [BucketFolder/]schema/table/YYYYMMDD-HHMMSSmmm<ext>                    per-table changes
//   [BucketFolder/]schema/table/<date folders>/YYYYMMDD-HHMMSSmmm<ext>     DatePartitionEnabled
//   [BucketFolder/]CdcPath/CDC_TXN-YYYYMMDDHHMMSSmmm.csv[.gz]             PreserveTransactions
//
// The time in a name is the batch's wall-clock time (DMS names files by their creation time,
// not by commit time), in milliseconds. DatePartitionTimezone converts "the current UTC time"
// when DMS creates the partition folder *and* generates the CDC file name (API doc of
// DatePartitionTimezone), so with a time zone set, both the date folders and the file name show
// that zone's local time; without one (the default) both are UTC. The name's clock is called the
// "name clock" below: milliseconds since 1970-01-01T00:00 of that wall time.
//
// Date folders (DatePartitionSequence x DatePartitionDelimiter):
//   YYYYMMDD   2024/11/24  2024_11_24  2024-11-24  20241124
//   YYYYMMDDHH 2024/11/24/10 ...                   2024112410
//   YYYYMM     2024/11     2024_11     2024-11     202411
//   MMYYYYDD   11/2024/24  ...
//   DDMMYYYY   24/11/2024  ...
// SLASH gives nested folders; the other delimiters one folder. NONE joins the parts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cdc/naming_tz.h"
#include "common/status.h"
#include "config/settings.h"

namespace binlake {

// "20241124-101500123" (DMS CDC file time) for name-clock milliseconds.
std::string FormatCdcFileTime(int64_t name_ms);
// "20241124101500123" (the CDC_TXN file time).
std::string FormatTxnFileTime(int64_t name_ms);
// "2024-11-24 10:15:00.123456" (TimestampColumnName, DMS's yyyy-MM-dd HH:mm:ss.SSSSSS) for
// microseconds since the epoch, UTC.
std::string FormatCommitTime(uint64_t utc_us);
// "2024-11-24T10:15:00.123Z" (checkpoint times) for UTC milliseconds since the epoch.
std::string FormatIso8601(int64_t utc_ms);
// "2024/11/24" etc. for name-clock milliseconds. kInvalidArgument for an unknown sequence or
// delimiter.
Result<std::string> DatePartitionFolder(int64_t name_ms, std::string_view sequence,
                                        std::string_view delimiter);

// The CDC naming of one task, from its settings.
class CdcNaming {
 public:
  // Loads DatePartitionTimezone (if date partitioning is on) and checks the partition settings.
  // `extension` is the data file extension (".csv", ".csv.gz", ".parquet").
  static Result<CdcNaming> Make(const S3Settings& settings, std::string extension);

  // Name-clock milliseconds of the instant `t`.
  int64_t NameMs(std::chrono::system_clock::time_point t) const;

  // "[BucketFolder/]schema/table/[date folders/]YYYYMMDD-HHMMSSmmm<ext>".
  std::string TableFileKey(std::string_view schema, std::string_view table, int64_t name_ms) const;
  // "[BucketFolder/]CdcPath/CDC_TXN-YYYYMMDDHHMMSSmmm<txn ext>".
  std::string TxnFileKey(int64_t name_ms) const;
  // The extension of CDC_TXN files: ".csv", or ".csv.gz" with CompressionType=GZIP.
  const std::string& txn_extension() const { return txn_extension_; }

  // True if the last segment of `key` looks like a CDC data file or CDC_TXN file name (used to
  // tell CDC leftovers from other objects, e.g. a full load's).
  static bool IsCdcFileName(std::string_view key);

 private:
  std::string prefix_;  // "" or "BucketFolder/"
  std::string extension_;
  std::string txn_extension_;
  std::string txn_folder_;  // "[BucketFolder/]CdcPath/"
  bool date_partition_ = false;
  std::string sequence_;
  std::string delimiter_;
  TimeZone zone_;
};

}  // namespace binlake
