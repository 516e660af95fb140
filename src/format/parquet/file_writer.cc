#include "format/parquet/file_writer.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace binlake::parquet {

// Page sizes are i32 in parquet.thrift; one value must leave room for the rest of its page.
constexpr size_t kMaxValueBytes = size_t{1} << 30;

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Make(
    const TableSchema& schema, const OutputColumns& extra, const ParquetWriterOptions& options,
    std::unique_ptr<ObjectWriter> sink) {
  if (sink == nullptr) return InvalidArgument("Parquet writer needs a sink");
  std::unique_ptr<ParquetFileWriter> w(new ParquetFileWriter());
  w->options_ = options;
  w->sink_ = std::move(sink);
  ASSIGN_OR_RETURN(w->compressor_, Compressor::Make(options.codec, options.compression_level));

  MappingOptions mapping;
  mapping.version_2 = options.version == ParquetVersion::k2_0;
  mapping.timestamp_millis = options.timestamp_in_millis;
  w->include_op_ = extra.include_op;
  w->include_timestamp_ = !extra.timestamp_column_name.empty();
  w->include_sequence_ = !extra.sequence_column_name.empty();
  if (w->include_op_) w->specs_.push_back(StringColumn("Op"));
  if (w->include_timestamp_) w->specs_.push_back(StringColumn(extra.timestamp_column_name));
  if (w->include_sequence_) w->specs_.push_back(StringColumn(extra.sequence_column_name));
  w->num_extra_ = w->specs_.size();
  for (const Column& c : schema.columns) {
    w->specs_.push_back(MapColumn(c, mapping));
    w->types_.push_back(c.type);
  }
  std::set<std::string> names;
  for (const ColumnSpec& s : w->specs_) {
    if (!names.insert(s.element.name).second) {
      return InvalidArgument("table " + schema.schema + "." + schema.table +
                             ": two Parquet columns would be named \"" + s.element.name + "\"");
    }
  }

  // Schema: the root group, then one OPTIONAL leaf per output column.
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(w->specs_.size());
  w->meta_.schema.push_back(root);
  w->meta_.version = mapping.version_2 ? 2 : 1;
  w->meta_.created_by = options.created_by;

  for (const ColumnSpec& s : w->specs_) {
    w->meta_.schema.push_back(s.element);
    ColumnChunkOptions c;
    c.type = *s.element.type;
    c.type_length = s.element.type_length;
    c.sort_order = s.sort_order;
    c.name = s.element.name;
    c.dictionary = options.encoding != ParquetEncoding::kPlain;
    if (options.encoding == ParquetEncoding::kPlainDictionary) {
      c.dictionary_data_encoding = Encoding::kPlainDictionary;
      c.dictionary_page_encoding = Encoding::kPlainDictionary;
    }
    c.data_page_v2 = mapping.version_2;
    c.codec = options.codec;
    c.data_page_size = options.data_page_size;
    c.dictionary_page_size_limit = options.dict_page_size_limit;
    c.statistics = options.enable_statistics;
    w->columns_.push_back(std::make_unique<ColumnChunkWriter>(c, w->compressor_.get()));
  }
  w->cells_.resize(w->specs_.size());
  w->scratch_.resize(w->specs_.size());
  RETURN_IF_ERROR(w->Write(kMagic));
  return w;
}

ParquetFileWriter::~ParquetFileWriter() {
  if (open_ && !prepared_) Abort();  // a prepared object is left for its publisher
}

Status ParquetFileWriter::Write(std::string_view bytes) {
  Status s = sink_->Write(bytes);
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status ParquetFileWriter::Append(const RowMeta& meta, std::span<const Value> values) {
  if (!open_) return Internal("Parquet writer used after Finish/Abort");
  RETURN_IF_ERROR(failed_);
  if (values.size() != types_.size()) {
    return InvalidArgument("Parquet row has " + std::to_string(values.size()) + " values for " +
                           std::to_string(types_.size()) + " columns");
  }
  // Convert the whole row first: a value that cannot be written leaves no partial row behind.
  for (size_t i = 0; i < values.size(); ++i) {
    size_t k = num_extra_ + i;
    RETURN_IF_ERROR(
        ConvertValue(values[i], specs_[k], types_[i], options_.render, &scratch_[k], &cells_[k]));
    if (cells_[k].kind == Cell::Kind::kBytes && cells_[k].bytes.size() > kMaxValueBytes) {
      return InvalidArgument("column " + specs_[k].element.name + ": a value of " +
                             std::to_string(cells_[k].bytes.size()) +
                             " bytes does not fit a Parquet page (at most 1 GiB)");
    }
  }
  size_t k = 0;
  if (include_op_) columns_[k++]->AddBytes(std::string_view(&meta.op, 1));
  if (include_timestamp_) columns_[k++]->AddBytes(meta.timestamp);
  if (include_sequence_) columns_[k++]->AddBytes(meta.sequence);
  for (; k < columns_.size(); ++k) {
    const Cell& c = cells_[k];
    ColumnChunkWriter& col = *columns_[k];
    switch (c.kind) {
      case Cell::Kind::kNull:
        col.AddNull();
        break;
      case Cell::Kind::kInt:
        if (specs_[k].element.type == PhysicalType::kInt32) {
          col.AddInt32(static_cast<int32_t>(c.i));
        } else {
          col.AddInt64(c.i);
        }
        break;
      case Cell::Kind::kFloat:
        col.AddFloat(static_cast<float>(c.d));
        break;
      case Cell::Kind::kDouble:
        col.AddDouble(c.d);
        break;
      case Cell::Kind::kBytes:
        col.AddBytes(c.bytes);
        break;
    }
  }
  ++rows_;
  ++rows_in_group_;
  if (rows_in_group_ >= options_.row_group_length ||
      BufferedBytes() >= options_.row_group_max_bytes) {
    return FlushRowGroup();
  }
  return Status::Ok();
}

Status ParquetFileWriter::FlushRowGroup() {
  RowGroup rg;
  rg.num_rows = static_cast<int64_t>(rows_in_group_);
  rg.file_offset = offset_;
  rg.ordinal = static_cast<int16_t>(meta_.row_groups.size());
  for (auto& column : columns_) {
    ColumnChunk chunk;
    Status s = column->Flush(offset_, sink_.get(), &chunk);
    if (!s.ok()) {
      failed_ = s;
      return s;
    }
    offset_ += chunk.meta.total_compressed_size;
    rg.total_byte_size += chunk.meta.total_uncompressed_size;
    rg.total_compressed_size += chunk.meta.total_compressed_size;
    rg.columns.push_back(std::move(chunk));
  }
  meta_.row_groups.push_back(std::move(rg));
  rows_in_group_ = 0;
  return Status::Ok();
}

bool ParquetFileWriter::SameSchema(const FileMetaData& other) const {
  FileMetaData mine, theirs;
  mine.schema = meta_.schema;
  theirs.schema = other.schema;
  std::string a, b;
  SerializeFileMetaData(mine, &a);
  SerializeFileMetaData(theirs, &b);
  return a == b;
}

Status ParquetFileWriter::AppendRowGroups(std::span<const RowGroup> groups, uint64_t source_offset,
                                          uint64_t length,
                                          const std::function<Status(ObjectWriter*)>& copy) {
  if (!open_ || prepared_) return Internal("Parquet writer used after Finish/Abort");
  RETURN_IF_ERROR(failed_);
  const uint64_t end = source_offset + length;
  for (const RowGroup& g : groups) {
    if (g.columns.size() != columns_.size()) {
      return InvalidArgument("parquet: a row group of " + std::to_string(g.columns.size()) +
                             " columns copied into a file of " + std::to_string(columns_.size()));
    }
    for (size_t c = 0; c < g.columns.size(); ++c) {
      const ColumnMetaData& m = g.columns[c].meta;
      const uint64_t first = static_cast<uint64_t>(
          m.dictionary_page_offset ? std::min(*m.dictionary_page_offset, m.data_page_offset)
                                   : m.data_page_offset);
      if (m.type != *specs_[c].element.type || !g.columns[c].file_path.empty() ||
          m.data_page_offset < 0 || (m.dictionary_page_offset && *m.dictionary_page_offset < 0) ||
          m.total_compressed_size < 0 || first < source_offset ||
          first + static_cast<uint64_t>(m.total_compressed_size) > end) {
        return InvalidArgument("parquet: column " + std::to_string(c) +
                               " of a copied row group does not fit the bytes copied");
      }
    }
  }
  if (rows_in_group_ > 0) RETURN_IF_ERROR(FlushRowGroup());
  const int64_t shift = offset_ - static_cast<int64_t>(source_offset);
  Status s = copy(sink_.get());
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  offset_ += static_cast<int64_t>(length);
  for (RowGroup g : groups) {
    g.file_offset += shift;
    g.ordinal = static_cast<int16_t>(meta_.row_groups.size());
    for (ColumnChunk& chunk : g.columns) {
      chunk.file_offset += shift;
      chunk.meta.data_page_offset += shift;
      if (chunk.meta.dictionary_page_offset) *chunk.meta.dictionary_page_offset += shift;
    }
    rows_ += static_cast<uint64_t>(g.num_rows);
    meta_.row_groups.push_back(std::move(g));
  }
  return Status::Ok();
}

uint64_t ParquetFileWriter::BufferedBytes() const {
  uint64_t total = 0;
  for (const auto& c : columns_) total += c->BufferedBytes();
  return total;
}

uint64_t ParquetFileWriter::EstimatedSize() const {
  uint64_t total = static_cast<uint64_t>(offset_);
  for (const auto& c : columns_) total += c->EstimatedUncompressedBytes();
  return total;
}

Status ParquetFileWriter::Finish() {
  if (!open_) return Internal("Parquet writer finished twice");
  if (!prepared_) RETURN_IF_ERROR(WriteFooter());
  open_ = false;
  return sink_->Close();
}

Result<std::string> ParquetFileWriter::Prepare() {
  if (!open_ || prepared_) return Internal("Parquet writer prepared twice or after Finish");
  RETURN_IF_ERROR(WriteFooter());
  prepared_ = true;
  return sink_->Prepare();
}

Status ParquetFileWriter::WriteFooter() {
  RETURN_IF_ERROR(failed_);
  if (rows_in_group_ > 0) RETURN_IF_ERROR(FlushRowGroup());
  meta_.num_rows = static_cast<int64_t>(rows_);
  // Footer: FileMetaData, its length (4 bytes LE), the magic.
  std::string footer;
  SerializeFileMetaData(meta_, &footer);
  uint32_t length = static_cast<uint32_t>(footer.size());
  char le[4];
  std::memcpy(le, &length, 4);
  footer.append(le, 4);
  footer.append(kMagic);
  return Write(footer);
}

void ParquetFileWriter::Abort() {
  if (!open_) return;
  open_ = false;
  sink_->Abort();
}

}  // namespace binlake::parquet

namespace binlake {

Result<std::unique_ptr<RowFileWriter>> NewParquetFileWriter(const TableSchema& schema,
                                                            const OutputColumns& extra,
                                                            const ParquetWriterOptions& options,
                                                            std::unique_ptr<ObjectWriter> sink) {
  ASSIGN_OR_RETURN(auto writer,
                   parquet::ParquetFileWriter::Make(schema, extra, options, std::move(sink)));
  return std::unique_ptr<RowFileWriter>(std::move(writer));
}

}  // namespace binlake
