// ParquetPartWriter: the RowSink (lake/merge_join.h) that writes a table's rows, in key order, as
// Parquet part files, typed exactly as the full load's Parquet writer types them: each field's
// text (the target's CSV, the one rendering) is parsed back into its Value
// (common/parse_rendered_text.h) and handed to format/parquet's writer. A new part starts when
// the current one is full (PartSize, by its estimated size).
//
// Thread-safety: one thread; the store may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "format/csv/csv_fields.h"
#include "format/parquet/parquet_writer.h"
#include "lake/merge_join.h"
#include "materialize/manifest.h"
#include "materialize/part_writer.h"
#include "store/object_store.h"

namespace binlake {

class ParquetPartWriter : public PartSink {
 public:
  // `dialect`: the CSV the rows are in (the target's).
  ParquetPartWriter(ObjectStore& output, TableSchema table, const CsvOptions& dialect,
                    ParquetWriterOptions parquet, PartSize size,
                    std::function<std::string()> next_part_name);
  ~ParquetPartWriter() override;

  Status Row(std::string_view key, std::string_view row) override;
  Result<std::vector<PartInfo>> Finish() override;
  void Discard() override;

 private:
  Status Open();
  Status Close();

  ObjectStore& output_;
  TableSchema table_;
  CsvOptions dialect_;
  CsvFieldScanner scanner_;
  ParquetWriterOptions parquet_;
  PartSize size_;
  std::function<std::string()> next_part_name_;
  std::unique_ptr<RowFileWriter> writer_;
  PartInfo current_;
  std::vector<PartInfo> parts_;
  std::vector<std::string> created_;
  std::vector<CsvField> fields_;
  std::vector<Value> values_;
  std::vector<std::string> scratch_;   // per column: bytes a Value points at
  std::vector<std::string> unquoted_;  // per column: a quoted field's text
};

}  // namespace binlake
