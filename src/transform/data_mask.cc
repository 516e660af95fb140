#include "transform/data_mask.h"

#include <openssl/sha.h>

#include <limits>

namespace binlake {
namespace {

bool IsText(const ColumnType& t) {
  return t.type == SqlType::kChar || t.type == SqlType::kVarChar || t.type == SqlType::kText;
}

// The largest magnitude of an integer column (the positive side, or the negative side).
uint64_t MaxMagnitude(const ColumnType& t, bool negative) {
  int bits = 64;
  switch (t.type) {
    case SqlType::kTinyInt:
      bits = 8;
      break;
    case SqlType::kSmallInt:
      bits = 16;
      break;
    case SqlType::kMediumInt:
      bits = 24;
      break;
    case SqlType::kInt:
      bits = 32;
      break;
    default:
      break;
  }
  if (t.is_unsigned) return bits == 64 ? std::numeric_limits<uint64_t>::max() : (1ull << bits) - 1;
  return negative ? 1ull << (bits - 1) : (1ull << (bits - 1)) - 1;
}

int Digits(uint64_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

}  // namespace

std::string_view DataMaskName(DataMask mask) {
  switch (mask) {
    case DataMask::kDigitsMask:
      return "data-masking-digits-mask";
    case DataMask::kDigitsRandomize:
      return "data-masking-digits-randomize";
    case DataMask::kHashMask:
      return "data-masking-hash-mask";
    case DataMask::kNone:
      break;
  }
  return "none";
}

Status CheckMaskApplies(DataMask mask, const ColumnType& type) {
  const bool ok = IsText(type) || (mask == DataMask::kDigitsRandomize &&
                                   (type.IsInteger() || type.type == SqlType::kDecimal));
  if (ok || mask == DataMask::kNone) return Status::Ok();
  return InvalidArgument(
      std::string(DataMaskName(mask)) + " does not apply to a " +
      std::string(SqlTypeName(type.type)) + " column (" +
      (mask == DataMask::kDigitsRandomize ? "strings, integers and DECIMAL" : "strings") +
      " only; a change-data-type rule to a string can come first)");
}

DataMasker::DataMasker() : random_(std::random_device{}()) {}

Value DataMasker::Mask(DataMask mask, char mask_char, const ColumnType& type, const Value& value,
                       std::string* scratch) {
  if (value.is_null() || mask == DataMask::kNone) return value;
  auto random_digit = [&] { return static_cast<char>('0' + random_() % 10); };
  if (value.HasText()) {
    const std::string_view text = value.text();
    if (mask == DataMask::kHashMask) {
      unsigned char digest[SHA256_DIGEST_LENGTH];
      SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
      static const char* kHex = "0123456789ABCDEF";
      scratch->clear();
      for (unsigned char b : digest) {
        scratch->push_back(kHex[b >> 4]);
        scratch->push_back(kHex[b & 15]);
      }
      return Value::String(*scratch);
    }
    scratch->assign(text);
    for (char& c : *scratch) {
      if (c >= '0' && c <= '9') c = mask == DataMask::kDigitsMask ? mask_char : random_digit();
    }
    return value.RebindText(*scratch);
  }
  // An integer: a random one with as many digits and the same sign, within the type's range.
  const bool negative = value.kind() == Value::Kind::kInt && value.int_value() < 0;
  uint64_t magnitude = value.kind() == Value::Kind::kUInt
                           ? value.uint_value()
                           : (negative ? 0 - static_cast<uint64_t>(value.int_value())
                                       : static_cast<uint64_t>(value.int_value()));
  const int digits = Digits(magnitude);
  uint64_t low = 0, high = 9;
  for (int i = 1; i < digits; ++i) {
    low = i == 1 ? 10 : low * 10;
    high = high > std::numeric_limits<uint64_t>::max() / 10 ? std::numeric_limits<uint64_t>::max()
                                                            : high * 10 + 9;
  }
  high = std::min(high, MaxMagnitude(type, negative));
  magnitude = low + (high > low ? random_() % (high - low + 1) : 0);
  if (value.kind() == Value::Kind::kUInt) return Value::UInt(magnitude);
  return Value::Int(negative ? static_cast<int64_t>(0 - magnitude)
                             : static_cast<int64_t>(magnitude));
}

}  // namespace binlake
