// CsvFieldScanner: splits the CSV that csv_writer.h writes into records and field spans without
// copying, for the readers that keep rows as the bytes the file holds (lake/: materialize copies
// a row's fields verbatim, so its output renders exactly as the target's files do). The dialect
// rules are csv_reader.h's; this is the zero-copy form of CsvRecordReader.
//
// Records can be fed in pieces: Next() looks at the bytes it is given and says kNeedMore when
// the record's end is not among them (the caller appends more and calls again with the same
// start); with `at_end` the data's end ends the record.
//
// Thread-safety: a scanner belongs to one thread. Spans point into the caller's data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/csv/csv_writer.h"

namespace binlake {

struct CsvField {
  std::string_view raw;  // as in the file, quotes included
  bool quoted = false;
};

class CsvFieldScanner {
 public:
  // `options`: delimiter, row_delimiter, null_value, rfc4180 (the rest is ignored).
  explicit CsvFieldScanner(const CsvOptions& options);

  enum class Scan { kRecord, kNeedMore, kEnd };
  // Scans the record that starts at data[0]. kRecord: `*fields` holds its fields, `*record` the
  // record's bytes without the row delimiter, `*consumed` the bytes up to the next record.
  // kEnd: data is empty and at_end. kCorruption (one line): a quote never closed (at_end) or
  // followed by something other than a delimiter.
  Result<Scan> Next(std::string_view data, bool at_end, std::vector<CsvField>* fields,
                    std::string_view* record, size_t* consumed) const;

  // NULL: an unquoted field equal to CsvNullValue.
  bool IsNull(const CsvField& field) const { return !field.quoted && field.raw == null_value_; }
  // The field's text: unquoted ('""' inside a quoted field is one '"'), in `*scratch` only when
  // it must be copied.
  std::string_view Text(const CsvField& field, std::string* scratch) const;

  const std::string& delimiter() const { return delimiter_; }
  const std::string& row_delimiter() const { return row_delimiter_; }
  const std::string& null_value() const { return null_value_; }

 private:
  Result<Scan> NextGeneral(std::string_view data, bool at_end, std::vector<CsvField>* fields,
                           std::string_view* record, size_t* consumed) const;

  std::string delimiter_;
  std::string row_delimiter_;
  std::string null_value_;
  bool rfc4180_;
  bool single_byte_;  // one-byte delimiter and row delimiter: the fast path
};

}  // namespace binlake
