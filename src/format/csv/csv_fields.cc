#include "format/csv/csv_fields.h"

#include <cstring>

namespace binlake {

CsvFieldScanner::CsvFieldScanner(const CsvOptions& options)
    : delimiter_(options.delimiter.empty() ? "," : options.delimiter),
      row_delimiter_(options.row_delimiter.empty() ? "\n" : options.row_delimiter),
      null_value_(options.null_value),
      rfc4180_(options.rfc4180),
      single_byte_(delimiter_.size() == 1 && row_delimiter_.size() == 1 && delimiter_[0] != '"' &&
                   row_delimiter_[0] != '"') {}

Result<CsvFieldScanner::Scan> CsvFieldScanner::Next(std::string_view data, bool at_end,
                                                    std::vector<CsvField>* fields,
                                                    std::string_view* record,
                                                    size_t* consumed) const {
  fields->clear();
  if (data.empty()) {
    if (at_end) return Scan::kEnd;
    return Scan::kNeedMore;
  }
  if (!single_byte_) return NextGeneral(data, at_end, fields, record, consumed);
  // Fast path: the line up to the row delimiter; when it holds no quote, its fields are the
  // pieces between delimiters.
  const char row = row_delimiter_[0];
  const char* begin = data.data();
  const char* nl = static_cast<const char*>(std::memchr(begin, row, data.size()));
  size_t line = nl ? static_cast<size_t>(nl - begin) : data.size();
  if (!nl && !at_end) return Scan::kNeedMore;
  if (rfc4180_ && std::memchr(begin, '"', line) != nullptr) {
    return NextGeneral(data, at_end, fields, record, consumed);
  }
  const char delim = delimiter_[0];
  const char* p = begin;
  const char* end = begin + line;
  while (true) {
    const char* d = static_cast<const char*>(std::memchr(p, delim, static_cast<size_t>(end - p)));
    if (!d) {
      fields->push_back({std::string_view(p, static_cast<size_t>(end - p)), false});
      break;
    }
    fields->push_back({std::string_view(p, static_cast<size_t>(d - p)), false});
    p = d + 1;
  }
  *record = std::string_view(begin, line);
  *consumed = nl ? line + 1 : line;
  return Scan::kRecord;
}

Result<CsvFieldScanner::Scan> CsvFieldScanner::NextGeneral(std::string_view data, bool at_end,
                                                           std::vector<CsvField>* fields,
                                                           std::string_view* record,
                                                           size_t* consumed) const {
  auto at = [&](size_t pos, const std::string& what) {
    return data.compare(pos, what.size(), what) == 0;
  };
  // A delimiter cut by the end of the data may still complete: ask for more.
  auto maybe_cut = [&](size_t pos) {
    if (at_end) return false;
    const size_t left = data.size() - pos;
    return (left < delimiter_.size() &&
            data.substr(pos) == std::string_view(delimiter_).substr(0, left)) ||
           (left < row_delimiter_.size() &&
            data.substr(pos) == std::string_view(row_delimiter_).substr(0, left));
  };
  size_t pos = 0;
  while (true) {
    const size_t start = pos;
    bool quoted = false;
    if (rfc4180_ && pos < data.size() && data[pos] == '"') {
      quoted = true;
      size_t q = pos + 1;
      while (true) {
        q = data.find('"', q);
        if (q == std::string_view::npos || (q + 1 == data.size() && !at_end)) {
          if (!at_end) return Scan::kNeedMore;
          return Corruption("CSV: a quoted field is never closed");
        }
        if (q + 1 < data.size() && data[q + 1] == '"') {
          q += 2;
          continue;
        }
        break;
      }
      pos = q + 1;
    } else {
      while (pos < data.size() && !at(pos, delimiter_) && !at(pos, row_delimiter_)) {
        if (maybe_cut(pos)) return Scan::kNeedMore;
        ++pos;
      }
      if (pos == data.size() && !at_end) return Scan::kNeedMore;
    }
    fields->push_back({data.substr(start, pos - start), quoted});
    if (pos >= data.size()) {
      if (!at_end) return Scan::kNeedMore;
      *record = data.substr(0, pos);
      *consumed = pos;
      return Scan::kRecord;
    }
    if (maybe_cut(pos)) return Scan::kNeedMore;
    if (at(pos, row_delimiter_)) {
      *record = data.substr(0, pos);
      *consumed = pos + row_delimiter_.size();
      return Scan::kRecord;
    }
    if (at(pos, delimiter_)) {
      pos += delimiter_.size();
      continue;
    }
    return Corruption("CSV: a quoted field is followed by something other than a delimiter");
  }
}

std::string_view CsvFieldScanner::Text(const CsvField& field, std::string* scratch) const {
  if (!field.quoted) return field.raw;
  std::string_view inner = field.raw.substr(1, field.raw.size() - 2);
  if (inner.find('"') == std::string_view::npos) return inner;
  scratch->clear();
  for (size_t i = 0; i < inner.size(); ++i) {
    scratch->push_back(inner[i]);
    if (inner[i] == '"') ++i;  // '""' is one '"'
  }
  return *scratch;
}

}  // namespace binlake
