#include "lake/table_rows.h"

namespace binlake {
namespace {

bool InRange(std::string_view key, std::string_view lower, std::string_view upper) {
  return CompareKeys(key, lower) >= 0 && (upper.empty() || CompareKeys(key, upper) < 0);
}

// A slice's LOAD rows, each checked to lie in the slice's key range.
class SliceRows : public SortedRows {
 public:
  SliceRows(SortedRows* inner, const TableSlice& slice, bool* broken)
      : inner_(inner), slice_(slice), broken_(broken) {}
  Result<bool> Next() override {
    ASSIGN_OR_RETURN(bool more, inner_->Next());
    if (more && !InRange(inner_->key(), slice_.lower, slice_.upper)) {
      *broken_ = true;
      return PreconditionFailed(inner_->where() + ": a row's key lies outside its slice");
    }
    return more;
  }
  std::string_view key() const override { return inner_->key(); }
  std::string_view row() const override { return inner_->row(); }
  const std::vector<Value>* values() const override { return inner_->values(); }
  std::string where() const override { return inner_->where(); }

 private:
  SortedRows* inner_;
  const TableSlice& slice_;
  bool* broken_;
};

}  // namespace

TableKey KeyOfTable(const TableSchema& schema) {
  TableKey k;
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

size_t FirstCountingStep(const TablePlan& plan) {
  size_t first = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].kind == PlanStep::Kind::kTruncate) first = i + 1;
  }
  return first;
}

FileRowLayout TargetFileLayout(const Lake& lake, const TablePlan& plan, const PlanFile& file,
                               const TableKey& key) {
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
  l.absent = plan.absent;
  l.key = key.columns;
  l.max_rows = file.max_rows;
  return l;
}

Result<bool> ChainedRows::Next() {
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

Status AddFileChanges(ObjectStore& store, const std::string& key, const FileRowLayout& layout,
                      const KeyEncoder& encoder, size_t chunk_bytes, ChangeStore* changes,
                      std::string_view lower, std::string_view upper) {
  std::unique_ptr<FileRowReader> reader =
      NewFileRowReader(store, key, layout, encoder, chunk_bytes);
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more) return Status::Ok();
    if (!InRange(reader->key(), lower, upper)) continue;
    Status s = changes->Add(reader->op(), reader->key(), reader->row());
    if (!s.ok()) return Corruption(reader->name() + ": " + s.message());
  }
}

namespace {

// The slice's LOAD rows as the base (checked to stay in its range), its changes from the CDC
// files: no second attempt (an unordered base breaks the slice: the caller merges the table).
Status MergeSlice(ObjectStore& target, const Lake& lake, const TablePlan& plan, const TableKey& key,
                  size_t first, const std::vector<bool>& skip, const TableMergeOptions& options,
                  RestartableSink* sink, MergeStats* stats) {
  const TableSlice& slice = *options.slice;
  if (key.multiset || !options.slice_broken) {
    return Internal("merge: a slice needs a primary key and slice_broken");
  }
  *stats = MergeStats();
  ChangeStore changes({options.memory_bytes, options.spill_dir});
  ChainedRows base(target, *key.encoder, options.chunk_bytes);
  for (size_t i = first; i < plan.steps.size(); ++i) {
    if (skip[i]) continue;
    const PlanFile& f = plan.steps[i].file;
    FileRowLayout layout = TargetFileLayout(lake, plan, f, key);
    layout.short_records = options.short_records;
    if (f.cdc) {
      RETURN_IF_ERROR(AddFileChanges(target, f.key, layout, *key.encoder, options.chunk_bytes,
                                     &changes, slice.lower, slice.upper));
      continue;
    }
    for (const TableSlice::Part& part : slice.load) {
      if (part.key != f.key) continue;
      FileRowLayout sliced = layout;
      sliced.begin = part.begin;
      sliced.end = part.end;
      sliced.slice_broken = options.slice_broken;
      base.Add(f.key, std::move(sliced));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
  ChangeQueue queue(cursor.get());
  RETURN_IF_ERROR(queue.Start());
  SliceRows checked(&base, slice, options.slice_broken);
  Status merged = MergeJoin(&checked, &queue, false, {}, false, sink, stats);
  if (!merged.ok() && stats->base_unordered) *options.slice_broken = true;
  return merged;
}

}  // namespace

Status MergeTableRows(ObjectStore& target, const Lake& lake, const TablePlan& plan,
                      const TableMergeOptions& options, RestartableSink* sink, MergeStats* stats) {
  const TableKey key = KeyOfTable(plan.schema);
  const size_t first = FirstCountingStep(plan);
  std::vector<bool> skip(plan.steps.size(), false);
  for (size_t i = first; i < plan.steps.size() && options.missing_files; ++i) {
    const PlanFile& f = plan.steps[i].file;
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> head, target.Head(f.key));
    if (head) continue;
    options.missing_files->push_back(f.key);
    skip[i] = true;
  }
  if (options.slice) {
    return MergeSlice(target, lake, plan, key, first, skip, options, sink, stats);
  }
  // attempt 0: LOAD files as the base (needs key order); attempt 1: everything as changes.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool base_from_load = attempt == 0 && !key.multiset;
    if (attempt > 0) RETURN_IF_ERROR(sink->Restart());
    *stats = MergeStats();
    ChangeStore changes({options.memory_bytes, options.spill_dir});
    ChainedRows base(target, *key.encoder, options.chunk_bytes);
    for (size_t i = first; i < plan.steps.size(); ++i) {
      if (skip[i]) continue;
      const PlanFile& f = plan.steps[i].file;
      FileRowLayout layout = TargetFileLayout(lake, plan, f, key);
      layout.short_records = options.short_records;
      if (!f.cdc && base_from_load) {
        base.Add(f.key, std::move(layout));
      } else {
        RETURN_IF_ERROR(
            AddFileChanges(target, f.key, layout, *key.encoder, options.chunk_bytes, &changes));
      }
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
    ChangeQueue queue(cursor.get());
    RETURN_IF_ERROR(queue.Start());
    Status merged =
        MergeJoin(base_from_load ? &base : nullptr, &queue, false, {}, key.multiset, sink, stats);
    if (merged.ok()) return merged;
    if (!(stats->base_unordered && base_from_load)) return merged;
    // again, with the LOAD rows as changes
  }
  return Internal("merge: no attempt finished");
}

}  // namespace binlake
