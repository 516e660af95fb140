#include "materialize/parquet_part_writer.h"

#include "common/parse_rendered_text.h"
#include "common/string_object_writer.h"

namespace binlake {

ParquetPartWriter::ParquetPartWriter(ObjectStore& output, TableSchema table,
                                     const CsvOptions& dialect, ParquetWriterOptions parquet,
                                     PartSize size, std::function<std::string()> next_part_name)
    : output_(output),
      table_(std::move(table)),
      dialect_(dialect),
      scanner_(dialect),
      parquet_(std::move(parquet)),
      size_(size),
      next_part_name_(std::move(next_part_name)) {
  const size_t n = table_.columns.size();
  values_.resize(n);
  scratch_.resize(n);
  unquoted_.resize(n);
}

ParquetPartWriter::~ParquetPartWriter() {
  if (writer_) writer_->Abort();
}

Status ParquetPartWriter::Open() {
  current_ = PartInfo{};
  current_.file = next_part_name_();
  PutOptions create;
  create.if_none_match = true;
  create.content_type = "application/vnd.apache.parquet";
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> sink, output_.NewWriter(current_.file, create));
  created_.push_back(current_.file);
  ASSIGN_OR_RETURN(writer_, parquet::ParquetFileWriter::Make(table_, OutputColumns{}, parquet_,
                                                             std::move(sink)));
  marks_.clear();
  return Status::Ok();
}

void ParquetPartWriter::Mark(uint64_t offset, std::string_view key) {
  marks_.push_back({offset, current_.rows, std::string(key),
                    current_.rows == 0 ? std::string() : current_.last_key});
}

Result<bool> ParquetPartWriter::CanCopyFrom(const parquet::FileMetaData& footer) {
  // The schema is the same for every part: a writer made once (never finished) holds it.
  if (!schema_probe_) {
    ASSIGN_OR_RETURN(schema_probe_, parquet::ParquetFileWriter::Make(
                                        table_, OutputColumns{}, parquet_,
                                        std::make_unique<StringObjectWriter>(&probe_bytes_)));
  }
  return schema_probe_->SameSchema(footer);
}

Status ParquetPartWriter::Close() {
  Status s = writer_->Finish();
  current_.bytes = writer_->EstimatedSize();
  writer_.reset();
  RETURN_IF_ERROR(s.WithContext("writing " + output_.Describe() + "/" + current_.file));
  created_.push_back(PartMarksKey(current_.file));
  RETURN_IF_ERROR(PutPartMarks(output_, current_.file, marks_));
  parts_.push_back(std::move(current_));
  current_ = PartInfo{};
  return Status::Ok();
}

Status ParquetPartWriter::Row(std::string_view key, std::string_view row) {
  RETURN_IF_ERROR(ScanPartRow(scanner_, row, table_.columns.size(), &fields_));
  for (size_t c = 0; c < fields_.size(); ++c) {
    if (scanner_.IsNull(fields_[c])) {
      values_[c] = Value::Null();
      continue;
    }
    std::string_view text = scanner_.Text(fields_[c], &unquoted_[c]);
    RETURN_IF_ERROR(
        ParseRenderedText(table_.columns[c].type, text, dialect_.render, &values_[c], &scratch_[c])
            .WithContext(table_.columns[c].name));
  }
  return Append(key, values_);
}

Status ParquetPartWriter::RowOf(const SortedRows& rows) {
  const std::vector<Value>* values = rows.values();
  if (values == nullptr || values->size() != table_.columns.size()) {
    return Row(rows.key(), rows.row());
  }
  return Append(rows.key(), *values);
}

Status ParquetPartWriter::Append(std::string_view key, const std::vector<Value>& values) {
  if (writer_ && size_.Full(writer_->EstimatedSize(), current_.rows)) RETURN_IF_ERROR(Close());
  if (!writer_) RETURN_IF_ERROR(Open());
  if (current_.rows == 0) current_.first_key.assign(key);
  // A mark at the start of each row group, unless it falls between two rows of one key.
  if (writer_->AtRowGroupStart() && (current_.rows == 0 || key != current_.last_key)) {
    Mark(writer_->offset(), key);
  }
  RETURN_IF_ERROR(writer_->Append(RowMeta{}, values));
  current_.last_key.assign(key);
  ++current_.rows;
  return Status::Ok();
}

Status ParquetPartWriter::CopyRowGroups(const RowGroupStretch& stretch) {
  if (writer_ && size_.Full(writer_->EstimatedSize(), current_.rows)) RETURN_IF_ERROR(Close());
  if (!writer_) RETURN_IF_ERROR(Open());
  auto copy = [&](ObjectWriter* sink) {
    if (stretch.part.empty()) return stretch.source->CopyRange(stretch.begin, stretch.length, sink);
    return sink->Write(stretch.part.substr(stretch.begin, stretch.length));
  };
  RETURN_IF_ERROR(writer_->AppendRowGroups(stretch.groups, stretch.begin, stretch.length, copy)
                      .WithContext("writing " + output_.Describe() + "/" + current_.file));
  if (current_.rows == 0) current_.first_key.assign(stretch.first_key);
  Mark(writer_->offset() - stretch.length, stretch.first_key);
  current_.rows += stretch.rows;
  current_.last_key.assign(stretch.last_key);
  return Status::Ok();
}

Result<std::vector<PartInfo>> ParquetPartWriter::Finish() {
  if (writer_) RETURN_IF_ERROR(Close());
  return parts_;
}

void ParquetPartWriter::Discard() {
  if (writer_) {
    writer_->Abort();
    writer_.reset();
  }
  for (const std::string& key : created_) (void)output_.Delete(key);
  created_.clear();
  parts_.clear();
}

}  // namespace binlake
