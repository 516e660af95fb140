// Reading Parquet files back as rows: the LOAD and CDC files binlake's writer produces
// (parquet_writer.h, README.md beside this file), for `binlake materialize`. It also reads
// other writers' flat files that use the same features (DuckDB's and Arrow's defaults).
//
// What it reads (parquet-format, https://github.com/apache/parquet-format):
//   - the file layout (README.md "File format"): "PAR1", column chunks, the FileMetaData footer,
//     its 4-byte little-endian length, "PAR1";
//   - the footer and page headers (parquet.thrift: FileMetaData, SchemaElement, RowGroup,
//     ColumnChunk, ColumnMetaData, PageHeader, DataPageHeader, DataPageHeaderV2,
//     DictionaryPageHeader, LogicalType) in the Thrift compact protocol (thrift_compact.h);
//   - a flat schema: a root group whose children are all REQUIRED or OPTIONAL leaves (max
//     definition level 0 or 1, no repetition levels; README.md "Nested Encoding");
//   - pages (README.md "Data Pages", "Column chunks"): DICTIONARY_PAGE (PLAIN entries),
//     DATA_PAGE (v1: levels and values compressed together) and DATA_PAGE_V2 (levels never
//     compressed, values compressed when is_compressed); INDEX_PAGE and unknown page types are
//     skipped;
//   - encodings (Encodings.md): definition levels RLE/bit-packed hybrid ("Run Length Encoding /
//     Bit-Packing Hybrid (RLE = 3)"); values PLAIN ("Plain (PLAIN = 0)"), PLAIN_DICTIONARY and
//     RLE_DICTIONARY ("Dictionary Encoding (PLAIN_DICTIONARY = 2 and RLE_DICTIONARY = 8)"), and
//     RLE for BOOLEAN;
//   - codecs (Compression.md): UNCOMPRESSED, SNAPPY (raw block), GZIP (RFC 1952, several
//     members allowed; a zlib stream is accepted too), ZSTD (RFC 8878).
// Not supported (kUnsupported, one line naming it): nested or repeated columns, columns stored
// in other files (ColumnChunk.file_path), encrypted files ("PARE"), the codecs LZO, BROTLI, LZ4,
// LZ4_RAW, the encodings DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
// BYTE_STREAM_SPLIT, and BIT_PACKED definition levels. Page CRCs and statistics are not checked.
//
// Values come back as the physical types the writer used, one slot per row:
//   BOOLEAN               ints   (0 or 1)
//   INT32                 ints   (sign-extended: for an unsigned annotation, UINT_8/16/32 or
//                                 INT(x, false), take static_cast<uint32_t>)
//   INT64                 ints   (UINT_64 / INT(64, false): static_cast<uint64_t>)
//   FLOAT                 doubles (widened exactly: static_cast<float> gives the stored float)
//   DOUBLE                doubles
//   INT96                 bytes  (the 12 stored bytes)
//   BYTE_ARRAY            bytes
//   FIXED_LEN_BYTE_ARRAY  bytes  (type_length bytes; DECIMAL: big-endian two's complement)
// The logical / converted type (ParquetColumn) says what they mean; the reader converts nothing.
//
// Untrusted input: the bytes come from a store. Every length, offset, count, bit width and
// varint is checked; bad bytes give one kCorruption status whose message is one line starting
// "parquet: " (with the row group and column when known), never a crash, an exception or an
// assert. Allocations are bounded by the input: footer structures by the footer's bytes, a
// dictionary by its page's bytes, a decompressed page by its codec's best ratio
// (Decompressor::MaxDecompressedSize) and ReaderOptions::max_page_bytes, and the decoded values
// by the batch size. A row count a run-length encoded page claims costs time to decode, not
// memory. fuzz/parquet_reader_fuzz.cc runs this on mutated files.
//
// Usage:
//   ASSIGN_OR_RETURN(ParquetFile file, ParquetFile::Open(bytes));
//   for (const ParquetColumn& c : file.columns()) ... c.name, c.type, c.logical, c.optional
//   int id = file.FindColumn("id");                       // -1 when absent
//   ASSIGN_OR_RETURN(auto reader, ParquetRowReader::Make(&file, {.columns = {id, ...}}));
//   // Bulk: column batches (at most batch_rows rows, never across row groups).
//   while (true) {
//     ASSIGN_OR_RETURN(size_t n, reader->NextBatch());
//     if (n == 0) break;
//     const ColumnBatch& ids = reader->column(0);        // the first of options.columns
//     for (size_t r = 0; r < n; ++r) if (!ids.IsNull(r)) Use(ids.ints[r]);
//   }
//   // Or row by row (the same batches underneath):
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, reader->Next());
//     if (!more) break;
//     Field f = reader->field(0);                          // f.null, f.i, f.d, f.bytes
//   }
//
// Ownership: a ParquetFile borrows the file's bytes, which must outlive it and every reader and
// batch made from it. A ParquetRowReader borrows its ParquetFile. Byte values (bytes, Field::
// bytes) point into the file's bytes or into the reader's page buffers and stay valid until the
// reader's next NextBatch (or the Next that starts a new batch); copy what must live longer.
//
// Thread-safety: a ParquetFile is immutable after Open: any number of threads may read its
// schema and make readers from it at once. A ParquetRowReader (and its batches) belongs to one
// thread; readers of different row-group ranges of one file may run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/parquet/metadata.h"
#include "format/parquet/parquet_format.h"

namespace binlake::parquet {

class Decompressor;

struct ReaderOptions {
  // The largest decompressed page the reader allocates; a page whose header claims more is
  // kCorruption. Parquet page sizes are i32, so the default refuses nothing valid.
  uint64_t max_page_bytes = INT32_MAX;
};

// One leaf column of the file (a top-level column: the schema is flat).
struct ParquetColumn {
  std::string name;
  PhysicalType type = PhysicalType::kByteArray;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width; 12 for INT96; 0 otherwise
  bool optional = true;     // OPTIONAL (may hold NULL) rather than REQUIRED
  std::optional<ConvertedType> converted_type;
  LogicalType logical;  // kind == LogicalKind::kNone: none
  // DECIMAL: from the logical type, else the legacy SchemaElement fields; -1 when not a decimal.
  int32_t precision = -1;
  int32_t scale = -1;
};

class ParquetFile {
 public:
  // Checks the magic at both ends, decodes the footer and checks its schema and every column
  // chunk's byte range. `bytes` (the whole file) must outlive the ParquetFile.
  static Result<ParquetFile> Open(std::string_view bytes, const ReaderOptions& options = {});

  // A file whose row groups are fetched one at a time (memory bounded by a row group):
  // TailBytesNeeded(the file's last 8 bytes) says how many bytes at its end hold the footer;
  // OpenTail decodes them (`tail`: at least that many of the file's last bytes; checked like
  // Open, except the magic at the start). Its row groups are not in memory: before reading row
  // group g, AttachRowGroup hands its bytes (RowGroupRange(g): offset and length in the file).
  // bytes() is empty for such a file.
  static Result<uint64_t> TailBytesNeeded(std::string_view last8, uint64_t file_size);
  static Result<ParquetFile> OpenTail(std::string_view tail, uint64_t file_size,
                                      const ReaderOptions& options = {});
  std::pair<uint64_t, uint64_t> RowGroupRange(size_t row_group) const;
  // `bytes` are the file's bytes from `offset` on and must cover RowGroupRange(row_group)
  // (kInvalidArgument otherwise); they must outlive the readers of that row group. A reader that
  // reaches a row group that was never attached fails with kInvalidArgument. Not thread-safe:
  // attach while no reader of the row group runs.
  Status AttachRowGroup(size_t row_group, std::string_view bytes, uint64_t offset);

  const std::vector<ParquetColumn>& columns() const { return columns_; }
  // The index in columns() of the column named `name` (the first, if several), or -1.
  int FindColumn(std::string_view name) const;

  int64_t num_rows() const { return meta_.num_rows; }
  size_t num_row_groups() const { return meta_.row_groups.size(); }
  int64_t row_group_rows(size_t row_group) const { return meta_.row_groups[row_group].num_rows; }
  // The decoded footer (statistics, encodings, created_by, ...).
  const FileMetaData& metadata() const { return meta_; }
  std::string_view bytes() const { return bytes_; }
  const ReaderOptions& options() const { return options_; }

 private:
  friend class ParquetRowReader;
  ParquetFile() = default;
  // The footer's FileMetaData of a file of `size` bytes, checked; no row group attached.
  static Result<ParquetFile> FromFooter(std::string_view footer, uint64_t size,
                                        const ReaderOptions& options);

  std::string_view bytes_;
  ReaderOptions options_;
  FileMetaData meta_;
  std::vector<ParquetColumn> columns_;
  // Per row group, per column: the chunk's bytes (checked to lie between the magic and the
  // footer).
  std::vector<std::vector<std::string_view>> chunks_;
  // Per row group, per column: the chunk's offset and length in the file.
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> ranges_;
  std::vector<bool> attached_;  // per row group: chunks_ hold its bytes
};

// One field of one row (see the type table at the top).
struct Field {
  bool null = true;
  int64_t i = 0;           // BOOLEAN, INT32, INT64
  double d = 0;            // FLOAT, DOUBLE
  std::string_view bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96
};

// The values of one column for the rows of a batch: slot r is row r of the batch. Only the
// vector of the column's type is filled (ints, doubles or bytes); a NULL row's slot holds 0 or
// an empty view.
struct ColumnBatch {
  PhysicalType type = PhysicalType::kByteArray;
  std::vector<uint8_t> defined;  // 1: a value, 0: NULL
  size_t null_count = 0;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string_view> bytes;

  bool IsNull(size_t row) const { return defined[row] == 0; }
  Field Get(size_t row) const;
};

struct RowReaderOptions {
  // Indices into ParquetFile::columns() to read, in the order column(i) returns them; empty:
  // every column. At least one column is read.
  std::vector<int> columns;
  // Rows per batch at most (>= 1). Batches also end at row-group boundaries.
  size_t batch_rows = 4096;
  // The row groups to read: [row_group_begin, row_group_end), clamped to the file's.
  size_t row_group_begin = 0;
  size_t row_group_end = SIZE_MAX;
};

class ParquetRowReader {
 public:
  // kInvalidArgument for a column index out of range or batch_rows 0.
  static Result<std::unique_ptr<ParquetRowReader>> Make(const ParquetFile* file,
                                                        RowReaderOptions options = {});
  ~ParquetRowReader();
  ParquetRowReader(const ParquetRowReader&) = delete;
  ParquetRowReader& operator=(const ParquetRowReader&) = delete;

  // Decodes the next batch of rows; returns its size, 0 at the end. After an error the reader
  // stays failed (every later call returns the error).
  Result<size_t> NextBatch();
  // The current batch.
  size_t batch_size() const { return batch_size_; }
  const ColumnBatch& column(size_t i) const { return batches_[i]; }
  size_t num_columns() const { return batches_.size(); }
  // The row group of the current batch, and the number (within the file) of its first row.
  size_t row_group() const { return row_group_; }
  int64_t batch_first_row() const { return batch_first_row_; }

  // Row by row: moves to the next row (false at the end), reading a batch when the current one
  // is done. After a NextBatch, Next walks that batch's rows first.
  Result<bool> Next();
  // Field i (of options.columns) of the current row. REQUIRES: the last Next returned true.
  Field field(size_t i) const { return batches_[i].Get(row_in_batch_); }
  // The number (within the file) of the current row.
  int64_t row_number() const { return batch_first_row_ + static_cast<int64_t>(row_in_batch_); }

 private:
  struct ColumnState;
  explicit ParquetRowReader(const ParquetFile* file);
  Status StartRowGroup(size_t row_group);
  Status Fail(Status s);

  const ParquetFile* file_;
  RowReaderOptions options_;
  std::vector<std::unique_ptr<ColumnState>> states_;
  std::unique_ptr<Decompressor> decompressors_[8];  // by Codec value
  std::vector<ColumnBatch> batches_;
  size_t row_group_ = 0;
  size_t next_row_group_ = 0;
  bool in_row_group_ = false;
  int64_t group_rows_left_ = 0;
  int64_t next_row_ = 0;  // file row number of the next batch's first row
  int64_t batch_first_row_ = 0;
  size_t batch_size_ = 0;
  size_t row_in_batch_ = 0;       // the current row (Next)
  size_t next_row_in_batch_ = 0;  // the row the next Next returns
  Status failed_;
};

}  // namespace binlake::parquet
