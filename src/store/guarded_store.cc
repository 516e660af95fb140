#include "store/guarded_store.h"

namespace binlake {
namespace {

// The inner store's writer, with the guard asked before the object becomes durable or visible.
class GuardedWriter : public ObjectWriter {
 public:
  GuardedWriter(std::unique_ptr<ObjectWriter> inner, std::function<Status()> may_write)
      : inner_(std::move(inner)), may_write_(std::move(may_write)) {}

  Status Write(std::string_view data) override { return inner_->Write(data); }
  Status Close() override {
    Status s = may_write_();
    if (!s.ok()) {
      inner_->Abort();
      return s;
    }
    return inner_->Close();
  }
  void Abort() override { inner_->Abort(); }
  uint64_t bytes_written() const override { return inner_->bytes_written(); }
  Result<std::string> Prepare() override {
    RETURN_IF_ERROR(may_write_());
    return inner_->Prepare();
  }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  std::function<Status()> may_write_;
};

}  // namespace

Status GuardedStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  RETURN_IF_ERROR(may_write_());
  return inner_.Put(key, data, options);
}

Result<std::unique_ptr<ObjectWriter>> GuardedStore::NewWriter(std::string_view key,
                                                              const PutOptions& options) {
  RETURN_IF_ERROR(may_write_());
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, inner_.NewWriter(key, options));
  return std::unique_ptr<ObjectWriter>(new GuardedWriter(std::move(writer), may_write_));
}

Status GuardedStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(may_write_());
  return inner_.Delete(key);
}

Status GuardedStore::PublishPrepared(std::string_view key, std::string_view token) {
  RETURN_IF_ERROR(may_write_());
  return inner_.PublishPrepared(key, token);
}

Status GuardedStore::DiscardUncommitted(const UncommittedObject& object) {
  RETURN_IF_ERROR(may_write_());
  return inner_.DiscardUncommitted(object);
}

}  // namespace binlake
