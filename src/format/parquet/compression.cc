#include "format/parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace binlake::parquet {
namespace {

class GzipCompressor : public Compressor {
 public:
  ~GzipCompressor() override {
    if (initialized_) deflateEnd(&stream_);
  }
  Status Init(int level) {
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's (Compression.md: GZIP).
    if (deflateInit2(&stream_, level == 0 ? 1 : level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return Internal("zlib deflateInit2 failed");
    }
    initialized_ = true;
    return Status::Ok();
  }
  Status Compress(std::string_view input, std::string* out) override {
    if (deflateReset(&stream_) != Z_OK) return Internal("zlib deflateReset failed");
    out->resize(deflateBound(&stream_, input.size()));
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out->data());
    stream_.avail_out = static_cast<uInt>(out->size());
    if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) return Internal("zlib deflate failed");
    out->resize(stream_.total_out);
    return Status::Ok();
  }

 private:
  z_stream stream_{};
  bool initialized_ = false;
};

class SnappyCompressor : public Compressor {
 public:
  Status Compress(std::string_view input, std::string* out) override {
    out->resize(snappy::MaxCompressedLength(input.size()));
    size_t n = 0;
    snappy::RawCompress(input.data(), input.size(), out->data(), &n);
    out->resize(n);
    return Status::Ok();
  }
};

class ZstdCompressor : public Compressor {
 public:
  explicit ZstdCompressor(int level) : level_(level == 0 ? 3 : level), ctx_(ZSTD_createCCtx()) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }
  Status Compress(std::string_view input, std::string* out) override {
    if (ctx_ == nullptr) return Internal("ZSTD_createCCtx failed");
    out->resize(ZSTD_compressBound(input.size()));
    size_t n =
        ZSTD_compressCCtx(ctx_, out->data(), out->size(), input.data(), input.size(), level_);
    if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
    out->resize(n);
    return Status::Ok();
  }

 private:
  int level_;
  ZSTD_CCtx* ctx_;
};

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "UNCOMPRESSED";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kZstd:
      return "ZSTD";
  }
  return "?";
}

Result<std::unique_ptr<Compressor>> Compressor::Make(Codec codec, int level) {
  switch (codec) {
    case Codec::kUncompressed:
      return std::unique_ptr<Compressor>();
    case Codec::kGzip: {
      auto c = std::make_unique<GzipCompressor>();
      RETURN_IF_ERROR(c->Init(level));
      return std::unique_ptr<Compressor>(std::move(c));
    }
    case Codec::kSnappy:
      return std::unique_ptr<Compressor>(std::make_unique<SnappyCompressor>());
    case Codec::kZstd:
      return std::unique_ptr<Compressor>(std::make_unique<ZstdCompressor>(level));
  }
  return InvalidArgument("unknown Parquet codec");
}

}  // namespace binlake::parquet
