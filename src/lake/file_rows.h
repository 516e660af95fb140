// FileRowReader: one file of a target (a LOAD or CDC file, lake/table_plan.h) or of a
// materialization (a part file), read in chunks and handed out row by row as
//   op ('I' for files without an Op column), the row's normalized key (lake/row_key.h), and the
//   row as CSV text of the plan's columns in the file's dialect, without the row delimiter:
//   the file's own bytes when its columns are the plan's (the usual case), otherwise its fields
//   rearranged by the plan's mapping (a column the file lacks is CsvNullValue: NULL).
// Gzip files are inflated as they are read. Memory: a chunk (`chunk_bytes`, at most the store's
// PreferredReadBytes) plus the longest record, whatever the file's size.
//
// What a record holds: [Op] [extra columns] data columns. Extra columns (TimestampColumnName, the
// CDC sequence column) sit between Op and the data and are recognised by count (at most
// `max_extra_columns`). A record of another width, an Op other than I/U/D, a quote never
// closed: kCorruption naming the store, the object and the record number.
//
// Thread-safety: one thread; the store must be usable from it. Views stay valid until Next().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/csv/csv_fields.h"
#include "lake/row_key.h"
#include "store/object_store.h"

namespace binlake {

struct FileRowLayout {
  CsvOptions csv;       // the file's dialect; gzip: inflate
  bool header = false;  // the first record names the columns: skipped
  bool has_op = false;  // the first field is Op
  size_t max_extra_columns = 0;
  size_t data_columns = 0;   // the table's columns in the file
  std::vector<int> columns;  // for each plan column, its index among the data columns or -1
  std::vector<int> key;      // the plan columns that make the key, in key order
  // Only the first rows (PlanFile::max_rows: a file of a batch cut inside); the rest is not read.
  uint64_t max_rows = UINT64_MAX;
};

class FileRowReader {
 public:
  // `encoder` must outlive the reader.
  FileRowReader(ObjectStore& store, std::string key, FileRowLayout layout,
                const KeyEncoder& encoder, size_t chunk_bytes = 8u << 20);
  ~FileRowReader();

  // The next row; false at the end of the file.
  Result<bool> Next();
  char op() const { return op_; }
  std::string_view key() const { return key_; }
  std::string_view row() const { return row_; }
  // The object, for messages: "<store>/<key>".
  std::string name() const;
  // Bytes of the object read so far.
  uint64_t bytes_read() const { return offset_; }

 private:
  class Inflater;
  Status ReadMore();
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
  std::string compressed_;  // a gzip file's chunk as read
  size_t pos_ = 0;
  uint64_t offset_ = 0;  // object bytes fetched so far
  uint64_t object_size_ = 0;
  bool sized_ = false;
  bool at_end_ = false;  // every byte of the object is in buffer_
  uint64_t record_number_ = 0;
  uint64_t rows_returned_ = 0;  // against layout_.max_rows

  std::vector<CsvField> fields_;
  std::string scratch_;
  std::string key_;
  std::string built_row_;
  std::string_view row_;
  char op_ = 'I';
};

}  // namespace binlake
