#include "materialize/materialize.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cdc/naming.h"
#include "cdc/schema_history.h"
#include "lake/load_slices.h"
#include "materialize/part_marks.h"
#include "materialize/progress_metrics.h"
#include "materialize/staged_parts.h"
#include "materialize/table_advance.h"
#include "materialize/table_job.h"
#include "materialize/work_pool.h"

namespace binlake {
namespace {

// The target as the manifest names it: where it is and which full load it holds.
std::string TargetIdentity(ObjectStore& target, const Lake& lake) {
  return target.Describe() + (lake.bucket_folder.empty() ? "" : "/" + lake.bucket_folder) +
         " (full load started " + lake.load.started_at + ")";
}

bool IsPartFile(std::string_view key) {
  const size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  return name.rfind("part-", 0) == 0 && key.rfind("_binlake/", 0) != 0;
}

// The part whose marks `key` holds (PartMarksKey), or nullopt for another key.
std::optional<std::string> PartOfMarks(std::string_view key) {
  const std::string prefix = PartMarksKey("");
  constexpr std::string_view kSuffix = ".marks";
  const std::string_view head = std::string_view(prefix).substr(0, prefix.size() - kSuffix.size());
  if (!key.starts_with(head) || !key.ends_with(kSuffix) ||
      key.size() <= head.size() + kSuffix.size()) {
    return std::nullopt;
  }
  return std::string(key.substr(head.size(), key.size() - head.size() - kSuffix.size()));
}

std::string Name(const std::string& schema, const std::string& table) {
  return schema + "." + table;
}

// The threads a run uses (--threads; 0: one per core).
size_t RunThreads(const MaterializeOptions& options) {
  return options.threads > 0 ? static_cast<size_t>(options.threads)
                             : std::max(1u, std::thread::hardware_concurrency());
}

// Deletes `keys` on up to `threads` threads at once (on S3 each delete is a request: a version
// that replaced many parts would otherwise wait for them one by one, and a glob reader would see
// both versions meanwhile). Every key is tried; the first error, if any.
Status DeleteKeys(ObjectStore& output, const std::vector<std::string>& keys, size_t threads) {
  return RunEach(keys.size(), threads, [&](size_t i) { return output.Delete(keys[i]); });
}

// Whether `increment` can advance `previous`: same columns, key ranges known, no TRUNCATE, every
// file with the columns as they are.
bool CanAdvance(const MaterializedTable& previous, const TablePlan& increment) {
  if (previous.columns != SchemaHistory::Describe(increment.schema)) return false;
  for (const PartInfo& p : previous.parts) {
    if (p.first_key.empty() && p.rows > 0) return false;
  }
  for (const PlanStep& s : increment.steps) {
    if (s.kind != PlanStep::Kind::kFile || !s.file.identity() ||
        s.file.data_columns != increment.schema.columns.size()) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<MaterializeResult> RunMaterialize(ObjectStore& target, ObjectStore& output,
                                         const MaterializeOptions& options) {
  if (options.mappings && !options.mappings->transformation_rules().empty()) {
    return Unsupported(
        "--table-mappings with transformation rules (rule " +
        options.mappings->transformation_rules().front().rule_id +
        "): the lake's tables already carry the names the rules gave them; select them with "
        "selection rules only");
  }
  ASSIGN_OR_RETURN(Lake lake, OpenLake(target, options.target_folder));
  MaterializeResult result;
  ASSIGN_OR_RETURN(result.as_of, ResolveAsOf(lake, options.as_of, &target));
  RETURN_IF_ERROR(CheckCdcSettings(lake, result.as_of.last_read()));
  const PartialBatch* partial = result.as_of.partial ? &*result.as_of.partial : nullptr;
  const std::string identity = TargetIdentity(target, lake);

  // The previous version: same target only.
  const std::string manifest_key = MaterializationManifestKey();
  Manifest previous;
  Result<std::string> previous_text = output.Get(manifest_key);
  if (previous_text.ok()) {
    Result<Manifest> parsed = ParseManifest(*previous_text);
    if (!parsed.ok()) {
      return PreconditionFailed(output.Describe() + "/" + manifest_key + ": " +
                                parsed.status().message() + ": refusing to write over it");
    }
    previous = std::move(parsed).value();
    if (previous.target != identity) {
      return PreconditionFailed(output.Describe() +
                                " holds the materialization of another target (" + previous.target +
                                "): give another --output");
    }
    result.had_previous = true;
    result.previous_checkpoint = previous.as_of.checkpoint;
  } else if (previous_text.status().code() != StatusCode::kNotFound) {
    return previous_text.status();
  }
  result.version = previous.version + 1;
  std::set<std::string> previous_files;
  std::map<std::string, const MaterializedTable*> previous_tables;
  for (const MaterializedTable& t : previous.tables) {
    previous_tables[Name(t.schema, t.table)] = &t;
    for (const PartInfo& p : t.parts) previous_files.insert(p.file);
  }

  RETURN_IF_ERROR(output.CheckAccess());
  // Part files no manifest names, and parts never published: a killed run's.
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> existing, output.List(""));
  std::vector<std::string> stale;
  for (const ObjectInfo& o : existing) {
    const std::optional<std::string> part = PartOfMarks(o.key);
    if ((IsPartFile(o.key) && !previous_files.count(o.key)) ||
        (part && !previous_files.count(*part))) {
      stale.push_back(o.key);
    }
  }
  const size_t all_threads = RunThreads(options);
  RETURN_IF_ERROR(DeleteKeys(output, stale, all_threads));
  ASSIGN_OR_RETURN(std::vector<UncommittedObject> unpublished, output.ListUncommitted(""));
  std::erase_if(unpublished, [](const UncommittedObject& o) {
    return !IsPartFile(o.key) && !PartOfMarks(o.key) && o.key != MaterializationManifestKey();
  });
  RETURN_IF_ERROR(RunEach(unpublished.size(), all_threads,
                          [&](size_t i) { return output.DiscardUncommitted(unpublished[i]); }));

  // What each table needs.
  TableSelector select;
  if (options.mappings) {
    const TableMappings* m = options.mappings;
    select = [m](const std::string& s, const std::string& t) { return m->Selects(s, t); };
  }
  ASSIGN_OR_RETURN(std::vector<TablePlan> plans,
                   PlanTables(target, lake, 0, result.as_of.checkpoint, select, partial));
  std::map<std::string, TablePlan> increments;
  // A previous version cut inside a batch is not advanced (its batch would be read twice in
  // part): rebuilt.
  const std::string format =
      options.training ? TrainingFileFormat(options.training->format) : options.format;
  const bool advance = options.incremental && result.had_previous && !options.training &&
                       format == previous.format && !previous.as_of.partial &&
                       previous.as_of.checkpoint <= result.as_of.checkpoint;
  if (advance) {
    ASSIGN_OR_RETURN(std::vector<TablePlan> inc,
                     PlanTables(target, lake, previous.as_of.checkpoint, result.as_of.checkpoint,
                                select, partial));
    for (TablePlan& p : inc) {
      // From checkpoint 0 the plan starts with the LOAD files: the previous version has them.
      std::erase_if(p.steps, [](const PlanStep& s) {
        return s.kind == PlanStep::Kind::kFile && !s.file.cdc;
      });
      std::string name = Name(p.schema.schema, p.schema.table);
      increments.emplace(std::move(name), std::move(p));
    }
  }

  // A training layout that does not fit a table: refused before anything is written.
  if (options.training) {
    for (const TablePlan& p : plans) {
      RETURN_IF_ERROR(ResolveTrainingColumns(p.schema, *options.training).status());
    }
  }

  // The jobs, one per table, on `all_threads` threads, which also run the units of the advances
  // (materialize/work_pool.h); each of the `threads` tables in flight has a share of the memory.
  const size_t jobs = plans.size();
  const size_t threads = std::max<size_t>(1, std::min(all_threads, jobs));
  TableJobOptions job;
  job.version = result.version;
  job.max_part_bytes = options.max_part_bytes;
  job.parts_per_table = options.parts_per_table;
  job.memory_bytes = std::max<uint64_t>(16ull << 20, options.memory_bytes / threads);
  WorkPool pool(all_threads, all_threads);  // tables, and the units of their advances
  job.pool = &pool;
  job.spill_dir = options.spill_dir;
  job.parquet = options.format == "parquet";
  job.training = options.training;
  job.parquet_options.render = lake.csv.render;
  job.parquet_options.row_group_length = options.row_group_rows;
  if (job.spill_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    job.spill_dir = tmp && *tmp ? tmp : "/tmp";
  }
  // Where the jobs write: the parts are staged, and published all at once after the last table
  // (materialize/staged_parts.h).
  StagedParts parts_output(output, IsPartFile);
  std::vector<Result<MaterializedTable>> done(jobs, Internal("not run"));
  metrics::MaterializePlanned(jobs);
  // A table's share of the threads, by its LOAD bytes (lake/load_slices.h): a big table among
  // small ones, or alone, is built in up to that many key ranges at once, and its advance
  // rewrites its parts on the pool.
  std::vector<const TablePlan*> plan_list;
  for (const TablePlan& p : plans) plan_list.push_back(&p);
  const std::vector<size_t> shares = ThreadShares(lake, plan_list, all_threads);
  job.slice_bytes = options.slice_bytes;
  std::atomic<bool> failed{false};
  pool.RunJobs(jobs, [&](size_t i) {
    if (failed.load()) return;
    const TablePlan& plan = plans[i];
    TableJobOptions table_job = job;
    table_job.thread_share = shares[i];
    const std::string name = Name(plan.schema.schema, plan.schema.table);
    auto prev = previous_tables.find(name);
    auto inc = increments.find(name);
    if (advance && prev != previous_tables.end() && inc != increments.end() &&
        CanAdvance(*prev->second, inc->second)) {
      done[i] = AdvanceTable(target, parts_output, lake, *prev->second, inc->second, table_job);
      // A part out of key order: rebuild instead.
      if (!done[i].ok() && done[i].status().code() == StatusCode::kPreconditionFailed) {
        done[i] = MaterializeTableFull(target, parts_output, lake, plan, table_job);
      }
    } else {
      done[i] = MaterializeTableFull(target, parts_output, lake, plan, table_job);
    }
    if (!done[i].ok()) {
      failed.store(true);
    } else {
      metrics::MaterializeTableDone(name, !done[i]->rebuilt, done[i]->rows, done[i]->parts_written);
    }
  });

  // A failure removes this version's files again (best effort): the previous one stays.
  auto discard = [&](Status failed_with) {
    std::vector<std::string> written;
    for (const auto& d : done) {
      if (!d.ok()) continue;
      for (const PartInfo& p : d->parts) {
        if (previous_files.count(p.file)) continue;
        written.push_back(p.file);
        written.push_back(PartMarksKey(p.file));
      }
    }
    (void)DeleteKeys(parts_output, written, all_threads);
    return failed_with;
  };
  for (size_t i = 0; i < jobs; ++i) {
    if (!done[i].ok()) {
      return discard(done[i].status().WithContext(
          "materializing " + Name(plans[i].schema.schema, plans[i].schema.table)));
    }
  }
  Status published = parts_output.Publish(all_threads);
  if (!published.ok()) return discard(published);
  Manifest manifest;
  manifest.target = identity;
  manifest.version = result.version;
  manifest.materialized_at = NowIso8601();
  manifest.as_of = result.as_of;
  manifest.format = format;
  for (auto& d : done) manifest.tables.push_back(*d);
  PutOptions json;
  json.content_type = "application/json";
  Status put = output.Put(manifest_key, SerializeManifest(manifest), json);
  if (!put.ok()) return discard(put);

  std::set<std::string> current;
  for (const MaterializedTable& t : manifest.tables) {
    for (const PartInfo& p : t.parts) current.insert(p.file);
  }
  std::vector<std::string> replaced;
  for (const std::string& key : previous_files) {
    if (current.count(key)) continue;
    replaced.push_back(key);
    replaced.push_back(PartMarksKey(key));
  }
  RETURN_IF_ERROR(DeleteKeys(output, replaced, all_threads));
  result.tables = std::move(manifest.tables);
  return result;
}

}  // namespace binlake
