#include "format/csv/csv_reader.h"

#include <zlib.h>

#include <cstdint>

namespace binlake {

CsvRecordReader::CsvRecordReader(std::string_view data, const CsvOptions& options)
    : data_(data),
      delimiter_(options.delimiter.empty() ? "," : options.delimiter),
      row_delimiter_(options.row_delimiter.empty() ? "\n" : options.row_delimiter),
      null_value_(options.null_value),
      rfc4180_(options.rfc4180) {}

bool CsvRecordReader::AtDelimiter(size_t at) const {
  return data_.compare(at, delimiter_.size(), delimiter_) == 0;
}

bool CsvRecordReader::AtRowDelimiter(size_t at) const {
  return data_.compare(at, row_delimiter_.size(), row_delimiter_) == 0;
}

Result<bool> CsvRecordReader::Next(CsvRecord* record) {
  record->clear();
  if (pos_ >= data_.size()) return false;
  ++record_number_;
  auto error = [&](const std::string& what) {
    return Corruption("CSV record " + std::to_string(record_number_) + ": " + what);
  };
  while (true) {
    // One field, starting at pos_.
    if (rfc4180_ && pos_ < data_.size() && data_[pos_] == '"') {
      std::string text;
      size_t at = pos_ + 1;
      while (true) {
        size_t quote = data_.find('"', at);
        if (quote == std::string_view::npos) return error("a quoted field is never closed");
        text.append(data_.substr(at, quote - at));
        if (quote + 1 < data_.size() && data_[quote + 1] == '"') {
          text.push_back('"');
          at = quote + 2;
          continue;
        }
        pos_ = quote + 1;
        break;
      }
      record->push_back(std::move(text));
    } else {
      size_t end = pos_;
      while (end < data_.size() && !AtDelimiter(end) && !AtRowDelimiter(end)) ++end;
      std::string_view text = data_.substr(pos_, end - pos_);
      if (text == null_value_) {
        record->push_back(std::nullopt);
      } else {
        record->emplace_back(text);
      }
      pos_ = end;
    }
    if (pos_ >= data_.size()) return true;
    if (AtRowDelimiter(pos_)) {
      pos_ += row_delimiter_.size();
      return true;
    }
    if (AtDelimiter(pos_)) {
      pos_ += delimiter_.size();
      continue;
    }
    return error("a quoted field is followed by something other than a delimiter");
  }
}

Result<std::string> GunzipAll(std::string_view data) {
  std::string out;
  if (data.size() > UINT32_MAX) return Unsupported("gzip objects over 4 GiB are not read");
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Internal("zlib: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  char buffer[1 << 16];
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another gzip member follows
      continue;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && z.avail_out != 0) {
      rc = Z_BUF_ERROR;  // the input ended inside a member
      break;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Corruption("not a complete gzip stream");
  return out;
}

}  // namespace binlake
