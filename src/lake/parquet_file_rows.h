// ParquetFileRowReader: the FileRowReader (lake/file_rows.h) of a Parquet target's LOAD and CDC
// files (DataFormat=parquet; format/parquet/README.md). Each row comes out as the CSV reader gives
// the same row of a CSV target: op, normalized key, and the plan's columns as CSV text in
// `layout.csv`'s dialect. Each value is converted back to the full load's Value with the plan
// column's MySQL type (format/parquet/parquet_value.h: DATETIME fsp, unsigned, BIT, ENUM/SET,
// JSON, binary collations ...), rendered by the one rendering (common/render_text.h) and quoted
// by the CSV writer itself (format/csv/csv_writer.h, one row at a time), so a Parquet target
// materializes byte-identically to a CSV target of the same data, except for the values Parquet
// cannot hold (zero and invalid dates are NULL in the file).
//
// Layout: [Op] [extra columns] data columns, as for CSV: the last `data_columns` columns of the
// file are the table's, the extra ones (TimestampColumnName, the CDC sequence column) are
// recognised by count. The file's column for each plan column must be what the Parquet writer
// writes for the plan column's type (else kUnsupported, one line, naming the object: e.g. a file
// written before a MODIFY COLUMN that changed the Parquet mapping).
//
// Memory: one row group, whatever the file's size: the footer is read with a ranged GET of the
// object's tail (64 KiB, more when the footer is longer), then each row group with one ranged
// GET of its bytes (the writer closes row groups at RowGroupLength rows or 128 MiB).
//
// Errors: bad bytes, an Op other than I/U/D, a value the column type cannot hold: kCorruption,
// one line naming the store, the object (and the row number). A missing object: kNotFound.
//
// values(): the row's Values, for a sink that writes typed values (a Parquet part) without the
// text; the CSV text is then rendered only if row() is called. They are what parsing row() gives
// (text columns, ENUM, SET and JSON are parsed from the file's text as row() would be parsed),
// except that a JSON value keeps the file's text, which render_text makes canonical wherever it
// is written (row(), a Parquet writer).
//
// Thread-safety: one thread; the store must be usable from it. Views stay valid until Next().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "format/parquet/parquet_reader.h"
#include "format/row_file_writer.h"
#include "lake/file_rows.h"

namespace binlake {

class ParquetFileRowReader final : public FileRowReader {
 public:
  // `encoder` must outlive the reader. layout.types has one type per plan column.
  ParquetFileRowReader(ObjectStore& store, std::string key, FileRowLayout layout,
                       const KeyEncoder& encoder);
  // The same over the file's bytes, already read (`whole` must outlive the reader): nothing is
  // fetched; `store` and `key` only name it.
  ParquetFileRowReader(ObjectStore& store, std::string key, std::string_view whole,
                       FileRowLayout layout, const KeyEncoder& encoder);
  ~ParquetFileRowReader() override;

  Result<bool> Next() override;
  char op() const override { return op_; }
  std::string_view key() const override { return key_; }
  std::string_view row() const override;
  const std::vector<Value>* values() const override { return &values_; }
  std::string name() const override;
  uint64_t bytes_read() const override { return bytes_read_; }

  // The file's footer (the file is opened if it was not).
  Result<const parquet::ParquetFile*> File();
  // From now on Next reads row groups [begin, end) (clamped to the file's), from the first.
  // Call after File() (so rows keep their numbers in the file, and FileRowLayout::max_rows
  // counts from the file's first row).
  void ReadRowGroups(size_t begin, size_t end);

 private:
  Status Open();
  Status Fetch(uint64_t offset, uint64_t length, std::string* out);
  // Reads the next row group with rows into memory; false when there is none.
  Result<bool> NextRowGroup();
  Status Convert();
  Status Bad(const std::string& what) const;

  ObjectStore& store_;
  std::string object_;
  FileRowLayout layout_;
  const KeyEncoder& encoder_;

  bool opened_ = false;
  uint64_t size_ = 0;        // the object's
  uint64_t bytes_read_ = 0;  // fetched so far
  std::string_view whole_;   // the file's bytes when read by the caller
  std::string tail_;         // the footer's bytes
  std::string group_;        // the current row group's bytes
  size_t next_group_ = 0;
  size_t end_group_ = SIZE_MAX;
  std::optional<parquet::ParquetFile> file_;
  parquet::RowReaderOptions options_;
  std::unique_ptr<parquet::ParquetRowReader> reader_;  // of the current row group
  bool has_op_ = false;                                // field 0 of the reader is Op
  std::vector<int> field_of_;  // per plan column: its field in the reader, or -1 (NULL)
  std::vector<const parquet::ParquetColumn*> column_of_;  // per plan column (or nullptr)

  std::vector<Value> values_;         // the current row, per plan column
  std::vector<std::string> scratch_;  // per plan column: bytes the values view
  std::unique_ptr<RowFileWriter> csv_;
  // The current row's CSV text, rendered by row() when first asked for (a failure, which the
  // CSV writer cannot have over these values, is returned by the next Next()).
  mutable std::string rendered_;  // what csv_ wrote for the current row
  mutable std::string_view row_;
  mutable bool row_rendered_ = false;
  mutable Status render_error_;
  std::string key_text_;
  std::string key_;
  char op_ = 'I';
  uint64_t row_number_ = 0;
};

}  // namespace binlake
