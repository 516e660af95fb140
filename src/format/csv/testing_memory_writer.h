// Test helper: an ObjectWriter that keeps the object in memory and records how it was used.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/object_writer.h"

namespace binlake::testing {

struct MemoryObject {
  std::string data;
  std::vector<size_t> write_sizes;  // one entry per Write call
  bool closed = false;
  bool aborted = false;
  Status fail_writes;  // when not ok, Write returns it
};

class MemoryObjectWriter final : public ObjectWriter {
 public:
  explicit MemoryObjectWriter(std::shared_ptr<MemoryObject> object) : object_(std::move(object)) {}
  Status Write(std::string_view data) override {
    if (!object_->fail_writes.ok()) return object_->fail_writes;
    object_->data.append(data);
    object_->write_sizes.push_back(data.size());
    return Status::Ok();
  }
  Status Close() override {
    object_->closed = true;
    return Status::Ok();
  }
  void Abort() override { object_->aborted = true; }
  uint64_t bytes_written() const override { return object_->data.size(); }

 private:
  std::shared_ptr<MemoryObject> object_;
};

}  // namespace binlake::testing
