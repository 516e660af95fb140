// Fuzzes the CSV reader (format/csv/csv_reader.h) on the bytes of a target's files, which come
// from a store and are untrusted: every record must come out or a one-line kCorruption, and
// the reader must always move forward. The first byte picks the dialect (Rfc4180 on/off, an
// empty or "NULL" CsvNullValue, "," or "||" between fields, "\n" or "\r\n" between records);
// with its top bit set the rest is inflated first (GunzipAll), as a gzip target's files are.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/csv/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string inflated;
  if (mode & 0x80) {
    auto plain = binlake::GunzipAll(bytes);
    if (!plain.ok()) return 0;
    inflated = std::move(plain).value();
    bytes = inflated;
  }
  binlake::CsvOptions o;
  o.rfc4180 = (mode & 1) == 0;
  o.null_value = (mode & 2) ? "NULL" : "";
  o.delimiter = (mode & 4) ? "||" : ",";
  o.row_delimiter = (mode & 8) ? "\r\n" : "\n";
  binlake::CsvRecordReader reader(bytes, o);
  binlake::CsvRecord record;
  uint64_t records = 0;
  while (true) {
    auto more = reader.Next(&record);
    if (!more.ok() || !*more) break;
    if (record.empty()) std::abort();                // a record has at least one field
    if (++records > bytes.size() + 1) std::abort();  // no progress
  }
  return 0;
}
