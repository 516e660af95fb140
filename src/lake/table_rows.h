// A table's rows as of a plan's point (lake/table_plan.h), merged from its LOAD and CDC files in
// key order: the one merge of LOAD + CDC that materialize writes as part files and validate
// compares with the source.
//
//   - The key (TableKey): the primary key's columns, or every column for a table without one
//     (a multiset; lake/row_key.h says how keys are encoded and ordered).
//   - MergeTableRows: the LOAD files are the base when their rows come in key order (the full
//     load reads InnoDB tables in primary-key order); the CDC changes go through a ChangeStore
//     (lake/change_store.h, spilling past its memory budget). When the LOAD rows are not in key
//     order (or the table has no primary key), the sink is told to start over
//     (RestartableSink::Restart) and the LOAD rows go through the ChangeStore too. Only the
//     steps after the plan's last TRUNCATE count.
//
// Thread-safety: one thread per call; the store may be shared with other threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "lake/change_store.h"
#include "lake/file_rows.h"
#include "lake/lake_reader.h"
#include "lake/merge_join.h"
#include "lake/row_key.h"
#include "lake/table_plan.h"
#include "store/object_store.h"

namespace binlake {

struct TableKey {
  std::vector<int> columns;  // schema columns, in key order
  std::unique_ptr<KeyEncoder> encoder;
  bool multiset = false;  // no primary key: the key is every column
};
TableKey KeyOfTable(const TableSchema& schema);

// How a file of the target holds its rows (format and dialect, Op, extra columns, the mapping to
// the plan's columns, the plan's column types for Parquet files, the rows to take).
FileRowLayout TargetFileLayout(const Lake& lake, const TablePlan& plan, const PlanFile& file,
                               const TableKey& key);

// The first step of `plan` whose rows count: the one after its last TRUNCATE (0 without one).
size_t FirstCountingStep(const TablePlan& plan);

// Files read one after the other as one sequence of rows (each file's rows must be in key
// order, and each file's keys above the previous file's, for a valid SortedRows).
class ChainedRows : public SortedRows {
 public:
  ChainedRows(ObjectStore& store, const KeyEncoder& encoder, size_t chunk_bytes)
      : store_(store), encoder_(encoder), chunk_bytes_(chunk_bytes) {}
  void Add(std::string key, FileRowLayout layout) {
    files_.push_back({std::move(key), std::move(layout)});
  }
  Result<bool> Next() override;
  std::string_view key() const override { return reader_->key(); }
  std::string_view row() const override { return reader_->row(); }
  const std::vector<Value>* values() const override { return reader_->values(); }
  std::string where() const override { return reader_ ? reader_->name() : store_.Describe(); }

 private:
  ObjectStore& store_;
  const KeyEncoder& encoder_;
  size_t chunk_bytes_;
  std::vector<std::pair<std::string, FileRowLayout>> files_;
  size_t next_ = 0;
  std::unique_ptr<FileRowReader> reader_;
};

// Reads every row of a file into `changes` (op, key, row), or only those whose key lies in
// [lower, upper) (encoded keys; empty: open). Errors name the object.
Status AddFileChanges(ObjectStore& store, const std::string& key, const FileRowLayout& layout,
                      const KeyEncoder& encoder, size_t chunk_bytes, ChangeStore* changes,
                      std::string_view lower = {}, std::string_view upper = {});

// One key range of a table, [lower, upper) in encoded keys (lake/row_key.h; empty: open), and
// where its LOAD rows are: byte slices of the LOAD files between split points
// (fullload/table_output.h OutputFile::splits, FileRowLayout::begin/end). validate compares a
// table range by range in parallel (validate/table_chunks.h).
struct TableSlice {
  struct Part {
    std::string key;  // a LOAD file of the plan
    uint64_t begin = 0;
    uint64_t end = UINT64_MAX;
  };
  std::vector<Part> load;  // in key order; the plan's LOAD files not named here are not read
  std::string lower, upper;
};

// A RowSink that can drop what it was given and start over.
class RestartableSink : public RowSink {
 public:
  virtual Status Restart() = 0;
};

struct TableMergeOptions {
  uint64_t memory_bytes = 128ull << 20;  // the ChangeStore's budget
  std::string spill_dir = "/tmp";
  size_t chunk_bytes = 8u << 20;  // read size of the input files
  // Validate reads a lake that may be damaged: when set, a file the plan names that does not
  // exist is left out and its key added here, instead of failing with kNotFound.
  std::vector<std::string>* missing_files = nullptr;
  // Likewise: CSV records with fewer fields than columns are read in order (the last columns
  // NULL) and described here (FileRowLayout::short_records), instead of failing.
  std::vector<std::string>* short_records = nullptr;
  // Only this key range (nullptr: the whole table). The LOAD slices are the base; when their
  // rows are not in key order inside [lower, upper), or a slice does not begin or end where a
  // row does, the merge fails and *slice_broken (which must then be set) becomes true: the
  // caller merges the whole table instead.
  const TableSlice* slice = nullptr;
  bool* slice_broken = nullptr;
};

// The table's rows as of the plan's point, in key order, into `sink`. A file that does not exist
// fails the read (unless options.missing_files collects it).
Status MergeTableRows(ObjectStore& target, const Lake& lake, const TablePlan& plan,
                      const TableMergeOptions& options, RestartableSink* sink, MergeStats* stats);

}  // namespace binlake
