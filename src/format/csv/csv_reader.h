// Reading back the CSV that csv_writer.h writes (DMS's dialect, docs/DMS-S3-COMPAT.md §2.1), for
// the commands that build tables from a target's files (materialize). A pure function over
// bytes: the files come from a store and are untrusted (fuzz/csv_reader_fuzz.cc).
//
// The rules mirror the writer's:
//   - Records end at CsvRowDelimiter (the last one may lack it); fields end at CsvDelimiter
//     (both may be several bytes).
//   - Rfc4180=true: a field that starts with '"' is quoted: it ends at the next '"' not doubled,
//     which must be followed by a delimiter, a row delimiter or the end; '""' inside is one '"'.
//     An unquoted field is NULL when it equals CsvNullValue (with an empty CsvNullValue: the empty
//     field); a quoted field never is (so "" is the empty string, "NULL" the string NULL).
//   - Rfc4180=false: nothing is quoted; a field equal to CsvNullValue is NULL.
// Errors (kCorruption, one line with the record number): a quote that is never closed, or
// closed and followed by something other than a delimiter.
//
// Thread-safety: a reader belongs to one thread; it borrows `data`, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/csv/csv_writer.h"

namespace binlake {

using CsvRecord = std::vector<std::optional<std::string>>;  // nullopt = NULL

class CsvRecordReader {
 public:
  // `options`: delimiter, row_delimiter, null_value, rfc4180 (the rest is ignored).
  CsvRecordReader(std::string_view data, const CsvOptions& options);

  // The next record into `*record`; false at the end of the data.
  Result<bool> Next(CsvRecord* record);
  // 1-based number of the record Next returned last.
  uint64_t record_number() const { return record_number_; }

 private:
  bool AtDelimiter(size_t at) const;
  bool AtRowDelimiter(size_t at) const;

  std::string_view data_;
  std::string delimiter_;
  std::string row_delimiter_;
  std::string null_value_;
  bool rfc4180_;
  size_t pos_ = 0;
  uint64_t record_number_ = 0;
};

// Inflates a whole gzip object (one or more members, RFC 1952). kCorruption if it is not gzip
// or is cut short.
Result<std::string> GunzipAll(std::string_view data);

}  // namespace binlake
