// `binlake full-load`: copy every selected table to the target as DMS LOAD files.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/task_options.h"
#include "config/format_options.h"
#include "fullload/full_load.h"

namespace binlake::cli {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted.store(true); }

struct FullLoadFlags {
  TaskFlags task;
  bool dry_run = false;
  bool require_cdc = false;
  std::string snapshot_method = "auto";
  std::string progress = "auto";
  uint64_t chunk_rows = 0;
  uint64_t split_kb = 8192;
};

Result<SnapshotMethod> ParseSnapshotMethod(const std::string& s) {
  if (s == "auto") return SnapshotMethod::kAuto;
  if (s == "lock-free") return SnapshotMethod::kMariaDbLockFree;
  if (s == "ftwrl") return SnapshotMethod::kFlushTablesWithReadLock;
  if (s == "lock-tables") return SnapshotMethod::kLockTables;
  if (s == "single") return SnapshotMethod::kSingleConnection;
  return InvalidArgument("--snapshot-method must be auto, lock-free, ftwrl, lock-tables or single");
}

int Run(const FullLoadFlags& flags) {
  auto config = BuildTaskConfig(flags.task);
  if (!config.ok()) return ReportFailure(config.status());
  auto method = ParseSnapshotMethod(flags.snapshot_method);
  if (!method.ok()) return ReportFailure(method.status());
  auto store = OpenObjectStore(config->target);
  if (!store.ok()) return ReportFailure(store.status());
  auto factory = MakeRowFileWriterFactory(config->settings);
  if (!factory.ok()) return ReportFailure(factory.status());
  auto ops = StartOpsServer(flags.task);
  if (!ops.ok()) return ReportFailure(ops.status());

  FullLoadOptions options;
  options.source = ToConnectionConfig(config->source);
  options.settings = config->settings;
  options.mappings = &config->table_mappings;
  options.rows_per_chunk = flags.chunk_rows;
  options.split_bytes = flags.split_kb * 1024;
  options.threads = config->threads > 0 ? config->threads : 2;
  options.dry_run = flags.dry_run;
  options.require_cdc = flags.require_cdc;
  options.snapshot_method = *method;
  options.writer_factory = *factory;
  options.file_extension = DataFileExtension(config->settings);

  ProgressBoard progress(stderr);
  bool interactive = flags.progress == "on" || (flags.progress == "auto" && isatty(2));
  if (!flags.dry_run) options.progress = &progress;  // counts rows for the summary
  if (flags.progress != "off" && !flags.dry_run) {
    progress.EnableReporting(interactive, std::chrono::milliseconds(interactive ? 500 : 10000));
  }
  options.cancel = &g_interrupted;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  auto result = RunFullLoad(options, **store);
  progress.Stop();
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kCancelled) {
      spdlog::warn("full load interrupted; no partial file was made visible");
      return 130;
    }
    return ReportFailure(result.status());
  }
  if (flags.dry_run) {
    std::printf("dry run: %zu table(s) would be loaded to %s\n", result->plan.size(),
                (*store)->Describe().c_str());
    for (const auto& line : result->plan) std::printf("  %s\n", line.c_str());
    return 0;
  }
  uint64_t rows = 0;
  size_t files = 0;
  for (const auto& t : result->state.tables) {
    rows += t.rows;
    files += t.files.size();
  }
  if (spdlog::get_level() <= spdlog::level::info) {
    std::fprintf(stderr, "%s", progress.Summary(result->seconds).c_str());
  }
  std::printf("full load complete: %zu table(s), %llu rows, %zu file(s) in %.1f s -> %s\n",
              result->state.tables.size(), static_cast<unsigned long long>(rows), files,
              result->seconds, (*store)->Describe().c_str());
  const binlog::BinlogPosition& pos = result->state.snapshot;
  if (!pos.empty()) {
    std::printf("snapshot position (CDC starts here): %s gtid %s\n", pos.ToString().c_str(),
                pos.gtid_set.empty() ? "-" : pos.gtid_set.c_str());
  }
  return 0;
}

}  // namespace

void RegisterFullLoadCommand(CLI::App& root, CommandTable& table) {
  auto flags = std::make_shared<FullLoadFlags>();
  CLI::App* cmd = root.add_subcommand(
      "full-load",
      "Copy every selected table from one consistent snapshot to the target as DMS "
      "LOAD files, and record the snapshot's binlog position for CDC");
  AddTaskFlags(cmd, &flags->task);
  AddOpsFlags(cmd, &flags->task);
  cmd->add_flag("--dry-run", flags->dry_run,
                "Connect, check and print the plan (tables, rows, target keys); write nothing");
  cmd->add_flag("--require-cdc", flags->require_cdc,
                "Fail (instead of warning) when the binlog settings would prevent CDC");
  cmd->add_option("--snapshot-method", flags->snapshot_method,
                  "auto | lock-free (MariaDB) | ftwrl | lock-tables | single")
      ->capture_default_str();
  cmd->add_option("--progress", flags->progress, "auto | on | off")->capture_default_str();
  cmd->add_option("--chunk-rows", flags->chunk_rows,
                  "Rows per primary-key chunk (default: about 64 MB of table data)");
  cmd->add_option("--split-kb", flags->split_kb,
                  "Record a split point about every N KiB of an uncompressed CSV LOAD file "
                  "(validate compares a table in parallel key ranges from there; 0: none)")
      ->capture_default_str();
  table.Add(cmd, [flags] { return Run(*flags); });
}

}  // namespace binlake::cli
