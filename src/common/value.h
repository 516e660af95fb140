// Value: one typed cell of a row, as produced by both the snapshot reader (binary protocol) and
// the binlog decoder, and consumed by every output format. Keeping one representation is what
// makes a value render byte-identically on both paths (README.md, "How values are written").
//
// Ownership: a Value never owns memory. Text/bytes views point into a buffer owned by the
// producer (a MYSQL_BIND buffer, a binlog event, a decoder scratch arena) and are valid only until
// the producer moves to the next row. Copy with OwnedValue if a value must outlive that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace binlake {

// A calendar date and wall-clock time. Zero dates (0000-00-00) and partial zero dates
// (2020-00-00) are representable because MySQL stores them.
struct DateTimeParts {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micros = 0;  // 0..999999
};

// A MySQL TIME value: a signed duration up to 838:59:59.999999.
struct TimeParts {
  bool negative = false;
  uint32_t hours = 0;  // 0..838
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micros = 0;
};

class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kInt,        // signed integer (TINYINT..BIGINT, YEAR)
    kUInt,       // unsigned integer
    kFloat,      // FLOAT (4 bytes)
    kDouble,     // DOUBLE
    kDecimal,    // exact decimal as text, e.g. "-12.340" (server's rendering, all scale digits)
    kString,     // character data, already UTF-8
    kBytes,      // raw bytes (BINARY/VARBINARY/BLOB/GEOMETRY, VECTOR float32 LE array)
    kBit,        // BIT(n) as an unsigned integer
    kEnumIndex,  // 1-based ENUM index (0 = the empty "error" value); labels from ColumnType
    kSetBits,    // SET bitmask; labels from ColumnType
    kDate,       // DateTimeParts, date fields only
    kTime,       // TimeParts
    kDateTime,   // DateTimeParts, no time zone
    kTimestamp,  // DateTimeParts in UTC
    kJson,       // JSON text; the renderer canonicalizes it
  };

  Value() : i_(0) {}
  static Value Null() { return Value(); }
  static Value Int(int64_t v) {
    Value x(Kind::kInt);
    x.i_ = v;
    return x;
  }
  static Value UInt(uint64_t v) {
    Value x(Kind::kUInt);
    x.u_ = v;
    return x;
  }
  static Value Float(float v) {
    Value x(Kind::kFloat);
    x.f_ = v;
    return x;
  }
  static Value Double(double v) {
    Value x(Kind::kDouble);
    x.d_ = v;
    return x;
  }
  static Value Bit(uint64_t v) {
    Value x(Kind::kBit);
    x.u_ = v;
    return x;
  }
  static Value EnumIndex(uint64_t v) {
    Value x(Kind::kEnumIndex);
    x.u_ = v;
    return x;
  }
  static Value SetBits(uint64_t v) {
    Value x(Kind::kSetBits);
    x.u_ = v;
    return x;
  }
  static Value Decimal(std::string_view text) { return WithText(Kind::kDecimal, text); }
  static Value String(std::string_view utf8) { return WithText(Kind::kString, utf8); }
  static Value Bytes(std::string_view bytes) { return WithText(Kind::kBytes, bytes); }
  static Value Json(std::string_view text) { return WithText(Kind::kJson, text); }
  static Value Date(uint16_t y, uint8_t m, uint8_t d) {
    Value x(Kind::kDate);
    x.dt_ = DateTimeParts{y, m, d, 0, 0, 0, 0};
    return x;
  }
  static Value DateTime(const DateTimeParts& p) {
    Value x(Kind::kDateTime);
    x.dt_ = p;
    return x;
  }
  static Value Timestamp(const DateTimeParts& utc) {
    Value x(Kind::kTimestamp);
    x.dt_ = utc;
    return x;
  }
  static Value Time(const TimeParts& t) {
    Value x(Kind::kTime);
    x.tm_ = t;
    return x;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  float float_value() const { return f_; }
  double double_value() const { return d_; }
  std::string_view text() const { return {data_, size_}; }
  const DateTimeParts& datetime() const { return dt_; }
  const TimeParts& time() const { return tm_; }

  // A copy of this value whose text/bytes view points at `t` instead (same kind).
  Value RebindText(std::string_view t) const {
    Value x = *this;
    x.data_ = t.data();
    x.size_ = t.size();
    return x;
  }
  bool HasText() const {
    return kind_ == Kind::kDecimal || kind_ == Kind::kString || kind_ == Kind::kBytes ||
           kind_ == Kind::kJson;
  }

 private:
  explicit Value(Kind k) : kind_(k), i_(0) {}
  static Value WithText(Kind k, std::string_view t) {
    Value x(k);
    x.data_ = t.data();
    x.size_ = t.size();
    return x;
  }

  Kind kind_ = Kind::kNull;
  const char* data_ = nullptr;
  size_t size_ = 0;
  union {
    int64_t i_;
    uint64_t u_;
    float f_;
    double d_;
    DateTimeParts dt_;
    TimeParts tm_;
  };
};

// A Value together with storage for its bytes, for values that must outlive their row.
class OwnedValue {
 public:
  OwnedValue() = default;
  explicit OwnedValue(const Value& v) { Assign(v); }
  OwnedValue(const OwnedValue& other) { Assign(other.value_); }
  OwnedValue& operator=(const OwnedValue& other) {
    if (this != &other) Assign(other.value_);
    return *this;
  }
  void Assign(const Value& v);
  const Value& value() const { return value_; }

 private:
  std::string storage_;
  Value value_;
};

}  // namespace binlake
