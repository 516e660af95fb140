// Page compression for the Parquet codecs binlake writes (parquet.thrift CompressionCodec,
// Compression.md): GZIP is a gzip stream (RFC 1952, zlib's deflate with a gzip wrapper), SNAPPY
// the raw snappy block format (no framing), ZSTD a zstd frame (RFC 8878). Each page is compressed
// on its own. Decompressor reads the same codecs back (the reader, parquet_reader.h).
//
// Thread-safety: a Compressor or Decompressor keeps a reusable codec context; one thread at a
// time.
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

// Decompresses the pages of untrusted files. The caller knows the page's uncompressed size
// (PageHeader.uncompressed_page_size) and has checked it against MaxDecompressedSize before
// allocating the output.
class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Decompresses `input` into exactly `out_size` bytes at `out`. kCorruption ("parquet: <codec>
  // ...", one line) when `input` is not a valid stream of the codec or its content is not
  // exactly `out_size` bytes. Never writes past out + out_size. GZIP accepts several gzip members
  // one after the other (Compression.md: readers should).
  virtual Status Decompress(std::string_view input, char* out, size_t out_size) = 0;

  // Returns nullptr for kUncompressed (the input is the data); kUnsupported for LZO, BROTLI, LZ4
  // and LZ4_RAW (valid Parquet codecs binlake does not link), kCorruption for unknown values.
  static Result<std::unique_ptr<Decompressor>> Make(Codec codec);

  // The most `compressed` bytes of `codec` can decompress to (the codec's best ratio: deflate
  // 1032:1, snappy 64 bytes per 3-byte copy, zstd 128 KiB per 4-byte RLE block), so a page
  // header claiming more is corrupt without trying.
  static uint64_t MaxDecompressedSize(Codec codec, uint64_t compressed);
};

}  // namespace binlake::parquet
