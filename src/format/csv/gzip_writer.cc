#include "format/csv/gzip_writer.h"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace binlake {
namespace {

class GzipObjectWriter final : public ObjectWriter {
 public:
  GzipObjectWriter(std::unique_ptr<ObjectWriter> inner, size_t chunk_bytes)
      : inner_(std::move(inner)), out_(chunk_bytes, '\0') {}

  ~GzipObjectWriter() override {
    if (state_ == State::kOpen) Abort();
  }

  Status Init(int level) {
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
    int rc = deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) return Internal("gzip: deflateInit2 failed (" + std::to_string(rc) + ")");
    zs_initialized_ = true;
    ResetOutput();
    return Status::Ok();
  }

  Status Write(std::string_view data) override {
    if (state_ != State::kOpen) return Internal("gzip: write after close or abort");
    if (!error_.ok()) return error_;
    while (!data.empty()) {
      // avail_in is 32 bits: feed at most 1 GiB per round.
      size_t n = std::min<size_t>(data.size(), 1u << 30);
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      zs_.avail_in = static_cast<uInt>(n);
      while (zs_.avail_in > 0) {
        int rc = deflate(&zs_, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR) return Fail("deflate failed", rc);
        if (zs_.avail_out == 0) RETURN_IF_ERROR(FlushOutput());
      }
      data.remove_prefix(n);
    }
    return Status::Ok();
  }

  Result<std::string> Prepare() override {
    if (state_ != State::kOpen) return Internal("gzip: prepare after close or abort");
    RETURN_IF_ERROR(FinishStream());
    state_ = State::kPrepared;
    return inner_->Prepare();
  }

  Status Close() override {
    if (state_ == State::kPrepared) {
      state_ = State::kClosed;
      return inner_->Close();
    }
    if (state_ != State::kOpen) return Internal("gzip: close after close or abort");
    RETURN_IF_ERROR(FinishStream());
    state_ = State::kClosed;
    return inner_->Close();
  }

  // Ends the gzip stream and hands every compressed byte to the inner writer. On failure the
  // inner writer is aborted.
  Status FinishStream() {
    if (!error_.ok()) {
      Abort();
      return error_;
    }
    zs_.next_in = nullptr;
    zs_.avail_in = 0;
    for (;;) {
      int rc = deflate(&zs_, Z_FINISH);
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        Status s = Fail("deflate finish failed", rc);
        Abort();
        return s;
      }
      if (zs_.avail_out == 0) {
        Status s = FlushOutput();
        if (!s.ok()) {
          Abort();
          return s;
        }
      }
    }
    Status s = FlushOutput();
    End();
    if (!s.ok()) {
      state_ = State::kAborted;
      inner_->Abort();
      return s;
    }
    return Status::Ok();
  }

  void Abort() override {
    if (state_ != State::kOpen && state_ != State::kPrepared) return;
    state_ = State::kAborted;
    End();
    inner_->Abort();
  }

  uint64_t bytes_written() const override { return inner_->bytes_written(); }

 private:
  enum class State { kOpen, kPrepared, kClosed, kAborted };

  void ResetOutput() {
    zs_.next_out = reinterpret_cast<Bytef*>(out_.data());
    zs_.avail_out = static_cast<uInt>(out_.size());
  }

  // Hands the compressed bytes produced so far to the inner writer.
  Status FlushOutput() {
    size_t produced = out_.size() - zs_.avail_out;
    if (produced > 0) {
      Status s = inner_->Write(std::string_view(out_.data(), produced));
      if (!s.ok()) {
        error_ = s;
        return s;
      }
    }
    ResetOutput();
    return Status::Ok();
  }

  Status Fail(std::string_view what, int rc) {
    error_ = Internal("gzip: " + std::string(what) + " (" + std::to_string(rc) + ")");
    return error_;
  }

  void End() {
    if (zs_initialized_) deflateEnd(&zs_);
    zs_initialized_ = false;
  }

  std::unique_ptr<ObjectWriter> inner_;
  std::string out_;
  z_stream zs_{};
  bool zs_initialized_ = false;
  State state_ = State::kOpen;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<ObjectWriter>> NewGzipObjectWriter(std::unique_ptr<ObjectWriter> inner,
                                                          int level, size_t chunk_bytes) {
  if (inner == nullptr) return InvalidArgument("gzip: no inner writer");
  if (level == 0) level = kDefaultGzipLevel;
  if (level < 1 || level > 9) {
    return InvalidArgument("gzip: compression level must be between 1 and 9, got " +
                           std::to_string(level));
  }
  if (chunk_bytes < 64 || chunk_bytes > (1u << 30)) {
    return InvalidArgument("gzip: chunk size must be between 64 bytes and 1 GiB");
  }
  auto writer = std::make_unique<GzipObjectWriter>(std::move(inner), chunk_bytes);
  RETURN_IF_ERROR(writer->Init(level));
  return std::unique_ptr<ObjectWriter>(std::move(writer));
}

}  // namespace binlake
