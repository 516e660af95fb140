// FileRowReader: one file of a target (a LOAD or CDC file, lake/table_plan.h) or of a
// materialization (a part file), handed out row by row as
//   op ('I' for files without an Op column), the row's normalized key (lake/row_key.h), and the
//   row as CSV text of the plan's columns in `layout.csv`'s dialect, without the row delimiter
//   (a column the file lacks is CsvNullValue: NULL).
// NewFileRowReader picks the reader for the file's format (FileRowLayout::parquet):
//   - CSV (CsvFileRowReader, below): read in chunks; the row is the file's own bytes when its
//     columns are the plan's (the usual case), otherwise its fields rearranged by the plan's
//     mapping. Gzip files are inflated as they are read. Memory: a chunk (`chunk_bytes`, at most
//     the store's PreferredReadBytes) plus the longest record, whatever the file's size.
//   - Parquet (lake/parquet_file_rows.h): each value converted back to the full load's Value with
//     the plan column's type (format/parquet/parquet_value.h), rendered with the one rendering and
//     quoted by the CSV writer: the same row a CSV target holds for it.
// Both stop after `layout.max_rows` rows (a file of a batch cut inside).
//
// What a record holds: [Op] [extra columns] data columns. Extra columns (TimestampColumnName, the
// CDC sequence column) sit between Op and the data and are recognised by count (at most
// `max_extra_columns`). A record of another width, an Op other than I/U/D, a quote never
// closed, bytes that do not decode: kCorruption naming the store, the object and the record
// number.
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
#include "format/csv/csv_fields.h"
#include "lake/row_key.h"
#include "store/object_store.h"

namespace binlake {

struct FileRowLayout {
  CsvOptions csv;        // CSV: the file's dialect (gzip: inflate); Parquet: the rows' dialect
  bool parquet = false;  // a Parquet file (the rest of `csv` is not used but the rendering)
  bool header = false;   // CSV: the first record names the columns: skipped
  bool has_op = false;   // the first field is Op
  size_t max_extra_columns = 0;
  size_t data_columns = 0;   // the table's columns in the file
  std::vector<int> columns;  // for each plan column, its index among the data columns or -1
  // For each plan column the file lacks (-1 above): its text there (TablePlan::absent: the
  // default the rows got when the column was added), or nullopt (or no entry): NULL.
  std::vector<std::optional<std::string>> absent;
  std::vector<int> key;           // the plan columns that make the key, in key order
  std::vector<ColumnType> types;  // Parquet: each plan column's type (converts the values)
  // Only the first rows (PlanFile::max_rows: a file of a batch cut inside); the rest is not read.
  uint64_t max_rows = UINT64_MAX;
  // CSV, for validate reading a damaged lake: when set, a record with fewer fields than the
  // columns (a column dropped from the file) is read in order with its last columns NULL, and
  // the first such record of a file is described here, instead of a kCorruption error.
  std::vector<std::string>* short_records = nullptr;
  // Uncompressed CSV only: read the rows that begin in [begin, end) of the object (a slice of a
  // LOAD file between two split points, fullload/table_output.h OutputFile::splits). `begin` must
  // follow a row delimiter and no row may cross `end`; otherwise the read fails and, when set,
  // *slice_broken is set (the file changed since the split points were recorded). A record that
  // does not parse in a slice sets it too (`begin` may follow a newline inside a quoted value).
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  bool* slice_broken = nullptr;
};

class FileRowReader {
 public:
  virtual ~FileRowReader() = default;
  // The next row; false at the end of the file.
  virtual Result<bool> Next() = 0;
  virtual char op() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view row() const = 0;
  // The row's values, typed, as SortedRows::values() (lake/merge_join.h): a Parquet file's;
  // nullptr for CSV.
  virtual const std::vector<Value>* values() const { return nullptr; }
  // The object, for messages: "<store>/<key>".
  virtual std::string name() const = 0;
  // Bytes of the object read so far.
  virtual uint64_t bytes_read() const = 0;
};

// The reader for `layout` (CSV or Parquet). `encoder` must outlive it.
std::unique_ptr<FileRowReader> NewFileRowReader(ObjectStore& store, std::string key,
                                                FileRowLayout layout, const KeyEncoder& encoder,
                                                size_t chunk_bytes = 8u << 20);

class CsvFileRowReader final : public FileRowReader {
 public:
  // `encoder` must outlive the reader.
  CsvFileRowReader(ObjectStore& store, std::string key, FileRowLayout layout,
                   const KeyEncoder& encoder, size_t chunk_bytes = 8u << 20);
  // Over bytes already read: `bytes` is the object `key` of `store` (named in messages), or
  // whole records of it (then `layout.header` false), uncompressed; nothing more is read.
  // `bytes` must outlive the reader; rows are views into it. `layout.begin`/`end` unused.
  CsvFileRowReader(ObjectStore& store, std::string key, std::string_view bytes,
                   FileRowLayout layout, const KeyEncoder& encoder);
  ~CsvFileRowReader() override;

  Result<bool> Next() override;
  char op() const override { return op_; }
  std::string_view key() const override { return key_; }
  std::string_view row() const override { return row_; }
  std::string name() const override;
  uint64_t bytes_read() const override { return offset_; }

 private:
  class Inflater;
  Status ReadMore();
  Status BrokenSlice(const std::string& what);
  Status Parse(std::string_view record);

  ObjectStore& store_;
  std::string object_;
  FileRowLayout layout_;
  const KeyEncoder& encoder_;
  CsvFieldScanner scanner_;
  size_t chunk_bytes_;
  bool identity_;

  std::unique_ptr<Inflater> inflater_;
  std::string buffer_;      // unconsumed (inflated) bytes from pos_
  std::string_view data_;   // the bytes being parsed: buffer_, or those given
  std::string compressed_;  // a gzip file's chunk as read
  size_t pos_ = 0;
  uint64_t offset_ = 0;  // object bytes fetched so far
  uint64_t object_size_ = 0;
  bool sized_ = false;
  bool at_end_ = false;  // every byte of the object is in buffer_
  uint64_t record_number_ = 0;
  uint64_t rows_returned_ = 0;  // against layout_.max_rows
  bool noted_short_ = false;    // a short record was described in layout_.short_records
  bool sliced_ = false;         // layout_.begin > 0 or layout_.end set
  bool begin_checked_ = false;  // the row delimiter before layout_.begin was seen

  std::vector<CsvField> fields_;
  std::string scratch_;
  std::string key_;
  std::string built_row_;
  std::string_view row_;
  char op_ = 'I';
  std::vector<std::optional<std::string>> absent_fields_;  // layout_.absent as CSV fields
};

}  // namespace binlake
