#include "fullload/table_output.h"

#include <cstdio>

namespace binlake {
namespace {

// Forwards to the real object writer and records the bytes stored in a counter owned by the
// TableOutput, which outlives the writer (the format writer may destroy it in Finish).
class CountingObjectWriter : public ObjectWriter {
 public:
  CountingObjectWriter(std::unique_ptr<ObjectWriter> inner, std::shared_ptr<uint64_t> counter)
      : inner_(std::move(inner)), counter_(std::move(counter)) {}
  Status Write(std::string_view data) override {
    *counter_ += data.size();
    return inner_->Write(data);
  }
  Status Close() override { return inner_->Close(); }
  void Abort() override { inner_->Abort(); }
  uint64_t bytes_written() const override { return inner_->bytes_written(); }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  std::shared_ptr<uint64_t> counter_;
};

}  // namespace

std::string LoadFileName(uint32_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "LOAD%08X", n);
  return buf;
}

TableOutput::TableOutput(ObjectStore* store, std::string key_prefix, const TableSchema* schema,
                         OutputColumns columns, RowFileWriterFactory factory, std::string extension,
                         uint64_t max_file_bytes)
    : store_(store),
      key_prefix_(std::move(key_prefix)),
      schema_(schema),
      columns_(std::move(columns)),
      factory_(std::move(factory)),
      extension_(std::move(extension)),
      max_file_bytes_(max_file_bytes) {}

TableOutput::~TableOutput() { Abort(); }

Status TableOutput::StartFile() {
  OutputFile f;
  f.key = key_prefix_ + LoadFileName(static_cast<uint32_t>(files_.size() + 1)) + extension_;
  // Created, never overwritten: a late write of an earlier run cannot replace it
  // (fullload/load_files.h).
  PutOptions create;
  create.if_none_match = true;
  create.tags = tags_;
  ASSIGN_OR_RETURN(auto object, store_->NewWriter(f.key, create));
  current_bytes_ = std::make_shared<uint64_t>(0);
  auto counting = std::make_unique<CountingObjectWriter>(std::move(object), current_bytes_);
  ASSIGN_OR_RETURN(writer_, factory_(*schema_, columns_, std::move(counting)));
  files_.push_back(std::move(f));
  last_split_ = 0;
  return Status::Ok();
}

Status TableOutput::FinishFile() {
  if (!writer_) return Status::Ok();
  OutputFile& f = files_.back();
  f.rows = writer_->rows();
  Status s = writer_->Finish();
  f.bytes = *current_bytes_;
  writer_.reset();
  if (s.code() == StatusCode::kAlreadyExists) {
    return PreconditionFailed(
        f.key +
        " was created by another writer while this full load wrote it (a late request "
        "of an earlier, interrupted run, or another full load into this target): run the "
        "full load again");
  }
  return s.WithContext("writing " + f.key);
}

Status TableOutput::Append(const RowMeta& meta, std::span<const Value> values) {
  if (writer_ && writer_->rows() > 0 && writer_->EstimatedSize() >= max_file_bytes_) {
    RETURN_IF_ERROR(FinishFile());
  }
  if (!writer_) RETURN_IF_ERROR(StartFile());
  if (split_bytes_ > 0 && writer_->rows() > 0) {
    const std::optional<uint64_t> at = writer_->NextRowOffset();
    if (at && *at >= last_split_ + split_bytes_) {
      files_.back().splits.push_back(*at);
      last_split_ = *at;
    }
  }
  RETURN_IF_ERROR(writer_->Append(meta, values));
  ++rows_;
  return Status::Ok();
}

Status TableOutput::Finish() { return FinishFile(); }

void TableOutput::Abort() {
  if (writer_) {
    writer_->Abort();
    writer_.reset();
    files_.pop_back();
  }
}

uint64_t TableOutput::bytes() const {
  uint64_t b = 0;
  for (const auto& f : files_) b += f.bytes;
  return b;
}

}  // namespace binlake
