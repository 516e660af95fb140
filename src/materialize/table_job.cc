#include "materialize/table_job.h"

#include <fmt/format.h>

#include <memory>

#include "cdc/schema_history.h"
#include "config/target_layout.h"
#include "lake/file_rows.h"
#include "lake/load_slices.h"
#include "lake/merge_join.h"
#include "lake/table_rows.h"
#include "materialize/parquet_part_writer.h"
#include "materialize/part_writer.h"
#include "materialize/training_part_writer.h"

namespace binlake {
namespace {

// The rows the full load wrote of the table `plan` builds (0 for a table created since).
uint64_t LoadRows(const Lake& lake, const TablePlan& plan) {
  for (const TableState& t : lake.load.tables) {
    if (t.schema.schema + "." + t.schema.table == plan.loaded_as) return t.rows;
  }
  return 0;
}

// The part files as a RestartableSink: a restart discards what was written, and so does the
// destructor unless Finish succeeded. `unit`: the number of the slice they hold (PartNamer), if
// the table is built in slices.
class Parts : public RestartableSink {
 public:
  Parts(ObjectStore& output, const Lake& lake, const TablePlan& plan,
        const TableJobOptions& options, std::optional<uint64_t> unit = std::nullopt)
      : output_(output), lake_(lake), plan_(plan), options_(options), unit_(unit) {}
  ~Parts() override {
    if (sink_ && !kept_) sink_->Discard();
  }
  Status Start() {
    ASSIGN_OR_RETURN(sink_, NewPartSink(output_, lake_, plan_, options_, LoadRows(lake_, plan_),
                                        PartNamer(plan_, options_, unit_)));
    return Status::Ok();
  }
  Status Restart() override {
    sink_->Discard();
    sink_.reset();
    return Start();
  }
  Status Row(std::string_view key, std::string_view row) override { return sink_->Row(key, row); }
  Status RowOf(const SortedRows& rows) override { return sink_->RowOf(rows); }
  // Deletes every part written, finished or not.
  void Discard() {
    if (sink_) sink_->Discard();
  }
  Result<std::vector<PartInfo>> Finish() {
    Result<std::vector<PartInfo>> written = sink_->Finish();
    kept_ = written.ok();
    return written;
  }

 private:
  ObjectStore& output_;
  const Lake& lake_;
  const TablePlan& plan_;
  const TableJobOptions& options_;
  const std::optional<uint64_t> unit_;
  std::unique_ptr<PartSink> sink_;
  bool kept_ = false;
};

// The table in slices (lake/load_slices.h), each merged by a unit of the pool into parts of its
// own. *broken: a slice did not hold (its LOAD rows out of order; the caller builds the table
// whole). Either way, on an error nothing of it is left.
Result<MaterializedTable> MaterializeSlices(ObjectStore& target, ObjectStore& output,
                                            const Lake& lake, const TablePlan& plan,
                                            const TableJobOptions& options,
                                            const std::vector<LoadSlice>& slices, bool* broken) {
  struct Slice {
    std::unique_ptr<Parts> parts;
    std::vector<PartInfo> written;
    MergeStats stats;
    bool broken = false;
  };
  std::vector<Slice> done(slices.size());
  WorkPool::Group group;
  for (size_t i = 0; i < slices.size(); ++i) {
    done[i].parts = std::make_unique<Parts>(output, lake, plan, options, i + 1);
    options.pool->Submit(&group, [&, i]() -> Status {
      Slice& d = done[i];
      RETURN_IF_ERROR(d.parts->Start());
      TableMergeOptions merge{options.memory_bytes / slices.size(), options.spill_dir,
                              options.chunk_bytes};
      merge.slice = &slices[i].slice;
      merge.slice_broken = &d.broken;
      RETURN_IF_ERROR(MergeTableRows(target, lake, plan, merge, d.parts.get(), &d.stats));
      ASSIGN_OR_RETURN(d.written, d.parts->Finish());
      return Status::Ok();
    });
  }
  Status s = options.pool->Wait(&group);
  if (!s.ok()) {
    for (Slice& d : done) {
      *broken = *broken || d.broken;
      d.parts->Discard();
    }
    return s;
  }
  MaterializedTable result = DescribeTable(plan, options);
  for (const Slice& d : done) {
    result.parts.insert(result.parts.end(), d.written.begin(), d.written.end());
    result.rows += d.stats.rows;
    result.inconsistencies += d.stats.inconsistencies;
  }
  result.parts_written = result.parts.size();
  return result;
}

}  // namespace

std::string PartFolder(const std::string& schema, const std::string& table) {
  return TableFolder("", schema, table);
}

std::function<std::string()> PartNamer(const TablePlan& plan, const TableJobOptions& options,
                                       std::optional<uint64_t> unit) {
  const char* extension = options.training  ? TrainingFileExtension(options.training->format)
                          : options.parquet ? "parquet"
                                            : "csv";
  std::string prefix = PartFolder(plan.schema.schema, plan.schema.table) +
                       fmt::format("part-{:08}-", options.version);
  if (unit) prefix += fmt::format("{:05}-", *unit);
  auto n = std::make_shared<uint64_t>(0);
  const int digits = unit ? 3 : 5;
  return [prefix, n, digits, extension] {
    return fmt::format("{}{:0{}}.{}", prefix, ++*n, digits, extension);
  };
}

Result<std::unique_ptr<PartSink>> NewPartSink(ObjectStore& output, const Lake& lake,
                                              const TablePlan& plan, const TableJobOptions& options,
                                              uint64_t table_rows,
                                              std::function<std::string()> next_name) {
  const PartSize size =
      PartSize::ForTable(options.max_part_bytes, table_rows, options.parts_per_table);
  if (options.training) {
    ASSIGN_OR_RETURN(std::unique_ptr<TrainingPartWriter> training,
                     TrainingPartWriter::Create(output, plan.schema, lake.csv, *options.training,
                                                options.spill_dir, std::move(next_name)));
    return std::unique_ptr<PartSink>(std::move(training));
  }
  if (options.parquet) {
    return std::unique_ptr<PartSink>(new ParquetPartWriter(
        output, plan.schema, lake.csv, options.parquet_options, size, std::move(next_name)));
  }
  ASSIGN_OR_RETURN(std::string header, CsvHeaderRow(plan.schema, lake.csv));
  return std::unique_ptr<PartSink>(new PartWriter(output, std::move(header), lake.csv.row_delimiter,
                                                  size, std::move(next_name)));
}

MaterializedTable DescribeTable(const TablePlan& plan, const TableJobOptions& options) {
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

Result<MaterializedTable> MaterializeTableFull(ObjectStore& target, ObjectStore& output,
                                               const Lake& lake, const TablePlan& plan,
                                               const TableJobOptions& options) {
  if (options.pool && options.thread_share > 1 && !options.training) {
    ASSIGN_OR_RETURN(std::vector<LoadSlice> slices,
                     PlanLoadSlices(target, lake, plan, options.thread_share, options.slice_bytes));
    if (slices.size() > 1) {
      bool broken = false;
      Result<MaterializedTable> sliced =
          MaterializeSlices(target, output, lake, plan, options, slices, &broken);
      if (sliced.ok() || !broken) return sliced;
      // A slice did not hold: the table whole, where the merge handles whatever the files hold.
    }
  }
  MaterializedTable result = DescribeTable(plan, options);
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

}  // namespace binlake
