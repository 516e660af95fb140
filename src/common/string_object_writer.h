// StringObjectWriter: an ObjectWriter (common/object_writer.h) that appends everything written to
// the caller's string, which must outlive it; Close and Abort do nothing. For rendering a format
// into memory (lake/parquet_file_rows.h) and for tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/object_writer.h"

namespace binlake {

class StringObjectWriter final : public ObjectWriter {
 public:
  explicit StringObjectWriter(std::string* out) : out_(out) {}
  Status Write(std::string_view data) override {
    out_->append(data);
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  void Abort() override {}
  uint64_t bytes_written() const override { return out_->size(); }

 private:
  std::string* out_;
};

}  // namespace binlake
