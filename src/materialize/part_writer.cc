#include "materialize/part_writer.h"

#include <algorithm>

#include "common/string_object_writer.h"

namespace binlake {
namespace {

constexpr size_t kFlushBytes = 1u << 20;

}  // namespace

Status ScanPartRow(const CsvFieldScanner& scanner, std::string_view row, size_t columns,
                   std::vector<CsvField>* fields) {
  std::string_view record;
  size_t consumed = 0;
  RETURN_IF_ERROR(scanner.Next(row, true, fields, &record, &consumed).status());
  if (fields->size() != columns) {
    return Corruption("a row of " + std::to_string(fields->size()) + " fields for " +
                      std::to_string(columns) + " columns");
  }
  return Status::Ok();
}

Result<std::string> CsvHeaderRow(const TableSchema& table, const CsvOptions& dialect) {
  CsvOptions options = dialect;
  options.header = true;
  options.gzip = false;
  std::string header;
  ASSIGN_OR_RETURN(std::unique_ptr<RowFileWriter> writer,
                   NewCsvFileWriter(table, OutputColumns{}, options,
                                    std::make_unique<StringObjectWriter>(&header)));
  RETURN_IF_ERROR(writer->Finish());
  return header;
}

PartSize PartSize::ForTable(uint64_t max_bytes, uint64_t table_rows, uint64_t parts) {
  PartSize size;
  size.max_bytes = max_bytes;
  size.min_bytes = std::min(size.min_bytes, max_bytes);
  if (parts > 0) size.rows = std::max<uint64_t>(1, (table_rows + parts - 1) / parts);
  return size;
}

PartWriter::PartWriter(ObjectStore& output, std::string header, std::string row_delimiter,
                       PartSize size, std::function<std::string()> next_part_name)
    : output_(output),
      header_(std::move(header)),
      row_delimiter_(std::move(row_delimiter)),
      size_(size),
      next_part_name_(std::move(next_part_name)) {}

PartWriter::~PartWriter() {
  if (writer_) writer_->Abort();
}

Status PartWriter::Open() {
  current_ = PartInfo{};
  current_.file = next_part_name_();
  PutOptions create;
  create.if_none_match = true;
  create.content_type = "text/csv";
  ASSIGN_OR_RETURN(writer_, output_.NewWriter(current_.file, create));
  created_.push_back(current_.file);
  buffer_ = header_;
  current_.bytes = header_.size();
  marks_.clear();
  return Status::Ok();
}

void PartWriter::Mark(std::string_view key) {
  marks_.push_back({current_.bytes, current_.rows, std::string(key),
                    current_.rows == 0 ? std::string() : current_.last_key});
  last_mark_ = current_.bytes;
}

Status PartWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status s = writer_->Write(buffer_);
  buffer_.clear();
  return s.WithContext("writing " + output_.Describe() + "/" + current_.file);
}

Status PartWriter::Close() {
  RETURN_IF_ERROR(Flush());
  Status s = writer_->Close();
  writer_.reset();
  RETURN_IF_ERROR(s.WithContext("writing " + output_.Describe() + "/" + current_.file));
  created_.push_back(PartMarksKey(current_.file));
  RETURN_IF_ERROR(PutPartMarks(output_, current_.file, marks_));
  parts_.push_back(std::move(current_));
  current_ = PartInfo{};
  return Status::Ok();
}

Status PartWriter::Row(std::string_view key, std::string_view row) {
  if (writer_ && size_.Full(current_.bytes, current_.rows)) RETURN_IF_ERROR(Close());
  if (!writer_) RETURN_IF_ERROR(Open());
  if (current_.rows == 0) current_.first_key.assign(key);
  // A mark every kPartMarkBytes, never between two rows of one key (a table without a key).
  if (current_.rows == 0 ||
      (current_.bytes - last_mark_ >= kPartMarkBytes && key != current_.last_key)) {
    Mark(key);
  }
  current_.last_key.assign(key);
  ++current_.rows;
  buffer_.append(row);
  buffer_.append(row_delimiter_);
  current_.bytes += row.size() + row_delimiter_.size();
  if (buffer_.size() >= kFlushBytes) RETURN_IF_ERROR(Flush());
  return Status::Ok();
}

Status PartWriter::CopyRows(const PartRows& rows) {
  const std::span<const PartMark> marks = rows.marks;
  auto end_of = [&](size_t i) {
    return i + 1 < marks.size() ? marks[i + 1].offset : rows.end_offset;
  };
  size_t i = 0;
  while (i < marks.size()) {
    if (writer_ && size_.Full(current_.bytes, current_.rows)) RETURN_IF_ERROR(Close());
    if (!writer_) RETURN_IF_ERROR(Open());
    // The stretches from mark i on that fit this part, as one span of bytes.
    const uint64_t begin = marks[i].offset;
    do {
      const PartMark& m = marks[i];
      if (current_.rows == 0) current_.first_key = m.key;
      Mark(m.key);
      const bool last = i + 1 == marks.size();
      current_.bytes += end_of(i) - m.offset;
      current_.rows += (last ? rows.end_row : marks[i + 1].row) - m.row;
      current_.last_key.assign(last ? rows.last_key : std::string_view(marks[i + 1].previous_key));
      ++i;
    } while (i < marks.size() && !size_.Full(current_.bytes, current_.rows));
    const uint64_t length = end_of(i - 1) - begin;
    const std::string where = "writing " + output_.Describe() + "/" + current_.file;
    if (rows.part.empty()) {
      RETURN_IF_ERROR(Flush());
      RETURN_IF_ERROR(rows.source->CopyRange(begin, length, writer_.get()).WithContext(where));
    } else if (buffer_.size() + length < kFlushBytes) {
      buffer_.append(rows.part.substr(begin, length));
    } else {
      RETURN_IF_ERROR(Flush());
      RETURN_IF_ERROR(writer_->Write(rows.part.substr(begin, length)).WithContext(where));
    }
  }
  return Status::Ok();
}

Result<std::vector<PartInfo>> PartWriter::Finish() {
  if (writer_) RETURN_IF_ERROR(Close());
  // The buffer's memory goes back now: an advance keeps a finished writer per unit (to delete
  // its parts should a later unit fail), and the next writer reuses this memory.
  std::string().swap(buffer_);
  return parts_;
}

void PartWriter::Discard() {
  if (writer_) {
    writer_->Abort();
    writer_.reset();
  }
  for (const std::string& key : created_) (void)output_.Delete(key);
  created_.clear();
  parts_.clear();
}

}  // namespace binlake
