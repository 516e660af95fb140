// ColumnChunkWriter: one leaf column of the row group being built. Values are encoded as they
// arrive into the current data page; a page is closed (levels + values, compressed) when its
// encoded size reaches DataPageSize, and kept in memory until the row group is flushed, because
// the dictionary page must precede the data pages and keeps growing until then.
//
// Page layout (Parquet format, "Data Pages"; every binlake column is OPTIONAL, max definition
// level 1, no repetition levels):
//   DATA_PAGE (v1)   compressed( int32 LE length + RLE-hybrid def levels ++ values )
//   DATA_PAGE_V2     RLE-hybrid def levels (never compressed) ++ compressed( values )
//   values           PLAIN, or one byte bit width ++ RLE-hybrid dictionary indices
//   DICTIONARY_PAGE  compressed( PLAIN entries )
// Dictionary encoding falls back to PLAIN for the rest of the chunk once the dictionary's PLAIN
// size exceeds DictPageSizeLimit (Arrow's behaviour): pages already written keep their indices
// and the dictionary page is still written. Each new chunk starts with dictionary encoding again.
// After the chunk's first kDictionaryProbeValues values, and again when its first page closes,
// the dictionary is dropped and the open page rewritten PLAIN if dictionary + indices are not
// smaller than the PLAIN values (parquet-mr's first-page check; DuckDB decides likewise): unique
// columns such as keys pay neither for a dictionary nor for hashing every value.
//
// Memory: the closed pages of the chunk, one open page, the dictionary.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/object_writer.h"
#include "common/status.h"
#include "format/parquet/compression.h"
#include "format/parquet/dictionary.h"
#include "format/parquet/metadata.h"
#include "format/parquet/statistics.h"

namespace binlake::parquet {

inline constexpr uint64_t kDictionaryProbeValues = 1024;

struct ColumnChunkOptions {
  PhysicalType type = PhysicalType::kByteArray;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  SortOrder sort_order = SortOrder::kBytesUnsigned;
  std::string name;  // path_in_schema (a top-level column)
  bool dictionary = true;
  // Labels of dictionary-encoded pages: (RLE_DICTIONARY, PLAIN) or the 1.0 spelling
  // (PLAIN_DICTIONARY, PLAIN_DICTIONARY). The bytes are the same.
  Encoding dictionary_data_encoding = Encoding::kRleDictionary;
  Encoding dictionary_page_encoding = Encoding::kPlain;
  bool data_page_v2 = false;
  Codec codec = Codec::kUncompressed;
  uint64_t data_page_size = 1024000;
  uint64_t dictionary_page_size_limit = 1024000;
  bool statistics = true;
};

class ColumnChunkWriter {
 public:
  // `compressor` is shared by the columns of a file (nullptr for UNCOMPRESSED) and must outlive
  // the writer.
  ColumnChunkWriter(ColumnChunkOptions options, Compressor* compressor);

  void AddNull();
  void AddInt32(int32_t v);
  void AddInt64(int64_t v);
  void AddFloat(float v);
  void AddDouble(double v);
  // BYTE_ARRAY content, or exactly type_length bytes for FIXED_LEN_BYTE_ARRAY.
  void AddBytes(std::string_view v);

  // The status of the first failure while closing a page (compression), sticky.
  const Status& status() const { return status_; }

  // Closes the open page and writes the chunk (dictionary page, data pages) to `sink`, whose
  // next byte is at `file_offset`. Fills `chunk` and resets the writer for the next row group.
  Status Flush(int64_t file_offset, ObjectWriter* sink, ColumnChunk* chunk);

  // Bytes held for the current chunk: closed pages, the open page, the dictionary.
  uint64_t BufferedBytes() const;
  // Uncompressed bytes of the chunk so far (for the file-size estimate).
  uint64_t EstimatedUncompressedBytes() const;
  uint64_t num_values() const { return num_values_; }

 private:
  void AddEncoded(std::string_view plain);  // a non-null value's PLAIN bytes (no length prefix)
  void MaybeClosePage();
  void ClosePage();
  void FallBackToPlain();
  // First page of a chunk in dictionary mode: if the dictionary does not pay, rewrites the open
  // page as PLAIN and leaves dictionary mode for the chunk; else keeps it, for good if `commit`.
  void DecideDictionary(bool commit);
  // Appends header + body of a page to `out`, compressing `body` (v1/dictionary pages), or only
  // `values` after the uncompressed `levels` (v2).
  void AppendPage(PageHeader header, std::string_view levels, std::string_view values,
                  std::string* out);
  void NotePage(PageType type, Encoding encoding);

  ColumnChunkOptions options_;
  Compressor* compressor_;
  int fixed_width_;
  Status status_;

  // Open page.
  std::vector<uint8_t> def_levels_;
  uint32_t page_nulls_ = 0;
  std::vector<uint32_t> indices_;  // dictionary mode
  std::string plain_values_;       // plain mode
  // Chunk.
  bool dictionary_mode_;
  bool dictionary_kept_ = false;  // a dictionary-encoded page of this chunk exists
  DictionaryBuilder dictionary_;
  StatisticsCollector stats_;
  std::string pages_;  // closed data pages: header + body each
  uint64_t num_values_ = 0;
  uint64_t uncompressed_bytes_ = 0;  // closed data pages, headers included
  std::map<std::pair<PageType, Encoding>, int32_t> page_counts_;
  // Scratch.
  std::string body_;
  std::string compressed_;
  std::string header_;
};

}  // namespace binlake::parquet
