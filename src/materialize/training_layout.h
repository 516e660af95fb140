// The training layout of a materialization (`binlake materialize --layout training`,
// docs/MATERIALIZE.md "Training layout"): each table's rows as training examples in the forms
// SageMaker's built-in algorithms read ("Common data formats for training",
// https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-training.html):
//   - CSV (`text/csv`): no header, the label first, then the features in the stated order; RFC
//     4180 quoting, comma-delimited, "\n" after each row; values as the full load renders them.
//   - RecordIO-protobuf (`application/x-recordio-protobuf`): per row a `Record` whose
//     `features["values"]` holds the features and `label["values"]` the label, as float32
//     (format/recordio/sagemaker_record.h). Every chosen column must be numeric (integer,
//     DECIMAL, FLOAT, DOUBLE, YEAR).
// A NULL in a chosen column is an error naming the column and the row's key, unless `null_as`
// gives the text that stands for it (a number for RecordIO-protobuf).
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"

namespace binlake {

struct TrainingLayout {
  enum class Format { kCsv, kRecordIoProtobuf };
  std::string label;                  // the label column
  std::vector<std::string> features;  // in this order; empty: every other column but `drop`
  std::vector<std::string> drop;      // left out when `features` is empty
  Format format = Format::kCsv;
  uint64_t object_bytes = 128ull << 20;  // an object of the output at most about this size
  uint64_t objects_min = 1;              // at least this many objects per table with rows
  std::optional<std::string> null_as;    // NULL's stand-in; none: a NULL is an error
};

// "training-csv" or "training-recordio-protobuf": the manifest's file_format.
std::string TrainingFileFormat(TrainingLayout::Format format);
// "csv" or "recordio": the objects' file name extension.
const char* TrainingFileExtension(TrainingLayout::Format format);

// The columns of `table` (indexes) the layout writes: the label, then the features.
struct TrainingColumns {
  int label = -1;
  std::vector<int> features;
  // Their names, label first (the manifest records them).
  std::vector<std::string> Names(const TableSchema& table) const;
};

// kInvalidArgument (one line, naming the table and the column) when the label or a named
// feature or dropped column is not a column of `table`, a column is named twice, no feature is
// left, or (RecordIO-protobuf) a chosen column is not numeric or `null_as` not a number.
Result<TrainingColumns> ResolveTrainingColumns(const TableSchema& table,
                                               const TrainingLayout& layout);

}  // namespace binlake
