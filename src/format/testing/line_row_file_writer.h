// A trivial RowFileWriter for unit tests: one "op|v1|v2" line per row, values rendered with the
// one text rendering (common/render_text.h), NULL as "<null>".
#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/object_writer.h"
#include "common/render_text.h"
#include "format/row_file_writer.h"

namespace binlake {

// Writes each row as "op|v1|v2\n" with the shared renderer; NULL as "<null>".
class LineRowFileWriter : public RowFileWriter {
 public:
  LineRowFileWriter(const TableSchema& schema, std::unique_ptr<ObjectWriter> sink)
      : schema_(schema), sink_(std::move(sink)) {}
  Status Append(const RowMeta& meta, std::span<const Value> values) override {
    std::string line(1, meta.op);
    for (size_t i = 0; i < values.size(); ++i) {
      line += '|';
      if (values[i].is_null()) {
        line += "<null>";
      } else {
        AppendValueText(values[i], schema_.columns[i].type, RenderOptions{}, &line);
      }
    }
    line += '\n';
    size_ += line.size();
    ++rows_;
    return sink_->Write(line);
  }
  uint64_t EstimatedSize() const override { return size_; }
  uint64_t rows() const override { return rows_; }
  Status Finish() override { return sink_->Close(); }
  Result<std::string> Prepare() override { return sink_->Prepare(); }
  void Abort() override { sink_->Abort(); }

 private:
  const TableSchema& schema_;
  std::unique_ptr<ObjectWriter> sink_;
  uint64_t size_ = 0;
  uint64_t rows_ = 0;
};

}  // namespace binlake
