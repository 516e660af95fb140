// RowFileWriter: one output data file (a LOAD or CDC file) in one data format (CSV, Parquet),
// written row by row into an ObjectWriter. The table's columns come from its TableSchema; the
// extra columns (DMS's Op and TimestampColumnName, binlake's CDC sequence column) are described by
// OutputColumns.
//
// Lifecycle: Create -> Append* -> Finish (the file is complete and its object visible) or Abort.
// Memory: bounded by the format's buffer (CSV: a write buffer; Parquet: one row group).
// Thread-safety: one thread per writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "common/object_writer.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"

namespace binlake {

// Extra, non-table columns written before the table's columns, in this order:
//   Op (when include_op), then the TimestampColumnName column (when non-empty), then the CDC
//   sequence column (when non-empty). Each extra column is a string (Parquet: STRING).
struct OutputColumns {
  bool include_op = false;
  std::string timestamp_column_name;  // empty = no timestamp column
  std::string sequence_column_name;   // binlake CdcSequenceColumnName; empty = no such column
};

// Per-row values for the extra columns.
struct RowMeta {
  char op = 'I';               // 'I', 'U' or 'D'; written only when include_op
  std::string_view timestamp;  // "yyyy-MM-dd HH:mm:ss.SSSSSS"; written when the column exists
  std::string_view sequence;   // the row's change sequence; written when the column exists
};

class RowFileWriter {
 public:
  virtual ~RowFileWriter() = default;
  // `values` has one entry per column of the schema, in schema order.
  virtual Status Append(const RowMeta& meta, std::span<const Value> values) = 0;
  // Bytes handed to the object so far plus buffered bytes (uncompressed), for MaxFileSize.
  virtual uint64_t EstimatedSize() const = 0;
  // Where the next row will begin in the stored object, when the format can say so exactly (an
  // uncompressed CSV file: its bytes are the object's); nullopt otherwise (gzip, Parquet).
  // A reader may start at such an offset (lake/file_rows.h FileRowLayout::begin).
  virtual std::optional<uint64_t> NextRowOffset() const { return std::nullopt; }
  virtual uint64_t rows() const = 0;
  // Flushes, writes any footer and closes the object (making it visible).
  virtual Status Finish() = 0;
  // Two-phase alternative to Finish, for the CDC commit protocol: writes everything (footer
  // included) and prepares the object (ObjectWriter::Prepare) without making it visible; returns
  // the object's publication token. Afterwards Finish publishes it, Abort discards it.
  virtual Result<std::string> Prepare() = 0;
  virtual void Abort() = 0;
};

// Creates the writer of one file of `schema` streaming into `sink` (taking ownership).
using RowFileWriterFactory = std::function<Result<std::unique_ptr<RowFileWriter>>(
    const TableSchema&, const OutputColumns&, std::unique_ptr<ObjectWriter>)>;

}  // namespace binlake
