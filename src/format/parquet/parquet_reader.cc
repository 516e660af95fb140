#include "format/parquet/parquet_reader.h"

#include <algorithm>
#include <cstring>

#include "format/parquet/column_state.h"

namespace binlake::parquet {

using column_detail::kMaxBatchRows;
using column_detail::Slot;
using column_detail::SlotOf;
using detail::Printable;

Field ColumnBatch::Get(size_t row) const {
  Field f;
  if (defined[row] == 0) return f;
  f.null = false;
  switch (SlotOf(type)) {
    case Slot::kInt:
      f.i = ints[row];
      break;
    case Slot::kDouble:
      f.d = doubles[row];
      break;
    case Slot::kBytes:
      f.bytes = bytes[row];
      break;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// ParquetRowReader

ParquetRowReader::ParquetRowReader(const ParquetFile* file) : file_(file) {}
ParquetRowReader::~ParquetRowReader() = default;

Result<std::unique_ptr<ParquetRowReader>> ParquetRowReader::Make(const ParquetFile* file,
                                                                 RowReaderOptions options) {
  if (file == nullptr) return InvalidArgument("parquet: a row reader needs a file");
  const auto& columns = file->columns();
  if (options.columns.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) options.columns.push_back(static_cast<int>(i));
  }
  if (options.columns.empty()) return InvalidArgument("parquet: the file has no columns");
  for (int c : options.columns) {
    if (c < 0 || static_cast<size_t>(c) >= columns.size()) {
      return InvalidArgument("parquet: no column " + std::to_string(c) + " (the file has " +
                             std::to_string(columns.size()) + ")");
    }
  }
  if (options.batch_rows == 0) return InvalidArgument("parquet: batch_rows must be at least 1");
  options.batch_rows = std::min(options.batch_rows, kMaxBatchRows);
  options.row_group_end = std::min(options.row_group_end, file->num_row_groups());
  options.row_group_begin = std::min(options.row_group_begin, options.row_group_end);

  std::unique_ptr<ParquetRowReader> r(new ParquetRowReader(file));
  for (int c : options.columns) {
    auto s = std::make_unique<ColumnState>();
    s->column = &columns[static_cast<size_t>(c)];
    s->name = Printable(s->column->name);
    s->type = s->column->type;
    s->slot = SlotOf(s->type);
    switch (s->type) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        s->width = 4;
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        s->width = 8;
        break;
      case PhysicalType::kInt96:
      case PhysicalType::kFixedLenByteArray:
        s->width = static_cast<size_t>(s->column->type_length);
        break;
      default:
        s->width = 0;
    }
    s->has_levels = s->column->optional;
    s->options = file->options();
    r->states_.push_back(std::move(s));
  }
  r->batches_.resize(options.columns.size());
  for (size_t i = 0; i < options.columns.size(); ++i) r->batches_[i].type = r->states_[i]->type;
  int64_t first = 0;
  for (size_t g = 0; g < options.row_group_begin; ++g) first += file->row_group_rows(g);
  r->next_row_ = first;
  r->next_row_group_ = options.row_group_begin;
  r->options_ = std::move(options);
  return r;
}

Status ParquetRowReader::Fail(Status s) {
  failed_ = s;
  batch_size_ = 0;
  return s;
}

Status ParquetRowReader::StartRowGroup(size_t g) {
  const RowGroup& rg = file_->metadata().row_groups[g];
  if (!file_->attached_[g]) {
    return InvalidArgument("parquet: row group " + std::to_string(g) +
                           " is not in memory (ParquetFile::AttachRowGroup)");
  }
  row_group_ = g;
  group_rows_left_ = rg.num_rows;
  in_row_group_ = true;
  for (size_t i = 0; i < states_.size(); ++i) {
    auto c = static_cast<size_t>(options_.columns[i]);
    const ColumnMetaData& meta = rg.columns[c].meta;
    // One decompressor per codec, shared by the columns (they decode one after the other).
    auto codec = static_cast<uint32_t>(meta.codec);
    Decompressor* d = nullptr;
    if (codec < std::size(decompressors_) && decompressors_[codec] != nullptr) {
      d = decompressors_[codec].get();
    } else if (meta.codec != Codec::kUncompressed) {
      auto made = Decompressor::Make(meta.codec);
      if (!made.ok()) {
        Status s = made.status();
        return Status(s.code(), "parquet: row group " + std::to_string(g) + ", column \"" +
                                    states_[i]->name + "\": " + s.message().substr(9));
      }
      d = made->get();
      decompressors_[codec] = std::move(made).value();  // codec < 8: Make knows no others
    }
    states_[i]->StartChunk(g, file_->chunks_[g][c], meta, d);
  }
  return Status::Ok();
}

Result<size_t> ParquetRowReader::NextBatch() {
  RETURN_IF_ERROR(failed_);
  next_row_in_batch_ = 0;
  while (!in_row_group_ || group_rows_left_ == 0) {
    if (next_row_group_ >= options_.row_group_end) {
      batch_size_ = 0;
      return size_t{0};
    }
    Status s = StartRowGroup(next_row_group_++);
    if (!s.ok()) return Fail(s);
  }
  size_t n = static_cast<size_t>(
      std::min<int64_t>(static_cast<int64_t>(options_.batch_rows), group_rows_left_));
  for (size_t i = 0; i < states_.size(); ++i) {
    Status s = states_[i]->Read(n, &batches_[i]);
    if (!s.ok()) return Fail(s);
  }
  group_rows_left_ -= static_cast<int64_t>(n);
  batch_first_row_ = next_row_;
  next_row_ += static_cast<int64_t>(n);
  batch_size_ = n;
  return n;
}

Result<bool> ParquetRowReader::Next() {
  if (next_row_in_batch_ >= batch_size_) {
    ASSIGN_OR_RETURN(size_t n, NextBatch());
    if (n == 0) return false;
  }
  row_in_batch_ = next_row_in_batch_++;
  return true;
}

}  // namespace binlake::parquet
