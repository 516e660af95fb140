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

class GzipDecompressor : public Decompressor {
 public:
  ~GzipDecompressor() override {
    if (initialized_) inflateEnd(&stream_);
  }
  Status Decompress(std::string_view input, char* out, size_t out_size) override {
    if (!initialized_) {
      // windowBits 15 + 32: gzip (RFC 1952, Compression.md's GZIP) or, as Arrow accepts from
      // old writers, a zlib stream.
      if (inflateInit2(&stream_, 15 + 32) != Z_OK) return Internal("zlib inflateInit2 failed");
      initialized_ = true;
    }
    if (input.size() > UINT32_MAX || out_size > UINT32_MAX) {
      return Corruption("parquet: GZIP page over 4 GiB");
    }
    char dummy;
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out_size > 0 ? out : &dummy);
    stream_.avail_out = static_cast<uInt>(out_size);
    while (true) {
      if (inflateReset(&stream_) != Z_OK) return Internal("zlib inflateReset failed");
      int rc = inflate(&stream_, Z_FINISH);
      if (rc != Z_STREAM_END) {
        if (rc == Z_BUF_ERROR && stream_.avail_out == 0 && stream_.avail_in > 0) {
          return Corruption("parquet: GZIP page holds more than the " + std::to_string(out_size) +
                            " bytes its header says");
        }
        return Corruption(std::string("parquet: GZIP page: ") +
                          (stream_.msg != nullptr ? stream_.msg : "truncated stream"));
      }
      // Another gzip member may follow (its magic 1f 8b); anything else ends the page.
      if (stream_.avail_in < 2 || stream_.next_in[0] != 0x1f || stream_.next_in[1] != 0x8b) break;
    }
    if (stream_.avail_out != 0) {
      return Corruption("parquet: GZIP page holds " + std::to_string(out_size - stream_.avail_out) +
                        " bytes, its header says " + std::to_string(out_size));
    }
    return Status::Ok();
  }

 private:
  z_stream stream_{};
  bool initialized_ = false;
};

class SnappyDecompressor : public Decompressor {
 public:
  Status Decompress(std::string_view input, char* out, size_t out_size) override {
    size_t n = 0;
    if (!snappy::GetUncompressedLength(input.data(), input.size(), &n)) {
      return Corruption("parquet: SNAPPY page: bad length preamble");
    }
    if (n != out_size) {
      return Corruption("parquet: SNAPPY page holds " + std::to_string(n) +
                        " bytes, its header says " + std::to_string(out_size));
    }
    // RawUncompress checks its input (snappy.h: returns false on corrupted input).
    if (!snappy::RawUncompress(input.data(), input.size(), out)) {
      return Corruption("parquet: SNAPPY page: corrupt data");
    }
    return Status::Ok();
  }
};

class ZstdDecompressor : public Decompressor {
 public:
  ZstdDecompressor() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(ctx_); }
  Status Decompress(std::string_view input, char* out, size_t out_size) override {
    if (ctx_ == nullptr) return Internal("ZSTD_createDCtx failed");
    char dummy;
    size_t n = ZSTD_decompressDCtx(ctx_, out_size > 0 ? out : &dummy, out_size, input.data(),
                                   input.size());
    if (ZSTD_isError(n)) {
      return Corruption(std::string("parquet: ZSTD page: ") + ZSTD_getErrorName(n));
    }
    if (n != out_size) {
      return Corruption("parquet: ZSTD page holds " + std::to_string(n) +
                        " bytes, its header says " + std::to_string(out_size));
    }
    return Status::Ok();
  }

 private:
  ZSTD_DCtx* ctx_;
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
    case Codec::kLzo:
      return "LZO";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kLz4:
      return "LZ4";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "?";
}

Result<std::unique_ptr<Decompressor>> Decompressor::Make(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return std::unique_ptr<Decompressor>();
    case Codec::kGzip:
      return std::unique_ptr<Decompressor>(std::make_unique<GzipDecompressor>());
    case Codec::kSnappy:
      return std::unique_ptr<Decompressor>(std::make_unique<SnappyDecompressor>());
    case Codec::kZstd:
      return std::unique_ptr<Decompressor>(std::make_unique<ZstdDecompressor>());
    case Codec::kLzo:
    case Codec::kBrotli:
    case Codec::kLz4:
    case Codec::kLz4Raw:
      return Unsupported("parquet: codec " + std::string(CodecName(codec)) +
                         " is not supported (binlake reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD)");
  }
  return Corruption("parquet: unknown codec " + std::to_string(static_cast<int32_t>(codec)));
}

uint64_t Decompressor::MaxDecompressedSize(Codec codec, uint64_t compressed) {
  if (compressed > (uint64_t{1} << 40)) return UINT64_MAX;  // no page is that big anyway
  switch (codec) {
    case Codec::kUncompressed:
      return compressed;
    case Codec::kGzip:  // deflate: at most 258 bytes per 2 bits of a length/distance pair
      return compressed * 1032;
    case Codec::kSnappy:  // a 3-byte copy element yields at most 64 bytes
      return compressed * 22 + 64;
    case Codec::kZstd:  // a 4-byte RLE block (3-byte header + 1 byte) yields at most 128 KiB
      return compressed * 32768;
    default:
      return 0;
  }
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
    default:
      break;
  }
  return InvalidArgument("Parquet codec " + std::string(CodecName(codec)) + " cannot be written");
}

}  // namespace binlake::parquet
