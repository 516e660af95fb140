// The CSV RowFileWriter: DMS-compatible CSV (docs/DMS-S3-COMPAT.md §2.1-2.3), written for the full
// load's hot path. The rules, for users, are in README.md next to this file:
//
//   - Columns: Op (when OutputColumns::include_op), then the TimestampColumnName column (when
//     set), then the CDC sequence column (when set), then the table's columns in schema order.
//   - Header (AddColumnName): one row with exactly those column names, "Op" for the Op column,
//     quoted by the same rules as values. Written at the start of every file.
//   - Values: common/render_text.h (AppendValueText), the one text rendering.
//   - NULL: CsvNullValue, written as-is and never quoted (default: the empty field).
//   - Rfc4180=true: a field is wrapped in '"' (inner '"' doubled) when it contains '"', CR, LF,
//     the delimiter or the row delimiter, or equals a non-empty CsvNullValue (so NULL and the
//     string "NULL" stay distinct). An empty string is written as "" when CsvNullValue is empty
//     (so it differs from NULL), and as an empty field otherwise.
//   - Rfc4180=false: values are written exactly as rendered, never quoted (as DMS does; a
//     delimiter inside a value then breaks the row, and with an empty CsvNullValue an empty
//     string is indistinguishable from NULL).
//   - Other bytes (including NUL and invalid UTF-8 in binary-collated strings) are copied as-is.
//   - CompressionType=GZIP: the object is one gzip stream (gzip_writer.h).
//
// Performance: rows are rendered straight into one buffer (no per-value allocation once the
// buffer and a quoting scratch string have grown), which is handed to the ObjectWriter in
// chunks of about `buffer_bytes`.
#pragma once

#include <memory>
#include <string>

#include "common/object_writer.h"
#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "format/row_file_writer.h"

namespace binlake {

struct CsvOptions {
  std::string delimiter = ",";       // CsvDelimiter; non-empty
  std::string row_delimiter = "\n";  // CsvRowDelimiter; non-empty
  std::string null_value;            // CsvNullValue
  bool rfc4180 = true;               // Rfc4180
  bool header = false;               // AddColumnName
  RenderOptions render;              // BinaryEncoding
  bool gzip = false;                 // CompressionType=GZIP
  int gzip_level = 0;                // CompressionLevel; 0 = kDefaultGzipLevel
  // Flush threshold (uncompressed bytes). Small enough to stay in the CPU cache and to fault
  // in few pages (a CDC batch opens a writer per table: 1 MiB buffers were ~1,300 of a 4-table
  // catch-up's 3,400 page faults); a local writer passes chunks this size to write(2) as is.
  size_t buffer_bytes = 128u << 10;
};

// Creates a writer that streams one CSV file into `sink` (taking ownership; wrapped in a gzip
// writer when options.gzip). Finish() closes `sink`; Abort() or destroying an unfinished writer
// aborts it. EstimatedSize() counts uncompressed CSV bytes (for MaxFileSize).
// Errors: kInvalidArgument for empty delimiters or a null value containing a delimiter.
Result<std::unique_ptr<RowFileWriter>> NewCsvFileWriter(const TableSchema& schema,
                                                        const OutputColumns& columns,
                                                        const CsvOptions& options,
                                                        std::unique_ptr<ObjectWriter> sink);

}  // namespace binlake
