// TableOutput: the full-load files of one table, `<prefix>LOAD00000001.<ext>`, ... (DMS naming:
// 8 uppercase hex digits), starting a new file when the current one reaches MaxFileSize.
// Each file becomes visible only when complete (RowFileWriter::Finish -> ObjectWriter::Close).
//
// Thread-safety: one thread at a time (the chunk sequencer's turn holder).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "format/row_file_writer.h"
#include "store/object_store.h"

namespace binlake {

struct OutputFile {
  std::string key;
  uint64_t rows = 0;
  uint64_t bytes = 0;  // bytes stored (after compression)
  // Split points: offsets in the object where a row begins (after the first row; ascending),
  // about every TableOutput::set_split_bytes bytes. Only files whose format can say where a row
  // begins have them (uncompressed CSV: RowFileWriter::NextRowOffset). validate reads a table in
  // parallel key ranges that begin at such points (validate/table_chunks.h).
  std::vector<uint64_t> splits;
};

// "LOAD0000000A" for n = 10.
std::string LoadFileName(uint32_t n);

class TableOutput {
 public:
  TableOutput(ObjectStore* store, std::string key_prefix, const TableSchema* schema,
              OutputColumns columns, RowFileWriterFactory factory, std::string extension,
              uint64_t max_file_bytes);
  ~TableOutput();

  // S3 object tags for every data file (post-processing rules); none by default.
  void set_tags(std::vector<std::pair<std::string, std::string>> tags) { tags_ = std::move(tags); }

  Status Append(const RowMeta& meta, std::span<const Value> values);
  // Record a split point (OutputFile::splits) each time a file has grown by `bytes` since the
  // last one (0: none).
  void set_split_bytes(uint64_t bytes) { split_bytes_ = bytes; }
  // Completes the last file. A table with no rows produces no file (as DMS).
  Status Finish();
  // Discards the file being written (nothing partial becomes visible).
  void Abort();

  const std::vector<OutputFile>& files() const { return files_; }
  uint64_t rows() const { return rows_; }
  uint64_t bytes() const;

 private:
  Status StartFile();
  Status FinishFile();

  ObjectStore* store_;
  std::string key_prefix_;
  const TableSchema* schema_;
  OutputColumns columns_;
  RowFileWriterFactory factory_;
  std::string extension_;
  uint64_t max_file_bytes_;
  std::unique_ptr<RowFileWriter> writer_;
  std::shared_ptr<uint64_t> current_bytes_;  // bytes handed to the current object
  std::vector<OutputFile> files_;
  uint64_t rows_ = 0;
  uint64_t split_bytes_ = 0;
  uint64_t last_split_ = 0;  // in the current file
  std::vector<std::pair<std::string, std::string>> tags_;
};

}  // namespace binlake
