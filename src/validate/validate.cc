#include "validate/validate.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "fullload/task_state.h"
#include "lake/table_plan.h"
#include "lake/table_rows.h"
#include "source/catalog.h"
#include "source/source_hosts.h"
#include "validate/prefetched_rows.h"

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

// What --recheck compares of a table: its keys that differed, or (whole) all of it.
struct Recheck {
  bool whole = false;
  std::vector<std::string> key_columns;
  std::vector<std::vector<std::optional<std::string>>> keys;
};

struct Job {
  const TablePlan* plan = nullptr;      // nullptr: not in the lake
  const TableSchema* source = nullptr;  // nullptr: not in the source
  const Recheck* recheck = nullptr;     // --recheck: what to compare again
  TableComparison result;
  Status status;
};

// The newest report's tables that were not equal, by "schema.table".
Result<std::map<std::string, Recheck>> ReadRecheck(ObjectStore& target, const std::string& folder) {
  ASSIGN_OR_RETURN(std::optional<ValidationSummary> newest, ReadNewestValidation(target, folder));
  if (!newest) {
    return PreconditionFailed("--recheck: " + target.Describe() +
                              " holds no validation report yet: run validate without --recheck");
  }
  ASSIGN_OR_RETURN(std::string text, target.Get(newest->key));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::map<std::string, Recheck> out;
  try {
    for (const auto& t : j.at("tables")) {
      if (t.value("equal", false)) continue;
      Recheck r;
      r.whole = !t.value("differing_keys_complete", false) ||
                !t.value("notes", nlohmann::json::array()).empty();
      for (const auto& c : t.value("key_columns", nlohmann::json::array())) {
        r.key_columns.push_back(c.get<std::string>());
      }
      for (const auto& k : t.value("differing_keys", nlohmann::json::array())) {
        std::vector<std::optional<std::string>> key;
        for (const auto& v : k) {
          key.push_back(v.is_null() ? std::nullopt
                                    : std::optional<std::string>(v.get<std::string>()));
        }
        r.keys.push_back(std::move(key));
      }
      if (r.key_columns.empty()) r.whole = true;
      out[t.at("schema").get<std::string>() + "." + t.at("table").get<std::string>()] =
          std::move(r);
    }
  } catch (const nlohmann::json::exception&) {
    return Corruption(target.Describe() + "/" + newest->key + ": not a validation report");
  }
  return out;
}

// Compares one table present on both sides on `conn` (inside the snapshot).
Status CompareTable(ObjectStore& target, const Lake& lake, MysqlConnection& conn, Job& job,
                    const TableMergeOptions& merge, const ValidateOptions& options) {
  const TablePlan& plan = *job.plan;
  const TableSchema& source = *job.source;
  TableComparison& out = job.result;
  const TableKey key = KeyOfTable(plan.schema);
  std::vector<std::string> names;
  std::vector<int> columns;
  std::vector<bool> source_has;
  for (const Column& c : plan.schema.columns) {
    names.push_back(c.name);
    const int s = source.FindColumn(c.name);
    columns.push_back(s);
    source_has.push_back(s >= 0);
    if (s < 0) out.notes.push_back("column " + c.name + " is in the lake, not in the source");
  }
  for (const Column& c : source.columns) {
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
    const KeyEncoder& encoder = *key.encoder;
    TableCompare compare(&out, names, key.columns, source_has, lake.csv, options.max_samples,
                         [&]() -> Result<std::unique_ptr<KeyedFields>> {
                           ASSIGN_OR_RETURN(std::unique_ptr<SourceRows> r,
                                            SourceRows::Open(conn, source, encoder, rows));
                           // Read ahead on a thread of its own, while the lake's rows merge.
                           return std::unique_ptr<KeyedFields>(
                               new PrefetchedRows(std::move(r), rows.columns.size()));
                         });
    std::vector<std::string> missing;
    TableMergeOptions table_merge = merge;
    table_merge.missing_files = &missing;
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
    out = std::move(fresh);
  }
  return Internal("validate: no attempt finished");
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
  auto selected = [&](const std::string& schema, const std::string& table) {
    if (options.mappings && !options.mappings->Selects(schema, table)) return false;
    if (options.recheck && !recheck.count(Name(schema, table))) return false;
    if (patterns.empty()) return true;
    const std::string name = Name(schema, table);
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
      return fnmatch(p.c_str(), name.c_str(), 0) == 0;
    });
  };
  std::vector<TableSchema> source_tables;
  for (const SourceTable& t : catalog) {
    if (selected(t.schema.schema, t.schema.table)) source_tables.push_back(t.schema);
  }

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
  for (const TableSchema& t : source_tables) jobs[Name(t.schema, t.table)].source = &t;
  if (jobs.empty()) {
    return NotFound(
        patterns.empty()
            ? "no table selected in the source " + source_config.Describe() + " or the lake"
            : "--tables " + options.tables + " matches no table of the source or the lake");
  }
  std::vector<Job*> order;
  for (auto& [name, job] : jobs) {
    if (auto r = recheck.find(name); r != recheck.end()) job.recheck = &r->second;
    const TableSchema& s = job.plan ? job.plan->schema : *job.source;
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
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&](MysqlConnection* conn) {
    while (!failed.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= order.size()) return;
      Job& job = *order[i];
      job.status = CompareTable(target, lake, *conn, job, merge, options);
      if (!job.status.ok()) failed.store(true);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers.size(); ++t) pool.emplace_back(work, workers[t]);
  work(workers[0]);
  for (std::thread& t : pool) t.join();
  for (Job* job : order) {
    if (!job->status.ok()) {
      return job->status.WithContext("validating " + Name(job->result.schema, job->result.table));
    }
  }
  for (auto& [name, job] : jobs) result.tables.push_back(std::move(job.result));
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

namespace {

nlohmann::json Values(const std::vector<std::pair<std::string, std::optional<std::string>>>& v,
                      size_t max_chars) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [column, value] : v) {
    if (!value) {
      out[column] = nullptr;
    } else if (value->size() > max_chars) {
      out[column] = value->substr(0, max_chars) + "...";
    } else {
      out[column] = *value;
    }
  }
  return out;
}

}  // namespace

std::string ValidationReportJson(const ValidateResult& result, size_t max_value_chars) {
  nlohmann::json j;
  j["started_at"] = result.started_at;
  j["seconds"] = result.seconds;
  j["source_position"] = {{"binlog_file", result.position.file},
                          {"binlog_position", result.position.position},
                          {"gtid_set", result.position.gtid_set}};
  j["lake_checkpoint"] = result.as_of.checkpoint;
  if (result.as_of.partial) {
    // The point is inside the next batch: its first transactions up to P are taken too.
    j["lake_partial_batch"] = {{"checkpoint", result.as_of.partial->checkpoint},
                               {"transactions", result.as_of.partial->transactions}};
  }
  j["equal"] = result.equal();
  j["recheck"] = result.recheck;
  nlohmann::json tables = nlohmann::json::array();
  for (const TableComparison& t : result.tables) {
    nlohmann::json o;
    o["schema"] = t.schema;
    o["table"] = t.table;
    o["equal"] = t.equal_all();
    o["key_columns"] = t.key_columns;
    if (t.rechecked) o["rechecked"] = true;
    o["source_rows"] = t.source_rows;
    o["lake_rows"] = t.lake_rows;
    o["equal_rows"] = t.equal;
    o["missing_in_lake"] = t.missing_in_lake;
    o["extra_in_lake"] = t.extra_in_lake;
    o["different"] = t.different;
    o["different_columns"] = t.different_columns;
    o["notes"] = t.notes;
    nlohmann::json samples = nlohmann::json::array();
    for (const RowSample& s : t.samples) {
      nlohmann::json x;
      x["kind"] = s.kind == RowSample::Kind::kMissingInLake ? "missing_in_lake"
                  : s.kind == RowSample::Kind::kExtraInLake ? "extra_in_lake"
                                                            : "different";
      x["key"] = s.key;
      if (!s.columns.empty()) x["columns"] = s.columns;
      if (!s.source.empty()) x["source"] = Values(s.source, max_value_chars);
      if (!s.lake.empty()) x["lake"] = Values(s.lake, max_value_chars);
      samples.push_back(std::move(x));
    }
    o["samples"] = std::move(samples);
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : t.differing_keys) {
      nlohmann::json values = nlohmann::json::array();
      for (const auto& v : k) values.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
      keys.push_back(std::move(values));
    }
    o["differing_keys"] = std::move(keys);
    o["differing_keys_complete"] = t.differing_keys_complete;
    tables.push_back(std::move(o));
  }
  j["tables"] = std::move(tables);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ValidationReportKey(const std::string& bucket_folder, const std::string& started_at) {
  std::string stamp;
  for (char c : started_at) {
    if (c != '-' && c != ':') stamp += c;
  }
  if (const size_t dot = stamp.find('.'); dot != std::string::npos) stamp = stamp.substr(0, dot);
  if (!stamp.empty() && stamp.back() != 'Z') stamp += 'Z';
  return (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/validation/" + stamp +
         ".json";
}

Result<std::optional<ValidationSummary>> ReadNewestValidation(ObjectStore& target,
                                                              const std::string& bucket_folder) {
  const std::string prefix =
      (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/validation/";
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> reports, target.List(prefix));
  std::optional<std::string> newest;
  for (const ObjectInfo& o : reports) {
    if (o.key.size() > 5 && o.key.ends_with(".json") && (!newest || o.key > *newest))
      newest = o.key;
  }
  if (!newest) return std::optional<ValidationSummary>();
  ASSIGN_OR_RETURN(std::string text, target.Get(*newest));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&]() { return Corruption(target.Describe() + "/" + *newest + ": not a report"); };
  if (!j.is_object() || !j["tables"].is_array() || !j["source_position"].is_object()) return bad();
  ValidationSummary v;
  v.key = *newest;
  try {
    v.started_at = j.value("started_at", "");
    const auto& p = j["source_position"];
    v.source_position =
        p.value("binlog_file", "") + ":" + std::to_string(p.value("binlog_position", uint64_t{0}));
    v.lake_checkpoint = j.value("lake_checkpoint", uint64_t{0});
    for (const auto& t : j["tables"]) {
      ++v.tables;
      if (!t.value("equal", false)) {
        v.differing.push_back(t.value("schema", "") + "." + t.value("table", ""));
      }
    }
  } catch (const nlohmann::json::exception&) {
    return bad();
  }
  return std::optional<ValidationSummary>(std::move(v));
}

}  // namespace binlake
