// The state of one column while a ParquetRowReader (format/parquet/parquet_reader.h) reads a
// row group: the chunk, its dictionary, the current page, and the buffers the current batch's
// values point into; and the helpers the reader and the column share. Internal to
// parquet_reader.cc and column_state.cc (the column's decoding: pages, dictionaries, PLAIN and
// dictionary values, definition levels).
//
// Errors: every byte comes from the file; each check returns kCorruption (one line, naming the
// row group and the column), never an assert. Thread-safety: one thread, as the reader.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/compression.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/reader_util.h"
#include "format/parquet/rle_decoder.h"

namespace binlake::parquet {
namespace column_detail {

// Batches are capped so that a row group claiming billions of rows cannot make the reader
// allocate for them at once.
constexpr size_t kMaxBatchRows = size_t{1} << 20;

inline std::string EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "#" + std::to_string(static_cast<int32_t>(e));
}

// Where a physical type's values go in a ColumnBatch.
enum class Slot { kInt, kDouble, kBytes };
inline Slot SlotOf(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return Slot::kInt;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return Slot::kDouble;
    default:
      return Slot::kBytes;
  }
}

// A byte buffer that grows without zero-filling and keeps its capacity (page buffers are
// reused from batch to batch). Moving it keeps the data where it is.
struct Buffer {
  std::unique_ptr<char[]> data;
  size_t capacity = 0;
  char* Reserve(size_t n) {
    if (n > capacity || data == nullptr) {
      // A quarter more, so that the next page, a little larger, still fits.
      capacity = std::max<size_t>(n + n / 4, 64);
      data = std::make_unique_for_overwrite<char[]>(capacity);
    }
    return data.get();
  }
};

}  // namespace column_detail

// One column of a ParquetRowReader: the chunk of the current row group, its dictionary, the
// current page and the buffers the current batch's values point into.
struct ParquetRowReader::ColumnState {
  enum class Values { kPlain, kDictionary, kRleBoolean };

  const ParquetColumn* column = nullptr;
  std::string name;  // printable, for messages
  PhysicalType type = PhysicalType::kByteArray;
  column_detail::Slot slot = column_detail::Slot::kBytes;
  size_t width = 0;  // bytes of a fixed-width value; 0 for BYTE_ARRAY and BOOLEAN
  bool has_levels = false;
  ReaderOptions options;
  size_t row_group = 0;

  // The chunk.
  std::string_view rest;    // bytes of the chunk not yet read
  int64_t values_left = 0;  // values of the chunk not in a page read yet
  bool seen_data_page = false;
  Codec codec = Codec::kUncompressed;
  Decompressor* decompressor = nullptr;  // the reader's, for `codec`; nullptr: UNCOMPRESSED

  // The dictionary of the chunk (PLAIN entries, decoded once).
  bool has_dictionary = false;
  size_t dictionary_size = 0;
  column_detail::Buffer dictionary_buffer;
  std::vector<int64_t> dictionary_ints;
  std::vector<double> dictionary_doubles;
  std::vector<std::string_view> dictionary_bytes;

  // The current page.
  int64_t page_left = 0;       // values of the page not decoded yet
  bool page_buffered = false;  // the page's bytes are live.back()
  RleDecoder levels;
  Values encoding = Values::kPlain;
  std::string_view plain;    // kPlain: the values not decoded yet
  uint64_t boolean_bit = 0;  // kPlain BOOLEAN: the next bit of `plain`
  bool indices_present = false;
  RleDecoder indices;  // kDictionary (or the booleans of kRleBoolean)

  // Decompressed pages the current batch's values may point into, and spare buffers.
  std::vector<column_detail::Buffer> live;
  std::vector<column_detail::Buffer> pool;
  std::vector<uint32_t> scratch;

  // "parquet: row group N, column "x": " (built only for an error).
  std::string Context() const {
    return "parquet: row group " + std::to_string(row_group) + ", column \"" + name + "\": ";
  }
  Status Corrupt(std::string_view what) const { return Corruption(Context() + std::string(what)); }
  // A status from a helper ("parquet: <what>") with this column's context.
  Status WithContext(const Status& s) const {
    std::string_view m = s.message();
    if (m.substr(0, 9) == "parquet: ") m.remove_prefix(9);
    return Status(s.code(), Context() + std::string(m));
  }

  void StartChunk(size_t group, std::string_view chunk, const ColumnMetaData& meta,
                  Decompressor* d);
  Status Read(size_t n, ColumnBatch* batch);
  Status NextPage();
  Status ReadDictionary(const PageHeader& h, std::string_view body);
  Status StartDataPage(const PageHeader& h, std::string_view body);
  Result<std::string_view> Decompress(std::string_view body, int64_t size,
                                      column_detail::Buffer* into);
  column_detail::Buffer* NewPageBuffer();
  Status DecodeValues(size_t m, size_t at, ColumnBatch* b);
  Status DecodePlain(size_t m, size_t at, ColumnBatch* b);
  Status DecodeDictionary(size_t m, size_t at, ColumnBatch* b);
};

}  // namespace binlake::parquet
