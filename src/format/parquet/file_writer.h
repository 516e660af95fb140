// ParquetFileWriter: the RowFileWriter of DataFormat=parquet (see parquet_writer.h). Layering,
// as in Arrow and DuckDB: this file writer owns the row group (one ColumnChunkWriter per output
// column), converts each Value (type_mapping.h), and writes the footer (metadata.h); column
// writers encode pages (rle_encoder.h, dictionary.h), compress them (compression.h) and hand
// chunks to the ObjectWriter sink.
//
// A row is converted completely before any column sees it, so a value that cannot be written
// fails that Append and leaves the file consistent. A sink failure is sticky: every later call
// returns it.
//
// Memory: the open row group (BufferedBytes), never the whole file: the row group is flushed at
// RowGroupLength rows or row_group_max_bytes, whichever comes first.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "format/parquet/column_writer.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {

class ParquetFileWriter final : public RowFileWriter {
 public:
  static Result<std::unique_ptr<ParquetFileWriter>> Make(const TableSchema& schema,
                                                         const OutputColumns& extra,
                                                         const ParquetWriterOptions& options,
                                                         std::unique_ptr<ObjectWriter> sink);
  ~ParquetFileWriter() override;

  Status Append(const RowMeta& meta, std::span<const Value> values) override;
  uint64_t EstimatedSize() const override;
  uint64_t rows() const override { return rows_; }
  Status Finish() override;
  Result<std::string> Prepare() override;
  void Abort() override;

  // Bytes held for the open row group (pages, open pages, dictionaries).
  uint64_t BufferedBytes() const;
  uint64_t row_groups_written() const { return meta_.row_groups.size(); }

  // Row groups copied as encoded bytes (a materialized part rewritten, materialize/
  // parquet_part_rewrite.h). The next Append starts a row group at offset() when
  // AtRowGroupStart() (no row of the open one yet).
  bool AtRowGroupStart() const { return rows_in_group_ == 0; }
  uint64_t offset() const { return static_cast<uint64_t>(offset_); }
  // Whether row groups of a file whose footer is `other` can be copied into this one: the same
  // schema elements (names, types, annotations, in order).
  bool SameSchema(const FileMetaData& other) const;
  // Closes the open row group, then appends `groups`, which another file holds at
  // [source_offset, source_offset + length) as encoded bytes: `copy` writes exactly those bytes
  // to the sink it is given. The groups' offsets are moved to where the bytes land here.
  // kInvalidArgument (nothing written) when a group's chunks lie outside that range or its
  // columns do not match this file's; a failed copy is sticky like any sink failure.
  Status AppendRowGroups(std::span<const RowGroup> groups, uint64_t source_offset, uint64_t length,
                         const std::function<Status(ObjectWriter*)>& copy);

 private:
  ParquetFileWriter() = default;
  Status FlushRowGroup();
  Status WriteFooter();  // the last row group and the footer
  bool prepared_ = false;
  Status Write(std::string_view bytes);

  ParquetWriterOptions options_;
  std::unique_ptr<ObjectWriter> sink_;
  std::unique_ptr<Compressor> compressor_;
  bool include_op_ = false;
  bool include_timestamp_ = false;
  bool include_sequence_ = false;
  size_t num_extra_ = 0;
  std::vector<ColumnSpec> specs_;  // output columns, extra columns first
  std::vector<ColumnType> types_;  // the table column types (for rendering text)
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  FileMetaData meta_;
  int64_t offset_ = 0;
  uint64_t rows_ = 0;
  uint64_t rows_in_group_ = 0;
  std::vector<Cell> cells_;
  std::vector<std::string> scratch_;
  Status failed_;
  bool open_ = true;
};

}  // namespace binlake::parquet
