// Column-chunk statistics (parquet.thrift `Statistics`): null count and min/max, compared in the
// sort order the column's logical type defines (parquet.thrift "ColumnOrder" / TYPE_ORDER):
//   signed integers, DATE, TIMESTAMP, DECIMAL in INT32/INT64   signed
//   INT(x, false) annotations                                  unsigned
//   FLOAT, DOUBLE                                              numeric; NaN ignored, a zero min
//                                                              is written as -0.0, a zero max as
//                                                              +0.0 (as the spec requires)
//   DECIMAL in FIXED_LEN_BYTE_ARRAY                            signed, big-endian two's complement
//   BYTE_ARRAY (strings, JSON, binary)                         unsigned byte-wise lexicographic
// min/max are dropped when either is longer than kMaxStatisticsValueSize (like Arrow's
// max_statistics_size), so a row group of large BLOBs does not bloat the footer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "format/parquet/metadata.h"

namespace binlake::parquet {

enum class SortOrder : uint8_t {
  kSigned32,
  kUnsigned32,
  kSigned64,
  kUnsigned64,
  kFloat,
  kDouble,
  kFixedSigned,    // FIXED_LEN_BYTE_ARRAY decimal
  kBytesUnsigned,  // BYTE_ARRAY
};

inline constexpr size_t kMaxStatisticsValueSize = 4096;

class StatisticsCollector {
 public:
  explicit StatisticsCollector(SortOrder order) : order_(order) {}

  void AddNull() { ++null_count_; }
  // `plain` is the value's PLAIN bytes without a length prefix (4/8 bytes for numbers).
  void Add(std::string_view plain);
  void AddInt32(int32_t v);
  void AddInt64(int64_t v);

  Statistics ToThrift() const;
  void Reset();

 private:
  bool Less(std::string_view a, std::string_view b) const;

  SortOrder order_;
  int64_t null_count_ = 0;
  bool has_value_ = false;
  // Numeric orders keep typed min/max; byte orders keep copies.
  int64_t min_i_ = 0, max_i_ = 0;
  uint64_t min_u_ = 0, max_u_ = 0;
  double min_d_ = 0, max_d_ = 0;
  std::string min_s_, max_s_;
};

}  // namespace binlake::parquet
