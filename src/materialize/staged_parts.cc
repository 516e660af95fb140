#include "materialize/staged_parts.h"

#include <utility>
#include <vector>

#include "materialize/work_pool.h"

namespace binlake {

// A part's writer: its bytes go to the store's writer; closing it prepares that writer and hands
// it to the StagedParts to publish later.
class StagedParts::StagingWriter : public ObjectWriter {
 public:
  StagingWriter(StagedParts* owner, std::string key, std::unique_ptr<ObjectWriter> inner)
      : owner_(owner), key_(std::move(key)), inner_(std::move(inner)) {}
  Status Write(std::string_view data) override {
    if (!inner_) return Internal("write to " + key_ + " after Close or Abort");
    return inner_->Write(data);
  }
  Status Close() override {
    if (!inner_) return Internal("Close of " + key_ + " after Close or Abort");
    bytes_ = inner_->bytes_written();
    std::unique_ptr<ObjectWriter> inner = std::move(inner_);
    RETURN_IF_ERROR(inner->Prepare().status());  // a failed Prepare discards what was written
    owner_->Hold(key_, std::move(inner));
    return Status::Ok();
  }
  void Abort() override {
    if (inner_) inner_->Abort();
    inner_.reset();
  }
  uint64_t bytes_written() const override { return inner_ ? inner_->bytes_written() : bytes_; }
  ObjectWriter* BytesSink() override { return inner_ ? inner_->BytesSink() : this; }

 private:
  StagedParts* owner_;
  std::string key_;
  std::unique_ptr<ObjectWriter> inner_;  // until Close or Abort
  uint64_t bytes_ = 0;
};

StagedParts::~StagedParts() {
  for (auto& [key, writer] : staged_) writer->Abort();
}

size_t StagedParts::staged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return staged_.size();
}

void StagedParts::Hold(const std::string& key, std::unique_ptr<ObjectWriter> prepared) {
  std::unique_ptr<ObjectWriter> replaced;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<ObjectWriter>& slot = staged_[key];
    replaced = std::move(slot);
    slot = std::move(prepared);
  }
  if (replaced) replaced->Abort();
}

Status StagedParts::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  if (!is_part_(key)) return inner_.Put(key, data, options);
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, NewWriter(key, options));
  RETURN_IF_ERROR(w->Write(data));
  return w->Close();
}

Result<std::unique_ptr<ObjectWriter>> StagedParts::NewWriter(std::string_view key,
                                                             const PutOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, inner_.NewWriter(key, options));
  if (!is_part_(key)) return w;
  return std::unique_ptr<ObjectWriter>(new StagingWriter(this, std::string(key), std::move(w)));
}

Status StagedParts::Delete(std::string_view key) {
  std::unique_ptr<ObjectWriter> staged;
  if (is_part_(key)) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = staged_.find(std::string(key));
    if (it != staged_.end()) {
      staged = std::move(it->second);
      staged_.erase(it);
    }
  }
  if (!staged) return inner_.Delete(key);
  staged->Abort();
  return Status::Ok();
}

Status StagedParts::Publish(size_t threads) {
  std::vector<std::pair<std::string, std::unique_ptr<ObjectWriter>>> parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, writer] : staged_) parts.emplace_back(key, std::move(writer));
    staged_.clear();
  }
  return RunEach(parts.size(), threads, [&](size_t i) { return parts[i].second->Close(); });
}

}  // namespace binlake
