#include "cdc/txn_file.h"

#include "common/render_text.h"
#include "format/csv/gzip_writer.h"

namespace binlake {

Result<std::unique_ptr<CdcTxnCsvFile>> CdcTxnCsvFile::Make(const CsvOptions& options,
                                                           std::unique_ptr<ObjectWriter> sink) {
  if (sink == nullptr) return InvalidArgument("CDC_TXN file: no object writer");
  if (options.delimiter.empty() || options.row_delimiter.empty()) {
    return InvalidArgument("CDC_TXN file: CsvDelimiter and CsvRowDelimiter must not be empty");
  }
  if (options.gzip) {
    ASSIGN_OR_RETURN(sink, NewGzipObjectWriter(std::move(sink), options.gzip_level));
  }
  return std::unique_ptr<CdcTxnCsvFile>(new CdcTxnCsvFile(options, std::move(sink)));
}

CdcTxnCsvFile::~CdcTxnCsvFile() {
  if (state_ == State::kOpen) Abort();  // a prepared object is left for its publisher
}

bool CdcTxnCsvFile::NeedsQuoting(std::string_view f) const {
  if (!options_.null_value.empty() && f == options_.null_value) return true;
  return f.find_first_of("\"\r\n") != std::string_view::npos ||
         f.find(options_.delimiter) != std::string_view::npos ||
         f.find(options_.row_delimiter) != std::string_view::npos;
}

void CdcTxnCsvFile::AppendField(std::string_view f) {
  if (!options_.rfc4180) {
    buf_.append(f);
    return;
  }
  if (f.empty()) {
    if (options_.null_value.empty()) buf_.append("\"\"");  // empty string, distinct from NULL
    return;
  }
  if (!NeedsQuoting(f)) {
    buf_.append(f);
    return;
  }
  buf_.push_back('"');
  for (char c : f) {
    if (c == '"') buf_.push_back('"');
    buf_.push_back(c);
  }
  buf_.push_back('"');
}

void CdcTxnCsvFile::AppendValue(const Value& v, const ColumnType& type) {
  if (v.is_null()) {
    buf_.append(options_.null_value);
    return;
  }
  field_.clear();
  AppendValueText(v, type, options_.render, &field_);
  AppendField(field_);
}

Status CdcTxnCsvFile::Append(char op, const TableSchema& table, bool with_timestamp,
                             std::string_view timestamp, bool with_sequence,
                             std::string_view sequence, std::span<const Value> values) {
  if (state_ != State::kOpen) return Internal("CDC_TXN file: Append after Prepare or Abort");
  if (op != 'I' && op != 'U' && op != 'D') return InvalidArgument("CDC_TXN: Op must be I, U or D");
  if (values.size() != table.columns.size()) {
    return InvalidArgument("CDC_TXN file: a row of " + table.schema + "." + table.table + " has " +
                           std::to_string(values.size()) + " values for " +
                           std::to_string(table.columns.size()) + " columns");
  }
  const std::string& d = options_.delimiter;
  buf_.push_back(op);
  buf_.append(d);
  AppendField(table.table);
  buf_.append(d);
  AppendField(table.schema);
  if (with_timestamp) {
    buf_.append(d);
    AppendField(timestamp);
  }
  if (with_sequence) {
    buf_.append(d);
    AppendField(sequence);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    buf_.append(d);
    AppendValue(values[i], table.columns[i].type);
  }
  buf_.append(options_.row_delimiter);
  ++rows_;
  if (buf_.size() >= options_.buffer_bytes) return Flush();
  return Status::Ok();
}

Status CdcTxnCsvFile::Flush() {
  if (buf_.empty()) return Status::Ok();
  Status s = sink_->Write(buf_);
  if (!s.ok()) {
    Abort();
    return s;
  }
  flushed_ += buf_.size();
  buf_.clear();
  return Status::Ok();
}

Result<std::string> CdcTxnCsvFile::Prepare() {
  if (state_ != State::kOpen) return Internal("CDC_TXN file: Prepare twice or after Abort");
  RETURN_IF_ERROR(Flush());
  state_ = State::kPrepared;
  return sink_->Prepare();
}

Status CdcTxnCsvFile::Finish() {
  if (state_ == State::kDone) return Internal("CDC_TXN file: Finish after Finish or Abort");
  if (state_ == State::kOpen) RETURN_IF_ERROR(Flush());
  state_ = State::kDone;
  return sink_->Close();
}

void CdcTxnCsvFile::Abort() {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  sink_->Abort();
}

}  // namespace binlake
