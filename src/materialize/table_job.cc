#include "materialize/table_job.h"

#include <fmt/format.h>

#include <memory>

#include "cdc/schema_history.h"
#include "config/target_layout.h"
#include "lake/change_store.h"
#include "lake/file_rows.h"
#include "lake/merge_join.h"
#include "materialize/parquet_part_writer.h"
#include "materialize/part_writer.h"

namespace binlake {
namespace {

struct KeySpec {
  std::vector<int> columns;
  std::unique_ptr<KeyEncoder> encoder;
  bool multiset = false;
};

KeySpec KeyOf(const TableSchema& schema) {
  KeySpec k;
  k.multiset = schema.primary_key.empty();
  std::vector<ColumnType> types;
  if (k.multiset) {
    for (size_t i = 0; i < schema.columns.size(); ++i) k.columns.push_back(static_cast<int>(i));
  } else {
    k.columns = schema.primary_key;
  }
  for (int c : k.columns) types.push_back(schema.columns[static_cast<size_t>(c)].type);
  k.encoder = std::make_unique<KeyEncoder>(std::move(types), k.multiset);
  return k;
}

FileRowLayout TargetLayout(const Lake& lake, const TablePlan& plan, const PlanFile& file,
                           const KeySpec& key) {
  FileRowLayout l;
  l.csv = lake.csv;
  l.parquet = lake.format == DataFormat::kParquet;
  if (l.parquet) {
    for (const Column& c : plan.schema.columns) l.types.push_back(c.type);
  }
  l.header = lake.csv.header;
  l.has_op = file.cdc || lake.op_in_load;
  l.max_extra_columns = (lake.timestamp_column ? 1 : 0) + (file.cdc ? 1 : 0);
  l.data_columns = file.data_columns;
  l.columns = file.columns;
  l.key = key.columns;
  return l;
}

FileRowLayout PartLayout(const Lake& lake, size_t columns, const KeySpec& key) {
  FileRowLayout l;
  l.csv = lake.csv;
  l.csv.gzip = false;
  l.header = true;
  l.data_columns = columns;
  for (size_t i = 0; i < columns; ++i) l.columns.push_back(static_cast<int>(i));
  l.key = key.columns;
  return l;
}

// Files read one after the other as one sequence of rows.
class ChainedRows : public SortedRows {
 public:
  ChainedRows(ObjectStore& store, const KeyEncoder& encoder, size_t chunk_bytes)
      : store_(store), encoder_(encoder), chunk_bytes_(chunk_bytes) {}
  void Add(std::string key, FileRowLayout layout) {
    files_.push_back({std::move(key), std::move(layout)});
  }
  Result<bool> Next() override {
    while (true) {
      if (!reader_) {
        if (next_ >= files_.size()) return false;
        reader_ = NewFileRowReader(store_, files_[next_].first, files_[next_].second, encoder_,
                                   chunk_bytes_);
        ++next_;
      }
      ASSIGN_OR_RETURN(bool more, reader_->Next());
      if (more) return true;
      reader_.reset();
    }
  }
  std::string_view key() const override { return reader_->key(); }
  std::string_view row() const override { return reader_->row(); }
  std::string where() const override { return reader_ ? reader_->name() : store_.Describe(); }

 private:
  ObjectStore& store_;
  const KeyEncoder& encoder_;
  size_t chunk_bytes_;
  std::vector<std::pair<std::string, FileRowLayout>> files_;
  size_t next_ = 0;
  std::unique_ptr<FileRowReader> reader_;
};

// Reads a file's rows into the store as changes.
Status AddFile(ObjectStore& target, const std::string& key, const FileRowLayout& layout,
               const KeySpec& spec, size_t chunk_bytes, ChangeStore* changes) {
  std::unique_ptr<FileRowReader> reader =
      NewFileRowReader(target, key, layout, *spec.encoder, chunk_bytes);
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more) return Status::Ok();
    Status s = changes->Add(reader->op(), reader->key(), reader->row());
    if (!s.ok()) return Corruption(reader->name() + ": " + s.message());
  }
}

std::function<std::string()> PartNamer(const TablePlan& plan, uint64_t version,
                                       const char* extension) {
  auto n = std::make_shared<uint64_t>(0);
  const std::string folder = PartFolder(plan.schema.schema, plan.schema.table);
  return [folder, version, n, extension] {
    return folder + fmt::format("part-{:08}-{:05}.{}", version, ++*n, extension);
  };
}

// The part files' writer: CSV in the target's dialect, or Parquet.
Result<std::unique_ptr<PartSink>> NewPartSink(ObjectStore& output, const Lake& lake,
                                              const TablePlan& plan,
                                              const TableJobOptions& options) {
  if (options.parquet) {
    return std::unique_ptr<PartSink>(
        new ParquetPartWriter(output, plan.schema, lake.csv, options.parquet_options,
                              options.max_part_bytes, PartNamer(plan, options.version, "parquet")));
  }
  ASSIGN_OR_RETURN(std::string header, CsvHeaderRow(plan.schema, lake.csv));
  return std::unique_ptr<PartSink>(new PartWriter(output, std::move(header), lake.csv.row_delimiter,
                                                  options.max_part_bytes,
                                                  PartNamer(plan, options.version, "csv")));
}

MaterializedTable Describe(const TablePlan& plan) {
  MaterializedTable t;
  t.schema = plan.schema.schema;
  t.table = plan.schema.table;
  t.columns = SchemaHistory::Describe(plan.schema);
  return t;
}

}  // namespace

std::string PartFolder(const std::string& schema, const std::string& table) {
  return TableFolder("", schema, table);
}

Result<MaterializedTable> MaterializeTableFull(ObjectStore& target, ObjectStore& output,
                                               const Lake& lake, const TablePlan& plan,
                                               const TableJobOptions& options) {
  MaterializedTable result = Describe(plan);
  const KeySpec key = KeyOf(plan.schema);
  // Only the steps after the last TRUNCATE count.
  size_t first = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].kind == PlanStep::Kind::kTruncate) first = i + 1;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    // attempt 0: LOAD files as the base (needs key order); attempt 1: everything as changes.
    const bool base_from_load = attempt == 0 && !key.multiset;
    ChangeStore changes({options.memory_bytes, options.spill_dir});
    ChainedRows base(target, *key.encoder, options.chunk_bytes);
    for (size_t i = first; i < plan.steps.size(); ++i) {
      const PlanFile& f = plan.steps[i].file;
      FileRowLayout layout = TargetLayout(lake, plan, f, key);
      if (!f.cdc && base_from_load) {
        base.Add(f.key, std::move(layout));
      } else {
        RETURN_IF_ERROR(AddFile(target, f.key, layout, key, options.chunk_bytes, &changes));
      }
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
    ChangeQueue queue(cursor.get());
    RETURN_IF_ERROR(queue.Start());
    ASSIGN_OR_RETURN(std::unique_ptr<PartSink> parts, NewPartSink(output, lake, plan, options));
    MergeStats stats;
    Status merged = MergeJoin(base_from_load ? &base : nullptr, &queue, false, {}, key.multiset,
                              parts.get(), &stats);
    if (!merged.ok()) {
      parts->Discard();
      if (stats.base_unordered && base_from_load) continue;  // again, LOAD rows as changes
      return merged;
    }
    Result<std::vector<PartInfo>> written = parts->Finish();
    if (!written.ok()) {
      parts->Discard();
      return written.status();
    }
    result.parts = std::move(written).value();
    result.parts_written = result.parts.size();
    result.rows = stats.rows;
    result.inconsistencies = stats.inconsistencies;
    return result;
  }
  return Internal("materialize: no attempt finished");
}

Result<MaterializedTable> AdvanceTable(ObjectStore& target, ObjectStore& output, const Lake& lake,
                                       const MaterializedTable& previous,
                                       const TablePlan& increment, const TableJobOptions& options) {
  MaterializedTable result = Describe(increment);
  result.rebuilt = false;
  result.inconsistencies = previous.inconsistencies;
  const KeySpec key = KeyOf(increment.schema);
  ChangeStore changes({options.memory_bytes, options.spill_dir});
  for (const PlanStep& step : increment.steps) {
    if (step.kind != PlanStep::Kind::kFile) return Internal("an increment with a TRUNCATE");
    RETURN_IF_ERROR(AddFile(target, step.file.key, TargetLayout(lake, increment, step.file, key),
                            key, options.chunk_bytes, &changes));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
  ChangeQueue queue(cursor.get());
  RETURN_IF_ERROR(queue.Start());
  if (options.parquet) return Internal("an advance of Parquet parts");
  ASSIGN_OR_RETURN(std::string header, CsvHeaderRow(increment.schema, lake.csv));
  PartWriter parts(output, header, lake.csv.row_delimiter, options.max_part_bytes,
                   PartNamer(increment, options.version, "csv"));
  auto fail = [&](Status s) {
    parts.Discard();
    return s;
  };
  const FileRowLayout part_layout = PartLayout(lake, increment.schema.columns.size(), key);
  MergeStats stats;
  uint64_t kept_rows = 0;
  size_t taken = 0;  // the writer's parts already in result.parts
  auto take_written = [&]() -> Status {
    Result<std::vector<PartInfo>> written = parts.Finish();  // closes the current part
    RETURN_IF_ERROR(written.status());
    for (; taken < written->size(); ++taken) result.parts.push_back((*written)[taken]);
    return Status::Ok();
  };
  const auto& old = previous.parts;
  if (old.empty()) {
    Status s = MergeJoin(nullptr, &queue, false, {}, key.multiset, &parts, &stats);
    if (!s.ok()) return fail(s);
  }
  for (size_t i = 0; i < old.size(); ++i) {
    const bool bounded = i + 1 < old.size();
    const std::string_view upper = bounded ? std::string_view(old[i + 1].first_key) : "";
    if (queue.empty() || (bounded && queue.key() >= upper)) {
      // No change in this part's range: kept as it is.
      Status s = take_written();
      if (!s.ok()) return fail(s);
      result.parts.push_back(old[i]);
      kept_rows += old[i].rows;
      continue;
    }
    ChainedRows base(output, *key.encoder, options.chunk_bytes);
    base.Add(old[i].file, part_layout);
    Status s = MergeJoin(&base, &queue, bounded, upper, key.multiset, &parts, &stats);
    if (!s.ok()) return fail(s);
  }
  Status s = take_written();
  if (!s.ok()) return fail(s);
  result.parts_written = taken;
  result.rows = kept_rows + stats.rows;
  result.inconsistencies += stats.inconsistencies;
  return result;
}

}  // namespace binlake
