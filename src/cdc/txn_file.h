// The CDC_TXN file of PreserveTransactions=true (docs/DMS-S3-COMPAT.md §1.3): every selected
// table's changes in commit order in one CSV file per batch, one row per change:
//
//   op,table_name,schema_name[,timestamp][,sequence],col1,col2,...
//
// Rows of different tables have different widths. DMS documents the first three fields only; the
// TimestampColumnName and sequence values, when configured, follow them (binlake's choice; DMS
// does not say where it puts them). The Op field is always written: it is part of the layout.
// Always CSV, whatever DataFormat says; gzip'd as one stream with CompressionType=GZIP.
// Values use the one text rendering (common/render_text.h) and the CSV rules of
// format/csv/csv_writer.h (CsvDelimiter, CsvRowDelimiter, CsvNullValue, Rfc4180 quoting).
//
// Memory: one write buffer of CsvOptions::buffer_bytes; rows stream into the object.
// Thread-safety: one thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "format/csv/csv_writer.h"
#include "store/object_store.h"

namespace binlake {

class CdcTxnCsvFile {
 public:
  // Takes `sink` (wrapped in gzip when options.gzip). options.header is ignored (DMS forbids
  // AddColumnName with PreserveTransactions).
  static Result<std::unique_ptr<CdcTxnCsvFile>> Make(const CsvOptions& options,
                                                     std::unique_ptr<ObjectWriter> sink);
  ~CdcTxnCsvFile();

  // One change of `table`; `timestamp` / `sequence` are written when their flag is set.
  Status Append(char op, const TableSchema& table, bool with_timestamp, std::string_view timestamp,
                bool with_sequence, std::string_view sequence, std::span<const Value> values);
  uint64_t EstimatedSize() const { return flushed_ + buf_.size(); }
  uint64_t rows() const { return rows_; }
  // As RowFileWriter: Prepare (two-phase) then Finish (publish), or Abort.
  Result<std::string> Prepare();
  Status Finish();
  void Abort();

 private:
  CdcTxnCsvFile(const CsvOptions& options, std::unique_ptr<ObjectWriter> sink)
      : options_(options), sink_(std::move(sink)) {}
  void AppendField(std::string_view text);  // a rendered, non-NULL value with quoting
  void AppendValue(const Value& v, const ColumnType& type);
  bool NeedsQuoting(std::string_view field) const;
  Status Flush();

  enum class State { kOpen, kPrepared, kDone };
  const CsvOptions options_;
  std::unique_ptr<ObjectWriter> sink_;
  std::string buf_;
  std::string field_;  // scratch for one rendered value
  uint64_t flushed_ = 0;
  uint64_t rows_ = 0;
  State state_ = State::kOpen;
};

}  // namespace binlake
