#include "format/parquet/statistics.h"

#include <cmath>
#include <cstring>

namespace binlake::parquet {
namespace {

template <typename T>
T Load(std::string_view plain) {
  T v;
  std::memcpy(&v, plain.data(), sizeof v);
  return v;
}

template <typename T>
std::string Store(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

void StatisticsCollector::AddInt32(int32_t v) {
  if (order_ == SortOrder::kUnsigned32) {
    uint64_t u = static_cast<uint32_t>(v);
    if (!has_value_ || u < min_u_) min_u_ = u;
    if (!has_value_ || u > max_u_) max_u_ = u;
  } else {
    if (!has_value_ || v < min_i_) min_i_ = v;
    if (!has_value_ || v > max_i_) max_i_ = v;
  }
  has_value_ = true;
}

void StatisticsCollector::AddInt64(int64_t v) {
  if (order_ == SortOrder::kUnsigned64) {
    uint64_t u = static_cast<uint64_t>(v);
    if (!has_value_ || u < min_u_) min_u_ = u;
    if (!has_value_ || u > max_u_) max_u_ = u;
  } else {
    if (!has_value_ || v < min_i_) min_i_ = v;
    if (!has_value_ || v > max_i_) max_i_ = v;
  }
  has_value_ = true;
}

bool StatisticsCollector::Less(std::string_view a, std::string_view b) const {
  if (order_ == SortOrder::kFixedSigned && !a.empty() && a.size() == b.size()) {
    // Two's complement big endian: flip the sign bit of the first byte, then compare unsigned.
    unsigned char a0 = static_cast<unsigned char>(a[0]) ^ 0x80;
    unsigned char b0 = static_cast<unsigned char>(b[0]) ^ 0x80;
    if (a0 != b0) return a0 < b0;
    return a.substr(1) < b.substr(1);
  }
  return a < b;  // char_traits<char> compares as unsigned char
}

void StatisticsCollector::Add(std::string_view plain) {
  switch (order_) {
    case SortOrder::kSigned32:
    case SortOrder::kUnsigned32:
      AddInt32(Load<int32_t>(plain));
      return;
    case SortOrder::kSigned64:
    case SortOrder::kUnsigned64:
      AddInt64(Load<int64_t>(plain));
      return;
    case SortOrder::kFloat:
    case SortOrder::kDouble: {
      double v = order_ == SortOrder::kFloat ? Load<float>(plain) : Load<double>(plain);
      if (std::isnan(v)) return;
      if (!has_value_ || v < min_d_) min_d_ = v;
      if (!has_value_ || v > max_d_) max_d_ = v;
      has_value_ = true;
      return;
    }
    case SortOrder::kFixedSigned:
    case SortOrder::kBytesUnsigned:
      if (!has_value_ || Less(plain, min_s_)) min_s_.assign(plain);
      if (!has_value_ || Less(max_s_, plain)) max_s_.assign(plain);
      has_value_ = true;
      return;
  }
}

Statistics StatisticsCollector::ToThrift() const {
  Statistics s;
  s.null_count = null_count_;
  if (!has_value_) return s;
  s.has_min_max = true;
  switch (order_) {
    case SortOrder::kSigned32:
      s.min_value = Store(static_cast<int32_t>(min_i_));
      s.max_value = Store(static_cast<int32_t>(max_i_));
      s.write_legacy_min_max = true;
      break;
    case SortOrder::kUnsigned32:
      s.min_value = Store(static_cast<uint32_t>(min_u_));
      s.max_value = Store(static_cast<uint32_t>(max_u_));
      break;
    case SortOrder::kSigned64:
      s.min_value = Store(min_i_);
      s.max_value = Store(max_i_);
      s.write_legacy_min_max = true;
      break;
    case SortOrder::kUnsigned64:
      s.min_value = Store(min_u_);
      s.max_value = Store(max_u_);
      break;
    case SortOrder::kFloat:
    case SortOrder::kDouble: {
      double lo = min_d_ == 0 ? -0.0 : min_d_;
      double hi = max_d_ == 0 ? +0.0 : max_d_;
      if (order_ == SortOrder::kFloat) {
        s.min_value = Store(static_cast<float>(lo));
        s.max_value = Store(static_cast<float>(hi));
      } else {
        s.min_value = Store(lo);
        s.max_value = Store(hi);
      }
      s.write_legacy_min_max = true;
      break;
    }
    case SortOrder::kFixedSigned:
    case SortOrder::kBytesUnsigned:
      if (min_s_.size() > kMaxStatisticsValueSize || max_s_.size() > kMaxStatisticsValueSize) {
        s.has_min_max = false;
      } else {
        s.min_value = min_s_;
        s.max_value = max_s_;
      }
      break;
  }
  return s;
}

void StatisticsCollector::Reset() {
  null_count_ = 0;
  has_value_ = false;
  min_s_.clear();
  max_s_.clear();
}

}  // namespace binlake::parquet
