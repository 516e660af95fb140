// `binlake validate`: every selected table of the source, in one consistent snapshot, compared
// row by row with the lake as of the same point (validate/validate.h, docs/VALIDATE.md).
// Exit: 0 everything equal, 4 differences found, 1 an error, 2 bad usage.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/task_options.h"
#include "validate/report.h"
#include "validate/validate.h"

namespace binlake::cli {
namespace {

constexpr int kDifferencesFound = 4;

struct ValidateFlags {
  TaskFlags task;
  std::string tables;
  std::string report_path;
  double wait_seconds = 300;
  uint64_t memory_mb = 256;
  std::string spill_dir;
  size_t max_samples = 10;
  bool recheck = false;
  uint64_t range_kb = 8192;
};

std::string Shorten(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  if (v->size() <= 60) return *v;
  return v->substr(0, 60) + "...";
}

void PrintTable(const TableComparison& t) {
  std::printf(
      "%s.%s: %s: source %llu row(s), lake %llu, equal %llu, missing in the lake %llu, "
      "extra in the lake %llu, different %llu\n",
      t.schema.c_str(), t.table.c_str(), t.equal_all() ? "equal" : "DIFFERENT",
      static_cast<unsigned long long>(t.source_rows), static_cast<unsigned long long>(t.lake_rows),
      static_cast<unsigned long long>(t.equal), static_cast<unsigned long long>(t.missing_in_lake),
      static_cast<unsigned long long>(t.extra_in_lake),
      static_cast<unsigned long long>(t.different));
  for (const std::string& n : t.notes) std::printf("  %s\n", n.c_str());
  if (!t.not_compared.empty()) {
    std::string cols;
    for (const std::string& c : t.not_compared) cols += (cols.empty() ? "" : ", ") + c;
    std::printf("  not compared (computed or masked by transformation rules): %s\n", cols.c_str());
  }
  if (!t.different_columns.empty()) {
    std::string cols;
    for (const auto& [c, n] : t.different_columns) {
      cols += (cols.empty() ? "" : ", ") + c + " (" + std::to_string(n) + ")";
    }
    std::printf("  columns that differ: %s\n", cols.c_str());
  }
  for (const RowSample& s : t.samples) {
    switch (s.kind) {
      case RowSample::Kind::kMissingInLake:
        std::printf("  missing in the lake: %s\n", s.key.c_str());
        break;
      case RowSample::Kind::kExtraInLake:
        std::printf("  extra in the lake: %s\n", s.key.c_str());
        break;
      case RowSample::Kind::kDifferent:
        for (size_t i = 0; i < s.columns.size(); ++i) {
          std::printf("  different: %s: %s: source %s, lake %s\n", s.key.c_str(),
                      s.columns[i].c_str(), Shorten(s.source[i].second).c_str(),
                      Shorten(s.lake[i].second).c_str());
        }
        break;
    }
  }
}

int Run(const ValidateFlags& flags) {
  auto config = BuildTaskConfig(flags.task);
  if (!config.ok()) return ReportBadUsage(config.status());
  auto target = OpenObjectStore(config->target);
  if (!target.ok()) return ReportFailure(target.status());
  auto ops = StartOpsServer(flags.task);
  if (!ops.ok()) return ReportFailure(ops.status());

  ValidateOptions options;
  options.source = ToConnectionConfig(config->source);
  options.target_folder = config->settings.bucket_folder;
  options.mappings = &config->table_mappings;
  options.tables = flags.tables;
  options.threads = config->threads > 0 ? config->threads : 2;
  options.wait = std::chrono::milliseconds(static_cast<int64_t>(flags.wait_seconds * 1000));
  options.memory_bytes = flags.memory_mb << 20;
  options.spill_dir = flags.spill_dir;
  options.max_samples = flags.max_samples;
  options.range_bytes = flags.range_kb << 10;
  options.recheck = flags.recheck;
  options.progress = [](const std::string& line) { spdlog::info("{}", line); };
  auto result = RunValidate(**target, options);
  if (!result.ok()) return ReportFailure(result.status());

  if (flags.recheck && result->tables.empty()) {
    std::printf("nothing to recheck: the newest report found the lake equal to the source\n");
    return 0;
  }
  const std::string json = ValidationReportJson(*result);
  const std::string key = ValidationReportKey(config->settings.bucket_folder, result->started_at);
  PutOptions put;
  put.content_type = "application/json";
  Status stored = (*target)->Put(key, json, put);
  if (!stored.ok()) return ReportFailure(stored.WithContext("storing the report"));
  if (!flags.report_path.empty()) {
    std::ofstream out(flags.report_path, std::ios::binary | std::ios::trunc);
    out << json;
    out.close();
    if (!out) {
      return ReportFailure(IoError("cannot write the report to " + flags.report_path));
    }
  }
  for (const TableComparison& t : result->tables) PrintTable(t);
  uint64_t rows = 0;
  size_t differing = 0;
  for (const TableComparison& t : result->tables) {
    rows += t.source_rows;
    if (!t.equal_all()) ++differing;
  }
  std::printf(
      "%s %zu table(s), %llu source row(s) at %s (lake checkpoint %llu%s) in %.1f s: "
      "%s; report %s/%s\n",
      flags.recheck ? "rechecked" : "validated", result->tables.size(),
      static_cast<unsigned long long>(rows), result->position.ToString().c_str(),
      static_cast<unsigned long long>(result->as_of.checkpoint),
      result->as_of.partial
          ? (" + " + std::to_string(result->as_of.partial->transactions) +
             " transaction(s) of batch " + std::to_string(result->as_of.partial->checkpoint))
                .c_str()
          : "",
      result->seconds,
      differing == 0 ? "the lake equals the source"
                     : (std::to_string(differing) + " table(s) differ").c_str(),
      (*target)->Describe().c_str(), key.c_str());
  return differing == 0 ? 0 : kDifferencesFound;
}

}  // namespace

void RegisterValidateCommand(CLI::App& root, CommandTable& table) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* cmd = root.add_subcommand(
      "validate",
      "Compare every selected table of the source, in one consistent snapshot, row by row with "
      "the lake (full load + committed CDC) as of the same point; exit 4 when they differ");
  AddTaskFlags(cmd, &flags->task);
  AddOpsFlags(cmd, &flags->task);
  cmd->add_option("--tables", flags->tables,
                  "Only these tables: comma-separated schema.table patterns (* and ?)");
  cmd->add_option("--report", flags->report_path,
                  "Also write the JSON report to this file (it is always stored in the target "
                  "under _binlake/validation/)");
  cmd->add_option("--wait", flags->wait_seconds,
                  "Seconds to wait for CDC to commit past the source's snapshot")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--memory-limit-mb", flags->memory_mb,
                  "Memory for sorting, all threads together; beyond it rows spill to --spill-dir")
      ->capture_default_str()
      ->check(CLI::Range(16, 1 << 20));
  cmd->add_option("--spill-dir", flags->spill_dir, "Where rows spill (default: $TMPDIR or /tmp)");
  cmd->add_option("--max-samples", flags->max_samples,
                  "Differing keys reported per table, with both values")
      ->capture_default_str();
  cmd->add_option("--range-kb", flags->range_kb,
                  "Compare a big table in up to --threads key ranges in parallel, each at least "
                  "this many KiB of its full-load files")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  cmd->add_flag("--recheck", flags->recheck,
                "Compare again, at a new point, only the tables and keys the newest report in the "
                "target found not equal (a fixed difference goes, a defect stays)");
  table.Add(cmd, [flags] { return Run(*flags); });
}

}  // namespace binlake::cli
