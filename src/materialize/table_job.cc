#include "materialize/table_job.h"

#include <fmt/format.h>

#include <memory>

#include "cdc/schema_history.h"
#include "config/target_layout.h"
#include "lake/change_store.h"
#include "lake/file_rows.h"
#include "lake/merge_join.h"
#include "lake/table_rows.h"
#include "materialize/parquet_part_writer.h"
#include "materialize/part_rewrite.h"
#include "materialize/part_writer.h"
#include "materialize/training_part_writer.h"

namespace binlake {
namespace {

// How a part file of the previous version reads back: CSV in the target's dialect with a header
// (never gzip), or Parquet whose values render as the target's CSV does.
FileRowLayout PartLayout(const Lake& lake, const TableSchema& schema, const TableKey& key,
                         bool parquet) {
  FileRowLayout l;
  l.csv = lake.csv;
  l.csv.gzip = false;
  l.parquet = parquet;
  l.header = !parquet;
  l.data_columns = schema.columns.size();
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    l.columns.push_back(static_cast<int>(i));
    if (parquet) l.types.push_back(schema.columns[i].type);
  }
  l.key = key.columns;
  return l;
}

std::function<std::string()> PartNamer(const TablePlan& plan, uint64_t version,
                                       const char* extension) {
  auto n = std::make_shared<uint64_t>(0);
  const std::string folder = PartFolder(plan.schema.schema, plan.schema.table);
  return [folder, version, n, extension] {
    return folder + fmt::format("part-{:08}-{:05}.{}", version, ++*n, extension);
  };
}

// The rows the full load wrote of the table `plan` builds (0 for a table created since).
uint64_t LoadRows(const Lake& lake, const TablePlan& plan) {
  for (const TableState& t : lake.load.tables) {
    if (t.schema.schema + "." + t.schema.table == plan.loaded_as) return t.rows;
  }
  return 0;
}

// The part files' writer: CSV in the target's dialect, or Parquet. `table_rows`: about how many
// rows the table has (sizes the parts, PartSize::ForTable).
Result<std::unique_ptr<PartSink>> NewPartSink(ObjectStore& output, const Lake& lake,
                                              const TablePlan& plan, const TableJobOptions& options,
                                              uint64_t table_rows) {
  const PartSize size =
      PartSize::ForTable(options.max_part_bytes, table_rows, options.parts_per_table);
  if (options.training) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<TrainingPartWriter> training,
        TrainingPartWriter::Create(
            output, plan.schema, lake.csv, *options.training, options.spill_dir,
            PartNamer(plan, options.version, TrainingFileExtension(options.training->format))));
    return std::unique_ptr<PartSink>(std::move(training));
  }
  if (options.parquet) {
    return std::unique_ptr<PartSink>(
        new ParquetPartWriter(output, plan.schema, lake.csv, options.parquet_options, size,
                              PartNamer(plan, options.version, "parquet")));
  }
  ASSIGN_OR_RETURN(std::string header, CsvHeaderRow(plan.schema, lake.csv));
  return std::unique_ptr<PartSink>(new PartWriter(output, std::move(header), lake.csv.row_delimiter,
                                                  size, PartNamer(plan, options.version, "csv")));
}

MaterializedTable Describe(const TablePlan& plan, const TableJobOptions& options) {
  MaterializedTable t;
  t.schema = plan.schema.schema;
  t.table = plan.schema.table;
  t.columns = SchemaHistory::Describe(plan.schema);
  if (options.training) {
    Result<TrainingColumns> columns = ResolveTrainingColumns(plan.schema, *options.training);
    if (columns.ok()) t.training_columns = columns->Names(plan.schema);
  }
  return t;
}

}  // namespace

std::string PartFolder(const std::string& schema, const std::string& table) {
  return TableFolder("", schema, table);
}

Result<MaterializedTable> MaterializeTableFull(ObjectStore& target, ObjectStore& output,
                                               const Lake& lake, const TablePlan& plan,
                                               const TableJobOptions& options) {
  // The part files as a RestartableSink: a restart discards what was written.
  class Parts : public RestartableSink {
   public:
    Parts(ObjectStore& output, const Lake& lake, const TablePlan& plan,
          const TableJobOptions& options)
        : output_(output), lake_(lake), plan_(plan), options_(options) {}
    ~Parts() override {
      if (sink_) sink_->Discard();
    }
    Status Start() {
      ASSIGN_OR_RETURN(sink_, NewPartSink(output_, lake_, plan_, options_, LoadRows(lake_, plan_)));
      return Status::Ok();
    }
    Status Restart() override {
      sink_->Discard();
      sink_.reset();
      return Start();
    }
    Status Row(std::string_view key, std::string_view row) override { return sink_->Row(key, row); }
    Result<std::vector<PartInfo>> Finish() {
      Result<std::vector<PartInfo>> written = sink_->Finish();
      if (written.ok()) sink_.reset();  // kept
      return written;
    }

   private:
    ObjectStore& output_;
    const Lake& lake_;
    const TablePlan& plan_;
    const TableJobOptions& options_;
    std::unique_ptr<PartSink> sink_;
  };

  MaterializedTable result = Describe(plan, options);
  Parts parts(output, lake, plan, options);
  RETURN_IF_ERROR(parts.Start());
  MergeStats stats;
  RETURN_IF_ERROR(MergeTableRows(target, lake, plan,
                                 {options.memory_bytes, options.spill_dir, options.chunk_bytes},
                                 &parts, &stats));
  ASSIGN_OR_RETURN(result.parts, parts.Finish());
  result.parts_written = result.parts.size();
  result.rows = stats.rows;
  result.inconsistencies = stats.inconsistencies;
  return result;
}

Result<MaterializedTable> AdvanceTable(ObjectStore& target, ObjectStore& output, const Lake& lake,
                                       const MaterializedTable& previous,
                                       const TablePlan& increment, const TableJobOptions& options) {
  MaterializedTable result = Describe(increment, options);
  result.rebuilt = false;
  result.inconsistencies = previous.inconsistencies;
  const TableKey key = KeyOfTable(increment.schema);
  ChangeStore changes({options.memory_bytes, options.spill_dir});
  for (const PlanStep& step : increment.steps) {
    if (step.kind != PlanStep::Kind::kFile) return Internal("an increment with a TRUNCATE");
    RETURN_IF_ERROR(AddFileChanges(target, step.file.key,
                                   TargetFileLayout(lake, increment, step.file, key), *key.encoder,
                                   options.chunk_bytes, &changes));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
  ChangeQueue queue(cursor.get());
  RETURN_IF_ERROR(queue.Start());
  if (options.training) return Internal("an advance of training parts");
  ASSIGN_OR_RETURN(std::unique_ptr<PartSink> sink,
                   NewPartSink(output, lake, increment, options, previous.rows));
  PartSink& parts = *sink;
  // Parts are rewritten from their bytes and marks (part_rewrite.h).
  PartRewrite rewrite;
  rewrite.output = &output;
  rewrite.layout = PartLayout(lake, increment.schema, key, options.parquet);
  rewrite.encoder = key.encoder.get();
  if (!options.parquet) {
    ASSIGN_OR_RETURN(rewrite.header, CsvHeaderRow(increment.schema, lake.csv));
  }
  rewrite.multiset = key.multiset;
  auto fail = [&](Status s) {
    parts.Discard();
    return s;
  };
  MergeStats stats;
  uint64_t kept_rows = 0;
  uint64_t copied_rows = 0;  // of rewritten parts, copied as bytes
  size_t taken = 0;          // the writer's parts already in result.parts
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
    Status s =
        options.parquet
            ? RewriteParquetPart(&rewrite, old[i], &queue, bounded, upper,
                                 static_cast<ParquetPartWriter*>(&parts), &stats, &copied_rows)
            : RewriteCsvPart(&rewrite, old[i], &queue, bounded, upper,
                             static_cast<PartWriter*>(&parts), &stats, &copied_rows);
    if (!s.ok()) return fail(s);
  }
  Status s = take_written();
  if (!s.ok()) return fail(s);
  result.parts_written = taken;
  result.rows_copied = copied_rows;
  result.rows = kept_rows + stats.rows;
  result.inconsistencies += stats.inconsistencies;
  return result;
}

}  // namespace binlake
