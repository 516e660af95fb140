#include "lake/file_rows.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "common/string_object_writer.h"
#include "format/csv/csv_writer.h"
#include "lake/parquet_file_rows.h"

namespace binlake {
namespace {

// `text` as one field of a CSV file in `dialect` (quoted as the writer quotes it).
std::string CsvFieldText(std::string_view text, const CsvOptions& dialect) {
  CsvOptions options = dialect;
  options.header = false;
  options.gzip = false;
  TableSchema one;
  Column column;
  column.name = "c";
  one.columns = {column};
  std::string out;
  auto writer =
      NewCsvFileWriter(one, OutputColumns{}, options, std::make_unique<StringObjectWriter>(&out));
  const Value value[] = {Value::String(text)};
  if (!writer.ok() || !(*writer)->Append(RowMeta{}, value).ok() || !(*writer)->Finish().ok()) {
    return std::string(text);
  }
  out.resize(out.size() - std::min(out.size(), options.row_delimiter.size()));
  return out;
}

}  // namespace

// Streaming gzip (RFC 1952; several members in a row are one stream, as GunzipAll reads them).
class CsvFileRowReader::Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK; }
  ~Inflater() { inflateEnd(&z_); }
  // Inflates `in` onto `*out`. `last`: no more input follows.
  Status Feed(std::string_view in, bool last, std::string* out) {
    if (!ok_) return Internal("zlib: inflateInit2 failed");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    char buffer[1 << 16];
    while (true) {
      if (ended_ && z_.avail_in > 0) {
        inflateReset(&z_);  // another member follows
        ended_ = false;
      }
      if (z_.avail_in == 0 && (ended_ || !last)) break;
      z_.next_out = reinterpret_cast<Bytef*>(buffer);
      z_.avail_out = sizeof(buffer);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      out->append(buffer, sizeof(buffer) - z_.avail_out);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        continue;
      }
      if (rc == Z_BUF_ERROR && z_.avail_in == 0) {
        if (last) return Corruption("not a complete gzip stream");
        break;
      }
      if (rc != Z_OK) return Corruption("not a gzip stream");
    }
    if (last && !ended_) return Corruption("not a complete gzip stream");
    return Status::Ok();
  }

 private:
  z_stream z_{};
  bool ok_ = false;
  bool ended_ = false;
};

CsvFileRowReader::CsvFileRowReader(ObjectStore& store, std::string key, FileRowLayout layout,
                                   const KeyEncoder& encoder, size_t chunk_bytes)
    : store_(store),
      object_(std::move(key)),
      layout_(std::move(layout)),
      encoder_(encoder),
      scanner_(layout_.csv),
      chunk_bytes_(std::max<size_t>(4096, std::min(chunk_bytes, store.PreferredReadBytes()))) {
  identity_ = layout_.columns.size() == layout_.data_columns;
  for (size_t i = 0; identity_ && i < layout_.columns.size(); ++i) {
    identity_ = layout_.columns[i] == static_cast<int>(i);
  }
  if (layout_.csv.gzip) inflater_ = std::make_unique<Inflater>();
  absent_fields_.resize(layout_.absent.size());
  for (size_t c = 0; c < layout_.absent.size(); ++c) {
    if (layout_.absent[c]) absent_fields_[c] = CsvFieldText(*layout_.absent[c], layout_.csv);
  }
  sliced_ = layout_.begin > 0 || layout_.end != UINT64_MAX;
  begin_checked_ = layout_.begin == 0;
  // From the row delimiter before `begin`, to check that a row begins there.
  if (!begin_checked_) {
    offset_ = layout_.begin - std::min<uint64_t>(layout_.begin, scanner_.row_delimiter().size());
  }
}

CsvFileRowReader::CsvFileRowReader(ObjectStore& store, std::string key, std::string_view bytes,
                                   FileRowLayout layout, const KeyEncoder& encoder)
    : CsvFileRowReader(store, std::move(key), std::move(layout), encoder, 4096) {
  inflater_.reset();
  layout_.csv.gzip = false;
  layout_.begin = 0;
  layout_.end = UINT64_MAX;
  sliced_ = false;
  begin_checked_ = true;
  data_ = bytes;
  object_size_ = offset_ = bytes.size();
  sized_ = at_end_ = true;
}

Status CsvFileRowReader::BrokenSlice(const std::string& what) {
  if (layout_.slice_broken) *layout_.slice_broken = true;
  return PreconditionFailed(name() + ": " + what +
                            " (the file changed since its split points were recorded)");
}

CsvFileRowReader::~CsvFileRowReader() = default;

std::string CsvFileRowReader::name() const { return store_.Describe() + "/" + object_; }

Status CsvFileRowReader::ReadMore() {
  buffer_.erase(0, pos_);
  pos_ = 0;
  if (!sized_) {
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, store_.Head(object_));
    if (!info) return NotFound(name() + " is missing (named by the target's state)");
    object_size_ = info->size;
    sized_ = true;
  }
  // Compressed chunks stay small: they inflate to several times their size.
  const uint64_t chunk = inflater_ ? std::min<size_t>(chunk_bytes_, 1u << 20) : chunk_bytes_;
  if (offset_ > object_size_) return BrokenSlice("a split point lies past the end");
  // A slice reads up to its end (more only when a row crosses it: broken).
  const uint64_t limit =
      layout_.end < object_size_ && offset_ < layout_.end ? layout_.end : object_size_;
  const uint64_t want = std::min<uint64_t>(chunk, limit - offset_);
  // Read into buffers whose capacity is kept: no fresh memory per chunk.
  std::string& into = inflater_ ? compressed_ : buffer_;
  if (inflater_) compressed_.clear();
  const size_t before = into.size();
  if (want > 0) {
    RETURN_IF_ERROR(store_.AppendRange(object_, offset_, want, &into));
    if (into.size() == before) return Corruption(name() + " is shorter than its listed size");
  }
  offset_ += into.size() - before;
  const bool last = offset_ >= object_size_;
  if (inflater_) {
    Status s = inflater_->Feed(compressed_, last, &buffer_);
    if (!s.ok()) return Corruption(name() + ": " + s.message());
  }
  at_end_ = last;
  data_ = buffer_;
  if (!begin_checked_) {
    const std::string& delimiter = scanner_.row_delimiter();
    const size_t before_begin = static_cast<size_t>(layout_.begin - (offset_ - buffer_.size()));
    if (buffer_.size() < before_begin ||
        std::string_view(buffer_).substr(0, before_begin) !=
            std::string_view(delimiter).substr(delimiter.size() - before_begin)) {
      return BrokenSlice("no row begins at offset " + std::to_string(layout_.begin));
    }
    pos_ = before_begin;
    begin_checked_ = true;
  }
  return Status::Ok();
}

Result<bool> CsvFileRowReader::Next() {
  if (rows_returned_ >= layout_.max_rows) return false;
  if (sliced_ && layout_.csv.gzip) {
    return InvalidArgument(name() + ": a gzip file cannot be read from a split point");
  }
  while (true) {
    // The object offset where the next record begins (uncompressed: buffer_ ends at offset_).
    const uint64_t at = offset_ - (data_.size() - pos_);
    if (sliced_ && begin_checked_ && at >= layout_.end) return false;
    std::string_view record;
    size_t consumed = 0;
    Result<CsvFieldScanner::Scan> scan =
        scanner_.Next(data_.substr(pos_), at_end_, &fields_, &record, &consumed);
    if (!scan.ok()) {
      // From a split point: maybe not where a row begins after all (a newline in a value).
      if (sliced_ && layout_.slice_broken) *layout_.slice_broken = true;
      return Corruption(name() + " record " + std::to_string(record_number_ + 1) + ": " +
                        scan.status().message());
    }
    if (*scan == CsvFieldScanner::Scan::kEnd) return false;
    if (*scan == CsvFieldScanner::Scan::kNeedMore) {
      if (at_end_) return Internal("CSV scanner wants more at the end of " + name());
      RETURN_IF_ERROR(ReadMore());
      continue;
    }
    if (sliced_ && at + consumed > layout_.end) {
      return BrokenSlice("a row crosses offset " + std::to_string(layout_.end));
    }
    pos_ += consumed;
    ++record_number_;
    if (record_number_ == 1 && layout_.header && layout_.begin == 0) continue;
    Status parsed = Parse(record);
    if (!parsed.ok()) {
      if (sliced_ && layout_.slice_broken) *layout_.slice_broken = true;
      return parsed;
    }
    ++rows_returned_;
    return true;
  }
}

Status CsvFileRowReader::Parse(std::string_view record) {
  auto bad = [&](const std::string& what) {
    return Corruption(name() + " record " + std::to_string(record_number_) + ": " + what);
  };
  size_t skip = 0;
  op_ = 'I';
  if (layout_.has_op) {
    if (fields_.empty() || fields_[0].raw.size() != 1) return bad("no Op field");
    op_ = fields_[0].raw[0];
    if (op_ != 'I' && op_ != 'U' && op_ != 'D') return bad(std::string("unknown Op '") + op_ + "'");
    skip = 1;
  }
  const size_t columns = layout_.data_columns;
  size_t present = columns;  // data fields the record has
  if (fields_.size() < skip + columns && layout_.short_records) {
    // A damaged file (validate): read in order, the missing last columns NULL; noted once.
    present = fields_.size() - skip;
    if (!noted_short_) {
      noted_short_ = true;
      layout_.short_records->push_back(name() + " record " + std::to_string(record_number_) +
                                       " (and maybe more): " + std::to_string(fields_.size()) +
                                       " fields for " + std::to_string(columns) +
                                       " columns, read in order with the last ones NULL");
    }
  } else if (fields_.size() < skip + columns ||
             fields_.size() - skip - columns > layout_.max_extra_columns) {
    return bad(std::to_string(fields_.size()) + " fields for " + std::to_string(columns) +
               " columns");
  } else {
    skip = fields_.size() - columns;
  }
  const CsvField* data = fields_.data() + skip;
  auto field = [&](int at) -> const CsvField* {
    return at >= 0 && static_cast<size_t>(at) < present ? &data[at] : nullptr;
  };
  // A column the file lacks: its default, or NULL.
  auto absent = [&](size_t c) -> const std::optional<std::string>* {
    if (layout_.columns[c] >= 0 || c >= layout_.absent.size() || !layout_.absent[c]) {
      return nullptr;
    }
    return &layout_.absent[c];
  };
  // The key.
  key_.clear();
  for (size_t k = 0; k < layout_.key.size(); ++k) {
    const size_t c = static_cast<size_t>(layout_.key[k]);
    const CsvField* f = field(layout_.columns[c]);
    std::optional<std::string_view> text;
    if (f && !scanner_.IsNull(*f)) text = scanner_.Text(*f, &scratch_);
    if (const auto* fill = absent(c)) text = **fill;
    Status s = encoder_.Append(k, text, &key_);
    if (!s.ok()) return bad(s.message());
  }
  // The row.
  if (identity_ && present == columns) {
    if (columns == 0) {
      row_ = std::string_view();
    } else {
      const size_t start = static_cast<size_t>(data[0].raw.data() - record.data());
      row_ = record.substr(start);
    }
    return Status::Ok();
  }
  built_row_.clear();
  for (size_t c = 0; c < layout_.columns.size(); ++c) {
    if (c > 0) built_row_ += scanner_.delimiter();
    const CsvField* f = field(layout_.columns[c]);
    if (absent(c)) {
      built_row_ += *absent_fields_[c];
      continue;
    }
    built_row_ += f ? f->raw : std::string_view(scanner_.null_value());
  }
  row_ = built_row_;
  return Status::Ok();
}

std::unique_ptr<FileRowReader> NewFileRowReader(ObjectStore& store, std::string key,
                                                FileRowLayout layout, const KeyEncoder& encoder,
                                                size_t chunk_bytes) {
  if (layout.parquet) {
    return std::make_unique<ParquetFileRowReader>(store, std::move(key), std::move(layout),
                                                  encoder);
  }
  return std::make_unique<CsvFileRowReader>(store, std::move(key), std::move(layout), encoder,
                                            chunk_bytes);
}

}  // namespace binlake
