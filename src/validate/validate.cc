#include "validate/validate.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <unordered_set>

#include "fullload/task_state.h"
#include "lake/table_plan.h"
#include "lake/table_rows.h"
#include "source/catalog.h"
#include "source/source_hosts.h"
#include "transform/table_transform.h"
#include "validate/prefetched_rows.h"
#include "validate/progress_metrics.h"
#include "validate/report.h"
#include "validate/table_chunks.h"

namespace binlake {
namespace {

std::string Name(const std::string& schema, const std::string& table) {
  return schema + "." + table;
}

std::vector<std::string> SplitPatterns(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// The newest committed point of the lake (the full load's snapshot when CDC committed nothing).
const binlog::BinlogPosition& NewestPosition(const Lake& lake) {
  const auto& commits = lake.history.commits;
  return commits.empty() ? lake.load.snapshot : commits.back().position;
}

struct Job {
  const TablePlan* plan = nullptr;            // nullptr: not in the lake
  const TableSchema* source = nullptr;        // nullptr: not in the source
  const TableTransform* transform = nullptr;  // with source: what the rules make of it
  const Recheck* recheck = nullptr;           // --recheck: what to compare again
  std::vector<TableChunk> chunks;             // the key ranges compared in parallel
  TableComparison result;
};

// One key range of a table (range: nullptr for the whole table), compared by one thread.
struct WorkItem {
  Job* job = nullptr;
  const TableChunk* range = nullptr;
  TableComparison result;
  Status status;
  bool broken = false;  // the range's LOAD slice does not hold (lake/table_rows.h TableSlice)
};

// Compares one table present on both sides, or one key range of it, on `conn` (inside the
// snapshot).
Status CompareTable(ObjectStore& target, const Lake& lake, MysqlConnection& conn, WorkItem& item,
                    const TableMergeOptions& merge, const ValidateOptions& options) {
  const Job& job = *item.job;
  const TablePlan& plan = *job.plan;
  const TableSchema& source = *job.source;
  const TableTransform& transform = *job.transform;
  const TableSchema& projected = transform.target();  // the source's columns as the rules name them
  TableComparison& out = item.result;
  out.schema = job.result.schema;
  out.table = job.result.table;
  const TableKey key = KeyOfTable(plan.schema);
  std::vector<std::string> names;
  std::vector<int> columns;  // per lake column: the source column, or -1
  std::vector<bool> source_has;
  for (const Column& c : plan.schema.columns) {
    names.push_back(c.name);
    const int t = projected.FindColumn(c.name);
    // Computed, before-image and masked columns have no source value to compare: -1.
    int s = t < 0 ? -1 : std::max(-1, transform.source_columns()[static_cast<size_t>(t)]);
    if (t >= 0 && transform.masked(static_cast<size_t>(t))) s = -1;
    columns.push_back(s);
    source_has.push_back(s >= 0);
    if (t < 0) {
      out.notes.push_back("column " + c.name + " is in the lake, not in the source");
    } else if (s < 0) {
      out.not_compared.push_back(c.name);  // computed by a rule: no source value to compare
    }
  }
  for (const Column& c : projected.columns) {
    if (plan.schema.FindColumn(c.name) < 0) {
      out.notes.push_back("column " + c.name + " is in the source, not in the lake");
    }
  }
  for (int k : key.columns) out.key_columns.push_back(names[static_cast<size_t>(k)]);
  // --recheck: the keys that differed last time, normalized like the rows'.
  std::unordered_set<std::string> only_keys;
  const bool by_keys =
      job.recheck && !job.recheck->whole && job.recheck->key_columns == out.key_columns;
  out.rechecked = job.recheck != nullptr;
  if (by_keys) {
    for (const auto& values : job.recheck->keys) {
      if (values.size() != key.columns.size()) continue;
      std::string encoded;
      bool ok = true;
      for (size_t i = 0; i < values.size() && ok; ++i) {
        std::optional<std::string_view> v;
        if (values[i]) v = *values[i];
        ok = key.encoder->Append(i, v, &encoded).ok();
      }
      if (ok) only_keys.insert(std::move(encoded));
    }
  }
  for (int k : key.columns) {
    if (columns[static_cast<size_t>(k)] < 0) {
      out.notes.push_back("the lake's key column " + names[static_cast<size_t>(k)] +
                          " is not in the source: rows not compared");
      return Status::Ok();
    }
  }
  for (bool sorted : {false, true}) {
    SourceRowsOptions rows;
    rows.render = lake.csv.render;
    rows.columns = columns;
    rows.key_columns = key.columns;
    rows.sorted = sorted;
    rows.memory_bytes = merge.memory_bytes;
    rows.spill_dir = merge.spill_dir;
    if (item.range) rows.where = item.range->where;
    const KeyEncoder& encoder = *key.encoder;
    TableCompare compare(&out, names, key.columns, source_has, lake.csv, options.max_samples,
                         [&]() -> Result<std::unique_ptr<KeyedFields>> {
                           ASSIGN_OR_RETURN(std::unique_ptr<SourceRows> r,
                                            SourceRows::Open(conn, source, encoder, rows));
                           // Read ahead on a thread of its own, while the lake's rows merge.
                           return std::unique_ptr<KeyedFields>(
                               new PrefetchedRows(std::move(r), rows.columns.size()));
                         });
    std::vector<std::string> missing, short_records;
    TableMergeOptions table_merge = merge;
    table_merge.missing_files = &missing;
    table_merge.short_records = &short_records;
    if (item.range) {
      table_merge.slice = &item.range->slice;
      table_merge.slice_broken = &item.broken;
    }
    if (by_keys) compare.OnlyKeys(&only_keys);
    Status s = compare.Start();
    if (s.ok()) {
      MergeStats stats;
      s = MergeTableRows(target, lake, plan, table_merge, &compare, &stats);
    }
    if (s.ok()) s = compare.Finish();
    if (s.ok()) {
      for (const std::string& f : missing) {
        out.notes.push_back("the file " + f + ", named by the lake's history, does not exist");
      }
      for (const std::string& r : short_records) {
        // (a restarted merge reads a file twice)
        if (std::find(out.notes.begin(), out.notes.end(), r) == out.notes.end()) {
          out.notes.push_back(r);
        }
      }
      return s;
    }
    // Streamed source rows out of key order (a collation the check did not foresee): sort them.
    if (sorted || s.code() != StatusCode::kPreconditionFailed ||
        s.message().find("out of key order") == std::string::npos) {
      return s;
    }
    TableComparison fresh;
    fresh.schema = source.schema;
    fresh.table = source.table;
    fresh.key_columns = out.key_columns;
    fresh.rechecked = out.rechecked;
    fresh.notes = std::move(out.notes);
    fresh.not_compared = std::move(out.not_compared);
    out = std::move(fresh);
  }
  return Internal("validate: no attempt finished");
}

// Runs the items on the snapshot's connections, one thread per connection; stops handing out
// items after the first error (the items' statuses say which failed).
void CompareItems(ObjectStore& target, const Lake& lake,
                  const std::vector<MysqlConnection*>& workers, const TableMergeOptions& merge,
                  const ValidateOptions& options, std::vector<WorkItem>& items) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&](MysqlConnection* conn) {
    while (!failed.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= items.size()) return;
      WorkItem& item = items[i];
      item.status = CompareTable(target, lake, *conn, item, merge, options);
      if (item.status.ok()) {
        metrics::ValidateRangeCompared(Name(item.job->result.schema, item.job->result.table),
                                       item.result.source_rows);
      }
      // Inside a slice a record number counts from the slice: the whole table says it right.
      if (item.range && item.status.code() == StatusCode::kCorruption) item.broken = true;
      // A broken slice is redone whole; any other error ends the run.
      if (!item.status.ok() && !item.broken) failed.store(true);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers.size(); ++t) pool.emplace_back(work, workers[t]);
  work(workers[0]);
  for (std::thread& t : pool) t.join();
}

}  // namespace

bool ValidateResult::equal() const {
  return std::all_of(tables.begin(), tables.end(),
                     [](const TableComparison& t) { return t.equal_all(); });
}

Result<ValidateResult> RunValidate(ObjectStore& target, const ValidateOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  ValidateResult result;
  result.started_at = NowIso8601();
  // The lake first: a target without a complete full load is an error before the source is asked.
  ASSIGN_OR_RETURN(Lake lake, OpenLake(target, options.target_folder));

  ASSIGN_OR_RETURN(auto control, ConnectFirstUsable(options.source, nullptr));
  const ConnectionConfig source_config = control->config();
  ASSIGN_OR_RETURN(std::vector<SourceTable> catalog, ReadCatalog(*control));
  const std::vector<std::string> patterns = SplitPatterns(options.tables);
  std::map<std::string, Recheck> recheck;
  if (options.recheck) {
    ASSIGN_OR_RETURN(recheck, ReadRecheck(target, options.target_folder));
    result.recheck = true;
    if (recheck.empty()) {
      say("the newest report found every table equal: nothing to recheck");
      result.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return result;
    }
  }
  // --tables and --recheck name lake (target) tables.
  auto wanted = [&](const std::string& name) {
    if (options.recheck && !recheck.count(name)) return false;
    if (patterns.empty()) return true;
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
      return fnmatch(p.c_str(), name.c_str(), 0) == 0;
    });
  };
  // The selected source tables, each with what the rules make of it (its target name and
  // columns). Two source tables with one target are refused as the full load refuses them.
  std::vector<TableSchema> source_tables;
  std::vector<std::unique_ptr<TableTransform>> transforms;  // parallel to source_tables
  std::set<std::string> targets;                            // their target names
  TargetTableClaims claims;
  for (const SourceTable& t : catalog) {
    if (options.mappings && !options.mappings->Selects(t.schema.schema, t.schema.table)) continue;
    ASSIGN_OR_RETURN(TableTransform transform, TableTransform::Build(options.mappings, t.schema));
    const TableSchema& target_schema = transform.target();
    const std::string name = Name(target_schema.schema, target_schema.table);
    if (!wanted(name)) continue;
    RETURN_IF_ERROR(claims.Claim({t.schema.schema, t.schema.table},
                                 {target_schema.schema, target_schema.table}));
    source_tables.push_back(t.schema);
    transforms.push_back(std::make_unique<TableTransform>(std::move(transform)));
    targets.insert(name);
  }
  // A lake table is compared when a selected source table maps to it, or, for one the source no
  // longer has, when the mappings select it by its own name.
  auto selected = [&](const std::string& schema, const std::string& table) {
    const std::string name = Name(schema, table);
    if (targets.count(name)) return true;
    if (options.mappings && !options.mappings->Selects(schema, table)) return false;
    return wanted(name);
  };

  // The snapshot connections.
  const int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<MysqlConnection>> owned;
  std::vector<MysqlConnection*> workers;
  for (int i = 0; i < threads; ++i) {
    ASSIGN_OR_RETURN(auto c, MysqlConnection::Open(source_config));
    workers.push_back(c.get());
    owned.push_back(std::move(c));
  }

  // A snapshot at P, and the lake's exact point for P.
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  SnapshotResult snapshot;
  while (true) {
    ASSIGN_OR_RETURN(snapshot, OpenConsistentSnapshot(*control, workers, source_tables,
                                                      options.snapshot_method));
    ++result.snapshots;
    if (snapshot.position.empty()) {
      return PreconditionFailed("the source " + source_config.Describe() +
                                " has no binlog position (binlog off?): nothing to compare with");
    }
    result.position = snapshot.position;
    say("source snapshot at " + snapshot.position.ToString());
    // Wait until CDC has committed past P.
    while (!binlog::AtOrAfter(NewestPosition(lake), snapshot.position)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return PreconditionFailed(
            "CDC has not committed past the source's position " + snapshot.position.ToString() +
            " within --wait (the lake's newest point is " + NewestPosition(lake).ToString() +
            "): is binlake cdc running for this target?");
      }
      std::this_thread::sleep_for(options.poll);
      ASSIGN_OR_RETURN(lake, OpenLake(target, options.target_folder));
    }
    ASSIGN_OR_RETURN(result.as_of, ResolveAsOf(lake, snapshot.position.ToString(), &target));
    if (result.as_of.exact) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      return PreconditionFailed(
          "the source's position " + snapshot.position.ToString() +
          " falls inside a batch of changes the lake cannot cut exactly (the newest boundary "
          "before it is " +
          result.as_of.position.ToString() + "), and no snapshot within --wait met a boundary");
    }
    say("the lake has no exact point for " + snapshot.position.ToString() + ": a new snapshot");
  }
  workers.resize(static_cast<size_t>(std::max(1, snapshot.connections_used)));
  RETURN_IF_ERROR(CheckCdcSettings(lake, result.as_of.last_read()));

  // The lake's tables at that point, matched with the source's by name.
  ASSIGN_OR_RETURN(std::vector<TablePlan> plans,
                   PlanTables(target, lake, 0, result.as_of.checkpoint, selected,
                              result.as_of.partial ? &*result.as_of.partial : nullptr));
  std::map<std::string, Job> jobs;
  for (const TablePlan& p : plans) jobs[Name(p.schema.schema, p.schema.table)].plan = &p;
  for (size_t i = 0; i < source_tables.size(); ++i) {
    const TableSchema& target_schema = transforms[i]->target();
    Job& job = jobs[Name(target_schema.schema, target_schema.table)];
    job.source = &source_tables[i];
    job.transform = transforms[i].get();
  }
  if (jobs.empty()) {
    return NotFound(
        patterns.empty()
            ? "no table selected in the source " + source_config.Describe() + " or the lake"
            : "--tables " + options.tables + " matches no table of the source or the lake");
  }
  std::vector<Job*> order;
  for (auto& [name, job] : jobs) {
    if (auto r = recheck.find(name); r != recheck.end()) job.recheck = &r->second;
    const TableSchema& s = job.plan ? job.plan->schema : job.transform->target();
    job.result.schema = s.schema;
    job.result.table = s.table;
    if (!job.plan) job.result.notes.push_back("the table is in the source, not in the lake");
    if (!job.source) job.result.notes.push_back("the table is in the lake, not in the source");
    if (job.plan && job.source) order.push_back(&job);
  }

  TableMergeOptions merge;
  // Per thread, half for the lake's changes and half for sorting source rows.
  merge.memory_bytes = std::max<uint64_t>(8ull << 20, options.memory_bytes / workers.size() / 2);
  merge.spill_dir = options.spill_dir;
  if (merge.spill_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    merge.spill_dir = tmp && *tmp ? tmp : "/tmp";
  }
  // Each table in key ranges (validate/table_chunks.h), compared by the threads in turn. A table
  // gets ranges in proportion to its share of the LOAD bytes: with several tables of about one
  // size and no more threads than tables, each is one range (ranges cost a read of the table's
  // CDC files each); one big table among small ones gets up to `threads`.
  std::vector<WorkItem> items;
  std::vector<const TablePlan*> ordered_plans;
  for (Job* job : order) ordered_plans.push_back(job->plan);
  const std::vector<size_t> shares = ThreadShares(lake, ordered_plans, workers.size());
  for (size_t j = 0; j < order.size(); ++j) {
    Job* job = order[j];
    // Ranges are SQL predicates on the lake's key column names: a table the rules rename or
    // narrow is compared whole.
    const size_t max_ranges = job->transform->identity() ? shares[j] : 1;
    ASSIGN_OR_RETURN(job->chunks, PlanTableChunks(target, lake, *job->plan, *job->source,
                                                  max_ranges, options.range_bytes));
    for (const TableChunk& c : job->chunks) {
      items.push_back(WorkItem{job, c.whole() ? nullptr : &c, {}, {}, false});
    }
  }
  CompareItems(target, lake, workers, merge, options, items);
  // A range whose LOAD slice did not hold (the file changed since the load): the table again,
  // whole, where the merge handles whatever the files hold. Kept apart from the other errors.
  std::vector<WorkItem> again;
  for (const WorkItem& item : items) {
    if (item.broken && (again.empty() || again.back().job != item.job)) {
      again.push_back(WorkItem{item.job, nullptr, {}, {}, false});
    }
  }
  for (const WorkItem& item : items) {
    if (item.status.ok() || item.broken) continue;
    return item.status.WithContext("validating " +
                                   Name(item.job->result.schema, item.job->result.table));
  }
  CompareItems(target, lake, workers, merge, options, again);
  for (const WorkItem& item : again) {
    if (!item.status.ok()) {
      return item.status.WithContext("validating " +
                                     Name(item.job->result.schema, item.job->result.table));
    }
  }
  auto add = [&](WorkItem& item, size_t ranges) {
    Job& job = *item.job;
    job.result.key_columns = item.result.key_columns;
    job.result.rechecked = item.result.rechecked;
    job.result.ranges = ranges;
    AppendRange(&job.result, std::move(item.result), options.max_samples);
  };
  for (WorkItem& item : items) {
    const bool redone = std::any_of(again.begin(), again.end(),
                                    [&](const WorkItem& w) { return w.job == item.job; });
    if (!redone) add(item, item.job->chunks.size());
  }
  for (WorkItem& item : again) add(item, 1);
  for (auto& [name, job] : jobs) {
    const TableComparison& t = job.result;
    metrics::ValidateTableDone(Name(t.schema, t.table), t.missing_in_lake, t.extra_in_lake,
                               t.different);
    result.tables.push_back(std::move(job.result));
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace binlake
