// Helpers the Parquet reader's two halves share (parquet_file.cc: the footer and the row groups'
// places; parquet_reader.cc: the pages and their values). Internal to format/parquet.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "format/parquet/parquet_reader.h"

namespace binlake::parquet::detail {

inline uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// A name from the file, fit for a one-line message: printable ASCII, the rest as \xNN, at most
// 64 bytes.
std::string Printable(std::string_view s);

inline const char* TypeName(PhysicalType t) {
  static const char* kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                 "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  auto i = static_cast<size_t>(t);
  return i < 8 ? kNames[i] : "?";
}

}  // namespace binlake::parquet::detail
