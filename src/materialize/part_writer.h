// PartWriter: the RowSink (lake/merge_join.h) that writes a table's rows, in key order, as CSV
// part files of the output: a header row, then the rows as the target's files hold them (the
// one rendering; NULL as CsvNullValue), each followed by the row delimiter. A new part starts
// when the current one is full (PartSize). Parts are created with If-None-Match (a part name is
// never reused) and named by the caller's `NamePart(n)`. Each part gets its marks
// (materialize/part_marks.h), written when the part is closed. An advance hands it stretches of
// a previous part as bytes (CopyRows) between rows it merges.
//
// Thread-safety: one thread; the store may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "format/csv/csv_fields.h"
#include "format/csv/csv_writer.h"
#include "lake/merge_join.h"
#include "materialize/manifest.h"
#include "materialize/part_marks.h"
#include "store/object_store.h"

namespace binlake {

// When a part is full: at `max_bytes`, or, once it holds `min_bytes`, at `rows` rows. The row
// bound cuts a table into about PartsPerTable parts when they are smaller than `max_bytes` (an
// advance then rewrites about the share of the table its changes touch); 0: by size only.
struct PartSize {
  uint64_t max_bytes = 32ull << 20;
  uint64_t rows = 0;
  uint64_t min_bytes = 1ull << 20;

  // `table_rows` rows in about `parts` parts of at most `max_bytes` (parts 0: by size only).
  static PartSize ForTable(uint64_t max_bytes, uint64_t table_rows, uint64_t parts);
  bool Full(uint64_t bytes, uint64_t part_rows) const {
    return bytes >= max_bytes || (rows > 0 && part_rows >= rows && bytes >= min_bytes);
  }
};

// A sink of part files: rows in key order in, parts (with their key ranges) out.
class PartSink : public RowSink {
 public:
  // Closes the current part. The parts written so far, in key order.
  virtual Result<std::vector<PartInfo>> Finish() = 0;
  // Deletes every part written (best effort), for a run that failed.
  virtual void Discard() = 0;
};

// Whole rows of a part of the previous version, to copy as they are: the stretch of the part
// from marks.front() up to `end_offset` (row `end_row`, a mark of the part or its end), `marks`
// being the part's marks in it; `last_key` is the key of its last row. The bytes come from
// `part` (the part file's bytes, read) or, when that is empty, from `source` (the part file
// opened: ObjectRanges::CopyRange copies in the kernel between local files).
struct PartRows {
  std::string_view part;
  ObjectRanges* source = nullptr;
  std::span<const PartMark> marks;
  uint64_t end_offset = 0;
  uint64_t end_row = 0;
  std::string_view last_key;
};

class PartWriter : public PartSink {
 public:
  // `header`: the header row's bytes, row delimiter included (CsvHeaderRow).
  PartWriter(ObjectStore& output, std::string header, std::string row_delimiter, PartSize size,
             std::function<std::string()> next_part_name);
  ~PartWriter() override;

  Status Row(std::string_view key, std::string_view row) override;
  // Appends the rows as bytes (their keys above every row before), starting new parts at marks.
  Status CopyRows(const PartRows& rows);
  Result<std::vector<PartInfo>> Finish() override;
  void Discard() override;

 private:
  Status Open();
  Status Close();
  Status Flush();
  void Mark(std::string_view key);  // marks the row that begins at current_.bytes

  ObjectStore& output_;
  std::string header_;
  std::string row_delimiter_;
  PartSize size_;
  std::function<std::string()> next_part_name_;
  std::unique_ptr<ObjectWriter> writer_;
  PartInfo current_;
  std::string buffer_;
  std::vector<PartMark> marks_;  // the current part's
  uint64_t last_mark_ = 0;       // the offset of its last mark
  std::vector<PartInfo> parts_;
  std::vector<std::string> created_;  // parts and marks
};

// The fields of one row the merge hands a sink (the target's CSV, one record): kCorruption when
// the record is malformed or has another number of fields than `columns`.
Status ScanPartRow(const CsvFieldScanner& scanner, std::string_view row, size_t columns,
                   std::vector<CsvField>* fields);

// The header row (AddColumnName's rules, csv_writer.h) of `table` in `dialect`, with its row
// delimiter.
Result<std::string> CsvHeaderRow(const TableSchema& table, const CsvOptions& dialect);

}  // namespace binlake
