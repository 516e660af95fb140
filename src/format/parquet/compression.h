// Page compression for the Parquet codecs binlake writes (parquet.thrift CompressionCodec,
// Compression.md): GZIP is a gzip stream (RFC 1952, zlib's deflate with a gzip wrapper), SNAPPY
// the raw snappy block format (no framing), ZSTD a zstd frame (RFC 8878). Each page is compressed
// on its own.
//
// Thread-safety: a Compressor keeps a reusable codec context; one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/parquet/parquet_format.h"

namespace binlake::parquet {

class Compressor {
 public:
  virtual ~Compressor() = default;
  // Replaces the contents of *out with the compressed form of `input`.
  virtual Status Compress(std::string_view input, std::string* out) = 0;

  // `level` 0 means the codec's default (GZIP 1, ZSTD 3); ignored by SNAPPY.
  // Returns nullptr for kUncompressed (callers use the input as is).
  static Result<std::unique_ptr<Compressor>> Make(Codec codec, int level);
};

}  // namespace binlake::parquet
