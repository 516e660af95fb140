#include "lake/parquet_file_rows.h"

#include <algorithm>

#include "common/parse_rendered_text.h"
#include "common/render_text.h"
#include "common/string_object_writer.h"
#include "format/csv/csv_writer.h"
#include "format/parquet/parquet_value.h"

namespace binlake {

ParquetFileRowReader::ParquetFileRowReader(ObjectStore& store, std::string key,
                                           FileRowLayout layout, const KeyEncoder& encoder)
    : store_(store), object_(std::move(key)), layout_(std::move(layout)), encoder_(encoder) {}

ParquetFileRowReader::ParquetFileRowReader(ObjectStore& store, std::string key,
                                           std::string_view whole, FileRowLayout layout,
                                           const KeyEncoder& encoder)
    : store_(store),
      object_(std::move(key)),
      layout_(std::move(layout)),
      encoder_(encoder),
      whole_(whole) {}

ParquetFileRowReader::~ParquetFileRowReader() = default;

Result<const parquet::ParquetFile*> ParquetFileRowReader::File() {
  if (!opened_) RETURN_IF_ERROR(Open());
  if (!file_) return Internal(name() + ": its footer could not be read before");
  return &*file_;
}

void ParquetFileRowReader::ReadRowGroups(size_t begin, size_t end) {
  reader_.reset();
  next_group_ = begin;
  end_group_ = end;
  if (!file_) return;
  row_number_ = 0;  // the rows before: errors name rows by their number in the file
  for (size_t g = 0; g < std::min(begin, file_->num_row_groups()); ++g) {
    row_number_ += static_cast<uint64_t>(file_->row_group_rows(g));
  }
}

std::string ParquetFileRowReader::name() const { return store_.Describe() + "/" + object_; }

Status ParquetFileRowReader::Bad(const std::string& what) const {
  return Corruption(name() + " row " + std::to_string(row_number_) + ": " + what);
}

Status ParquetFileRowReader::Open() {
  opened_ = true;
  const size_t columns = layout_.columns.size();
  if (layout_.types.size() != columns) {
    return Internal("Parquet rows of " + name() + ": no type for every column");
  }
  if (whole_.data() != nullptr) {
    size_ = whole_.size();
  } else {
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, store_.Head(object_));
    if (!info) return NotFound(name() + " is missing (named by the target's state)");
    size_ = info->size;
  }
  if (size_ < 12) {
    return Corruption(name() + ": parquet: a file of " + std::to_string(size_) +
                      " bytes is too short");
  }
  // The footer: the tail, then more of it when the footer is longer.
  const uint64_t guess = std::min<uint64_t>(size_, 64u << 10);
  RETURN_IF_ERROR(Fetch(size_ - guess, guess, &tail_));
  Result<uint64_t> need = parquet::ParquetFile::TailBytesNeeded(
      std::string_view(tail_).substr(tail_.size() - 8), size_);
  if (!need.ok()) return Status(need.status().code(), name() + ": " + need.status().message());
  if (*need > tail_.size()) RETURN_IF_ERROR(Fetch(size_ - *need, *need, &tail_));
  Result<parquet::ParquetFile> file = parquet::ParquetFile::OpenTail(tail_, size_);
  if (!file.ok()) return Status(file.status().code(), name() + ": " + file.status().message());
  file_.emplace(std::move(file).value());

  // [Op] [extra columns] data columns.
  const size_t total = file_->columns().size();
  const size_t lead = layout_.has_op ? 1 : 0;
  const size_t data = layout_.data_columns;
  if (total < lead + data || total - lead - data > layout_.max_extra_columns) {
    return Corruption(name() + ": " + std::to_string(total) + " columns for " +
                      std::to_string(data) + " table columns");
  }
  const size_t first_data = total - data;
  parquet::RowReaderOptions& options = options_;
  has_op_ = layout_.has_op;
  if (has_op_) {
    if (file_->columns()[0].type != parquet::PhysicalType::kByteArray) {
      return Corruption(name() + ": its first column is not the Op string");
    }
    options.columns.push_back(0);
  }
  field_of_.assign(columns, -1);
  column_of_.assign(columns, nullptr);
  for (size_t c = 0; c < columns; ++c) {
    const int at = layout_.columns[c];
    if (at < 0) continue;
    if (static_cast<size_t>(at) >= data) {
      return Internal(name() + ": the plan maps a column past the file's");
    }
    const size_t index = first_data + static_cast<size_t>(at);
    const parquet::ParquetColumn& column = file_->columns()[index];
    Status s = parquet::CheckParquetColumn(column, layout_.types[c]);
    if (!s.ok()) return Status(s.code(), name() + ": " + s.message());
    field_of_[c] = static_cast<int>(options.columns.size());
    column_of_[c] = &column;
    options.columns.push_back(static_cast<int>(index));
  }
  if (options.columns.empty()) options.columns.push_back(0);  // rows without any column read

  // The rows' renderer: the CSV writer in the rows' dialect, flushing every row.
  TableSchema schema;
  for (size_t c = 0; c < columns; ++c) {
    Column col;
    col.name = "c" + std::to_string(c);
    col.type = layout_.types[c];
    schema.columns.push_back(std::move(col));
  }
  CsvOptions csv = layout_.csv;
  csv.header = false;
  csv.gzip = false;
  csv.buffer_bytes = 1;  // every row is flushed at once
  ASSIGN_OR_RETURN(csv_, NewCsvFileWriter(schema, OutputColumns{}, csv,
                                          std::make_unique<StringObjectWriter>(&rendered_)));
  values_.assign(columns, Value::Null());
  scratch_.assign(columns, std::string());
  return Status::Ok();
}

Status ParquetFileRowReader::Fetch(uint64_t offset, uint64_t length, std::string* out) {
  if (whole_.data() != nullptr) {  // Open and NextRowGroup keep within size_
    out->assign(whole_.substr(offset, length));
    return Status::Ok();
  }
  out->clear();  // keeps its capacity: the row groups of a file are read into one buffer
  RETURN_IF_ERROR(store_.AppendRange(object_, offset, length, out));
  bytes_read_ += out->size();
  if (out->size() != length) return Corruption(name() + " is shorter than its listed size");
  return Status::Ok();
}

Result<bool> ParquetFileRowReader::NextRowGroup() {
  reader_.reset();
  while (next_group_ < std::min(end_group_, file_->num_row_groups())) {
    const size_t g = next_group_++;
    if (file_->row_group_rows(g) == 0) continue;
    auto [offset, length] = file_->RowGroupRange(g);
    if (g == 0) {  // from the start: the magic too
      length += offset;
      offset = 0;
    }
    std::string_view bytes;
    if (whole_.data() != nullptr) {
      bytes = whole_.substr(offset, length);  // OpenTail checked the range
    } else {
      RETURN_IF_ERROR(Fetch(offset, length, &group_));
      bytes = group_;
    }
    if (g == 0 && bytes.compare(0, 4, "PAR1") != 0) {
      return Corruption(name() + ": parquet: no magic \"PAR1\" at the start of the file");
    }
    RETURN_IF_ERROR(file_->AttachRowGroup(g, bytes, offset));
    parquet::RowReaderOptions options = options_;
    options.row_group_begin = g;
    options.row_group_end = g + 1;
    ASSIGN_OR_RETURN(reader_, parquet::ParquetRowReader::Make(&*file_, std::move(options)));
    return true;
  }
  return false;
}

Result<bool> ParquetFileRowReader::Next() {
  if (!render_error_.ok()) return render_error_;
  // A file of a batch cut inside: only its first rows (FileRowLayout::max_rows).
  if (row_number_ >= layout_.max_rows) return false;
  if (!opened_) RETURN_IF_ERROR(Open());
  while (true) {
    if (!reader_) {
      ASSIGN_OR_RETURN(bool more, NextRowGroup());
      if (!more) return false;
    }
    Result<bool> more = reader_->Next();
    if (!more.ok()) return Status(more.status().code(), name() + ": " + more.status().message());
    if (*more) break;
    reader_.reset();
  }
  ++row_number_;
  RETURN_IF_ERROR(Convert());
  return true;
}

Status ParquetFileRowReader::Convert() {
  op_ = 'I';
  if (has_op_) {
    const parquet::Field f = reader_->field(0);
    if (f.null || f.bytes.size() != 1) return Bad("no Op value");
    op_ = f.bytes[0];
    if (op_ != 'I' && op_ != 'U' && op_ != 'D') {
      return Bad(std::string("unknown Op '") + op_ + "'");
    }
  }
  const RenderOptions& render = layout_.csv.render;
  for (size_t c = 0; c < values_.size(); ++c) {
    if (field_of_[c] < 0) {
      // A column the file lacks: its default (TablePlan::absent), or NULL.
      values_[c] = Value::Null();
      if (c < layout_.absent.size() && layout_.absent[c]) {
        Status s = ParseRenderedText(layout_.types[c], *layout_.absent[c], render, &values_[c],
                                     &scratch_[c]);
        if (!s.ok()) return Bad("column " + std::to_string(c) + ": " + s.message());
      }
      continue;
    }
    Status s =
        parquet::ParquetToValue(reader_->field(static_cast<size_t>(field_of_[c])), *column_of_[c],
                                layout_.types[c], render, &values_[c], &scratch_[c]);
    if (!s.ok()) return Bad("column " + column_of_[c]->name + ": " + s.message());
  }
  // The key, from each key column's text.
  key_.clear();
  for (size_t k = 0; k < layout_.key.size(); ++k) {
    const size_t c = static_cast<size_t>(layout_.key[k]);
    std::optional<std::string_view> text;
    if (!values_[c].is_null()) {
      key_text_.clear();
      AppendValueText(values_[c], layout_.types[c], render, &key_text_);
      text = key_text_;
    }
    Status s = encoder_.Append(k, text, &key_);
    if (!s.ok()) return Bad(s.message());
  }
  row_rendered_ = false;
  return Status::Ok();
}

std::string_view ParquetFileRowReader::row() const {
  if (row_rendered_) return row_;
  // The row, as the CSV writer writes it.
  row_rendered_ = true;
  rendered_.clear();
  row_ = std::string_view();
  Status s = csv_->Append(RowMeta{}, values_);
  const std::string& delimiter = layout_.csv.row_delimiter;
  if (s.ok() && rendered_.size() < delimiter.size()) s = Internal("the CSV writer wrote no row");
  if (!s.ok()) {
    render_error_ = Bad(s.message());
    return row_;
  }
  row_ = std::string_view(rendered_).substr(0, rendered_.size() - delimiter.size());
  return row_;
}

}  // namespace binlake
