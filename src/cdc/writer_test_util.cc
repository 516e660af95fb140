#include "cdc/writer_test_util.h"

#include <stdlib.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace binlake::cdc_testing {

namespace fs = std::filesystem;

Clock::time_point At(int64_t ms) {
  // 2024-11-24T10:15:00.123Z
  return Clock::time_point(std::chrono::milliseconds(int64_t{1732443300123} + ms));
}

TableSchema Schema(const std::string& schema, const std::string& table,
                   const std::vector<std::string>& columns) {
  TableSchema s;
  s.schema = schema;
  s.table = table;
  for (size_t i = 0; i < columns.size(); ++i) {
    Column c;
    c.name = columns[i];
    c.type.type = i == 0 ? SqlType::kBigInt : SqlType::kVarChar;
    s.columns.push_back(c);
  }
  s.primary_key = {0};
  return s;
}

std::unique_ptr<CdcWriter> MustCreate(ObjectStore* store, CdcWriterOptions options) {
  Result<std::unique_ptr<CdcWriter>> writer = CdcWriter::Create(store, std::move(options));
  if (!writer.ok()) {
    std::fprintf(stderr, "CdcWriter::Create failed: %s\n",
                 std::string(writer.status().message()).c_str());
    std::abort();
  }
  return std::move(writer).value();
}

TempTarget::TempTarget() : root_(temp_.path()) { store_ = OpenAnother(); }

std::unique_ptr<LocalObjectStore> TempTarget::OpenAnother() const {
  auto s = LocalObjectStore::Open("file://" + root_);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

std::vector<std::string> TempTarget::AllFiles() const {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root_)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root_).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Keys(ObjectStore& store, const std::string& prefix) {
  std::vector<std::string> out;
  auto listed = store.List(prefix);
  if (!listed.ok()) return {"<list failed: " + listed.status().message() + ">"};
  for (const ObjectInfo& o : *listed) out.push_back(o.key);
  return out;
}

std::string Gunzip(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "";
}

// Writers left by a "dead process": kept alive forever (reachable, so leak checkers stay quiet)
// so that their destructors do not clean up what a killed process would leave behind.
static std::vector<std::unique_ptr<ObjectWriter>>& Graveyard() {
  static auto* graveyard = new std::vector<std::unique_ptr<ObjectWriter>>();
  return *graveyard;
}

class CrashingStore::Writer : public ObjectWriter {
 public:
  Writer(CrashingStore* store, std::unique_ptr<ObjectWriter> inner)
      : store_(store), inner_(std::move(inner)) {}
  ~Writer() override {
    if (store_->crashed_) Graveyard().push_back(std::move(inner_));
  }
  Status Write(std::string_view data) override {
    if (store_->crashed_) return store_->Dead();
    return inner_->Write(data);
  }
  Status Close() override {
    if (store_->crashed_) return store_->Dead();
    if (prepared_ && store_->point_ == Point::kAfterPublishes) {
      std::lock_guard<std::mutex> lock(store_->mu_);
      if (store_->publishes_left_ == 0) {
        store_->crashed_ = true;
        return store_->Dead();
      }
      --store_->publishes_left_;
    }
    return inner_->Close();
  }
  void Abort() override {
    if (!store_->crashed_) inner_->Abort();
  }
  uint64_t bytes_written() const override { return inner_->bytes_written(); }
  Result<std::string> Prepare() override {
    if (store_->point_ == Point::kAtFirstPrepare) store_->crashed_ = true;
    if (store_->crashed_) return store_->Dead();
    prepared_ = true;
    return inner_->Prepare();
  }

 private:
  CrashingStore* store_;
  std::unique_ptr<ObjectWriter> inner_;
  bool prepared_ = false;
};

Status CrashingStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  if (crashed_) return Dead();
  const bool checkpoint = key.find("_binlake/cdc/checkpoint-") != std::string_view::npos;
  if (checkpoint && point_ == Point::kAtCheckpointPut) {
    crashed_ = true;
    return Dead();
  }
  Status s = inner_->Put(key, data, options);
  if (checkpoint && point_ == Point::kAfterCheckpointPut) {
    crashed_ = true;
    return s.ok() ? Dead() : s;  // the caller never learns it succeeded
  }
  return s;
}

Result<std::unique_ptr<ObjectWriter>> CrashingStore::NewWriter(std::string_view key,
                                                               const PutOptions& options) {
  if (crashed_) return Dead();
  ASSIGN_OR_RETURN(auto inner, inner_->NewWriter(key, options));
  return std::unique_ptr<ObjectWriter>(new Writer(this, std::move(inner)));
}

Result<std::string> CrashingStore::Get(std::string_view key) {
  if (crashed_) return Dead();
  return inner_->Get(key);
}
Result<std::string> CrashingStore::GetRange(std::string_view key, uint64_t offset,
                                            uint64_t length) {
  if (crashed_) return Dead();
  return inner_->GetRange(key, offset, length);
}
Result<std::optional<ObjectInfo>> CrashingStore::Head(std::string_view key) {
  if (crashed_) return Dead();
  return inner_->Head(key);
}
Result<std::vector<ObjectInfo>> CrashingStore::List(std::string_view prefix) {
  if (crashed_) return Dead();
  return inner_->List(prefix);
}
Status CrashingStore::Delete(std::string_view key) {
  if (crashed_) return Dead();
  return inner_->Delete(key);
}
Status CrashingStore::PublishPrepared(std::string_view key, std::string_view token) {
  if (crashed_) return Dead();
  return inner_->PublishPrepared(key, token);
}
Result<std::vector<UncommittedObject>> CrashingStore::ListUncommitted(std::string_view prefix) {
  if (crashed_) return Dead();
  return inner_->ListUncommitted(prefix);
}
Status CrashingStore::DiscardUncommitted(const UncommittedObject& object) {
  if (crashed_) return Dead();
  return inner_->DiscardUncommitted(object);
}

}  // namespace binlake::cdc_testing
