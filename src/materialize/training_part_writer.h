// TrainingPartWriter: the PartSink (materialize/part_writer.h) of the training layout
// (materialize/training_layout.h). Rows come in key order, in the target's CSV; each becomes a
// training example (CSV row or framed protobuf Record) appended to an anonymous spill file
// (common/spill_file.h) in `spill_dir`, so memory stays bounded whatever the table's size.
// Finish() then cuts the examples into N objects of about equal size, never inside an example:
//   N = max(objects_min, ceil(bytes / object_bytes)),
// and uploads them (names from `next_part_name`, created with If-None-Match). A table with rows
// but fewer than objects_min of them is kFailedPrecondition (each object holds at least one
// example); a table without rows has no object.
//
// Thread-safety: one thread; the store may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "format/csv/csv_fields.h"
#include "format/recordio/sagemaker_record.h"
#include "materialize/part_writer.h"
#include "materialize/training_layout.h"
#include "store/object_store.h"

namespace binlake {

class TrainingPartWriter : public PartSink {
 public:
  // kInvalidArgument when the layout does not fit `table` (ResolveTrainingColumns), kIoError when
  // the spill file cannot be created.
  static Result<std::unique_ptr<TrainingPartWriter>> Create(
      ObjectStore& output, TableSchema table, const CsvOptions& dialect,
      const TrainingLayout& layout, const std::string& spill_dir,
      std::function<std::string()> next_part_name);
  ~TrainingPartWriter() override;

  Status Row(std::string_view key, std::string_view row) override;
  Result<std::vector<PartInfo>> Finish() override;
  void Discard() override;

 private:
  TrainingPartWriter(ObjectStore& output, TableSchema table, const CsvOptions& dialect,
                     const TrainingLayout& layout, TrainingColumns columns, int spill_fd,
                     std::function<std::string()> next_part_name);

  // The text of column `c` of the current row (NULL: null_as, or an error naming the row).
  Result<std::string_view> FieldText(int c);
  Status AppendCsvExample();
  Status AppendRecordExample();
  Status FlushSpill();
  // Where examples end, for the cut: (end offset, examples so far); thinned to every other one
  // when it grows past its bound.
  void NoteBoundary();
  Status Upload(uint64_t begin, uint64_t end, uint64_t rows);

  ObjectStore& output_;
  TableSchema table_;
  TrainingLayout layout_;
  TrainingColumns columns_;
  CsvFieldScanner scanner_;
  int spill_fd_;
  std::function<std::string()> next_part_name_;
  SageMakerRecordEncoder encoder_;

  std::vector<CsvField> fields_;
  std::vector<std::string> unquoted_;  // per column: a quoted field's text
  std::vector<float> numbers_;         // the current row's features (RecordIO-protobuf)
  std::string buffer_;                 // examples not yet in the spill file
  uint64_t spilled_ = 0;               // bytes in the spill file
  uint64_t rows_ = 0;
  struct Boundary {
    uint64_t end;
    uint64_t rows;
  };
  std::vector<Boundary> boundaries_;
  uint64_t boundary_stride_ = 1;  // a boundary is noted every this many examples
  std::vector<PartInfo> parts_;
  std::vector<std::string> created_;
};

}  // namespace binlake
