// Wire constants of the Parquet file format, as numbered in parquet.thrift
// (https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift).
// The values binlake writes are listed, plus those the reader (parquet_reader.h) names in its
// messages or recognises; the numbers are part of the format and never change. The enums have a
// fixed underlying type, so a decoded value outside the list is still representable.
#pragma once

#include <cstdint>
#include <string_view>

namespace binlake::parquet {

// "PAR1": the first and last four bytes of every Parquet file.
inline constexpr std::string_view kMagic = "PAR1";

// parquet.thrift `enum Type`: the physical (storage) type of a leaf column.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// parquet.thrift `enum ConvertedType`: the legacy annotation, still read by older readers.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kDecimal = 5,
  kDate = 6,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
};

// parquet.thrift `enum FieldRepetitionType`.
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// parquet.thrift `enum Encoding`.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,  // deprecated spelling of RLE_DICTIONARY (data) / PLAIN (dictionary page)
  kRle = 3,
  kBitPacked = 4,  // deprecated level encoding (read: not supported)
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

// parquet.thrift `enum CompressionCodec`.
enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,     // read: not supported
  kBrotli = 4,  // read: not supported
  kLz4 = 5,     // read: not supported
  kZstd = 6,
  kLz4Raw = 7,  // read: not supported
};

// parquet.thrift `enum PageType`.
enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,  // read: skipped
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// The `union LogicalType` members (field ids of that union), kNone for none. binlake writes
// kString, kDecimal, kDate, kTimestamp, kInteger; the reader decodes every member's id and the
// parameters of kDecimal, kTime, kTimestamp and kInteger.
enum class LogicalKind : int16_t {
  kNone = 0,
  kString = 1,
  kMap = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTime = 7,
  kTimestamp = 8,
  kInteger = 10,
  kUnknown = 11,  // "always null"
  kJson = 12,
  kBson = 13,
  kUuid = 14,
  kFloat16 = 15,
};

// parquet.thrift `union TimeUnit` member field ids.
enum class TimeUnit : int16_t { kMillis = 1, kMicros = 2, kNanos = 3 };

std::string_view CodecName(Codec codec);  // "?" for a value not listed above

}  // namespace binlake::parquet

// PLAIN encoding is little endian; binlake copies host integers, so it builds only on
// little-endian hosts.
#include <bit>
static_assert(std::endian::native == std::endian::little, "binlake's Parquet writer needs LE");
