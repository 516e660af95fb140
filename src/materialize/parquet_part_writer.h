// ParquetPartWriter: the RowSink (lake/merge_join.h) that writes a table's rows, in key order, as
// Parquet part files, typed exactly as the full load's Parquet writer types them: each field's
// text (the target's CSV, the one rendering) is parsed back into its Value
// (common/parse_rendered_text.h) and handed to format/parquet's writer. A new part starts when
// the current one is full (PartSize, by its estimated size). Each part gets marks
// (materialize/part_marks.h) at the starts of its row groups (never between two rows of one
// key), written when the part is closed; an advance hands it row groups of a previous part to
// copy as encoded bytes (CopyRowGroups) between rows it merges.
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
#include "format/parquet/file_writer.h"
#include "format/parquet/metadata.h"
#include "format/parquet/parquet_writer.h"
#include "lake/merge_join.h"
#include "materialize/manifest.h"
#include "materialize/part_marks.h"
#include "materialize/part_writer.h"
#include "store/object_store.h"

namespace binlake {

// Consecutive row groups of a Parquet part of the previous version, to copy as encoded bytes:
// `groups` (from its footer) lie at [begin, begin + length) of the part file, whose bytes are
// `part` (read whole) or, when that is empty, `source` (opened). Their rows: `rows`, the first
// with key `first_key` (a mark of the part), the last with `last_key`.
struct RowGroupStretch {
  std::string_view part;
  ObjectRanges* source = nullptr;
  std::span<const parquet::RowGroup> groups;
  uint64_t begin = 0;
  uint64_t length = 0;
  uint64_t rows = 0;
  std::string_view first_key;
  std::string_view last_key;
};

class ParquetPartWriter : public PartSink {
 public:
  // `dialect`: the CSV the rows are in (the target's).
  ParquetPartWriter(ObjectStore& output, TableSchema table, const CsvOptions& dialect,
                    ParquetWriterOptions parquet, PartSize size,
                    std::function<std::string()> next_part_name);
  ~ParquetPartWriter() override;

  Status Row(std::string_view key, std::string_view row) override;
  // Takes rows.values() as they are when it has them (a Parquet part or file read back: no
  // text rendered and parsed again), else its text as Row.
  Status RowOf(const SortedRows& rows) override;
  // Appends the row groups as they are (their keys above every row before); a new part may
  // start before them.
  Status CopyRowGroups(const RowGroupStretch& stretch);
  // Whether row groups of a part whose footer is `footer` can be copied: the same Parquet
  // schema as this writer's parts.
  Result<bool> CanCopyFrom(const parquet::FileMetaData& footer);
  Result<std::vector<PartInfo>> Finish() override;
  void Discard() override;

 private:
  Status Open();
  Status Close();
  // Appends a row of `values` (one per column) under `key`.
  Status Append(std::string_view key, const std::vector<Value>& values);
  void Mark(uint64_t offset, std::string_view key);

  ObjectStore& output_;
  TableSchema table_;
  CsvOptions dialect_;
  CsvFieldScanner scanner_;
  ParquetWriterOptions parquet_;
  PartSize size_;
  std::function<std::string()> next_part_name_;
  std::unique_ptr<parquet::ParquetFileWriter> writer_;
  PartInfo current_;
  std::vector<PartMark> marks_;  // the current part's
  std::string probe_bytes_;      // what schema_probe_ writes (its magic)
  std::unique_ptr<parquet::ParquetFileWriter> schema_probe_;  // CanCopyFrom's
  std::vector<PartInfo> parts_;
  std::vector<std::string> created_;
  std::vector<CsvField> fields_;
  std::vector<Value> values_;
  std::vector<std::string> scratch_;   // per column: bytes a Value points at
  std::vector<std::string> unquoted_;  // per column: a quoted field's text
};

}  // namespace binlake
