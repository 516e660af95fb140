// `binlake cdc` and `binlake run` (full load, then CDC), each alone or as a hot standby.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>

#include "binlog/binlog_position.h"
#include "cdc/cdc_task.h"
#include "cdc/naming.h"
#include "cli/commands.h"
#include "cli/task_options.h"
#include "config/format_options.h"
#include "fullload/full_load.h"
#include "ops/standby.h"
#include "source/stream_start.h"
#include "store/guarded_store.h"

namespace binlake::cli {
namespace {

// g_stop stops the task (a signal, or a lost lease with --standby); g_signalled only a signal.
std::atomic<bool> g_stop{false};
std::atomic<bool> g_signalled{false};
void OnStopSignal(int) {
  g_signalled.store(true);
  g_stop.store(true);
}

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct CdcFlags {
  TaskFlags task;
  std::string start_position;
  std::string start_gtid;
  std::string start_time;
  std::string stop_at;
  uint32_t server_id = 0;
  std::string sequence_column;
  // run only
  std::string progress = "auto";
};

// "2024-11-24T10:00:00Z" / "2024-11-24 10:00:00" (UTC) or seconds since the epoch.
Result<std::chrono::system_clock::time_point> ParseTime(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(s)));
  }
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) end = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!end || (*end && std::string(end) != "Z")) {
    return InvalidArgument("'" + s + "' is not a time (expected YYYY-MM-DDTHH:MM:SSZ, UTC)");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Status FillCdcOptions(const CdcFlags& flags, const TaskConfig& config, CdcTaskOptions* o) {
  o->source = ToConnectionConfig(config.source);
  o->server_id = flags.server_id ? flags.server_id : config.source.server_id;
  o->task_key = config.target.url + "|" + config.settings.bucket_folder;
  o->settings = config.settings;
  o->mappings = &config.table_mappings;
  ASSIGN_OR_RETURN(o->writer_factory, MakeRowFileWriterFactory(config.settings));
  o->file_extension = DataFileExtension(config.settings);
  o->sequence_column_name = flags.sequence_column;
  int starts =
      !flags.start_position.empty() + !flags.start_gtid.empty() + !flags.start_time.empty();
  if (starts > 1) {
    return InvalidArgument("give at most one of --start-position, --start-gtid, --start-time");
  }
  if (!flags.start_position.empty()) {
    ASSIGN_OR_RETURN(binlog::BinlogPosition p, binlog::ParseFilePosition(flags.start_position));
    o->start = StreamStart::At(p.file, p.position);
  }
  if (!flags.start_gtid.empty()) {
    if (flags.start_gtid.find(':') != std::string::npos) {
      o->start = StreamStart::AfterMySqlGtidSet(flags.start_gtid);
    } else {
      RETURN_IF_ERROR(ValidateMariaDbGtidList(flags.start_gtid));
      o->start = StreamStart::AfterMariaDbGtid(flags.start_gtid);
    }
  }
  if (!flags.start_time.empty()) {
    ASSIGN_OR_RETURN(o->start_time, ParseTime(flags.start_time));
  }
  if (!flags.stop_at.empty()) {
    if (flags.stop_at.find(':') != std::string::npos &&
        flags.stop_at.find('-') == std::string::npos) {
      ASSIGN_OR_RETURN(binlog::BinlogPosition p, binlog::ParseFilePosition(flags.stop_at));
      o->stop_at_position = p;
    } else {
      ASSIGN_OR_RETURN(o->stop_at_time, ParseTime(flags.stop_at));
    }
  }
  o->cancel = &g_stop;
  return Status::Ok();
}

// Prints the "cdc stopped" line of a run that ended without an error.
void PrintCdcResult(const CdcRunResult& r, const std::string& target) {
  const CdcCheckpoint& c = r.last_checkpoint;
  std::printf(
      "cdc stopped (%s): %llu row changes in %llu transactions this run (%.3f s "
      "streaming), %llu reconnects; checkpoint %llu at %s -> %s\n",
      r.stop_reason.empty() ? "done" : r.stop_reason.c_str(),
      static_cast<unsigned long long>(r.row_changes),
      static_cast<unsigned long long>(r.transactions), r.stream_seconds,
      static_cast<unsigned long long>(r.reconnects), static_cast<unsigned long long>(c.sequence),
      c.position.ToString().c_str(), target.c_str());
  std::fflush(stdout);
}

void AddCdcFlags(CLI::App* cmd, CdcFlags* f) {
  cmd->add_option("--start-position", f->start_position,
                  "Start at FILE:POS when the target has no checkpoint (default: the full "
                  "load's snapshot)");
  cmd->add_option("--start-gtid", f->start_gtid,
                  "Start after a MariaDB GTID list (d-s-n,...) or a MySQL GTID set "
                  "(uuid:1-5:7,...: every transaction not in it)");
  cmd->add_option("--start-time", f->start_time,
                  "Start with the transactions committed at or after a UTC time");
  cmd->add_option("--stop-at", f->stop_at,
                  "Stop after FILE:POS, or before the first transaction committed at a UTC time");
  cmd->add_option("--server-id", f->server_id,
                  "Replica server_id (default: derived from the target, stable per task)");
  cmd->add_option("--sequence-column", f->sequence_column,
                  "Add a per-row change sequence column with this name (strictly increasing, "
                  "from the binlog position)");
}

// `run`'s first step when the target has no CDC checkpoint yet: the full load.
Status RunFullLoadStep(const CdcFlags& flags, const TaskConfig& config, const CdcTaskOptions& cdc,
                       ObjectStore& store) {
  FullLoadOptions fl;
  fl.source = cdc.source;
  fl.settings = config.settings;
  fl.mappings = &config.table_mappings;
  fl.threads = config.threads > 0 ? config.threads : 2;
  fl.require_cdc = true;
  fl.writer_factory = cdc.writer_factory;
  fl.file_extension = cdc.file_extension;
  fl.cancel = &g_stop;
  ProgressBoard progress(stderr);
  fl.progress = &progress;
  bool interactive = flags.progress == "on" || (flags.progress == "auto" && isatty(2));
  if (flags.progress != "off") {
    progress.EnableReporting(interactive, std::chrono::milliseconds(interactive ? 500 : 10000));
  }
  auto loaded = RunFullLoad(fl, store);
  progress.Stop();
  if (!loaded.ok()) return loaded.status();
  std::printf("full load complete: %zu table(s); snapshot %s\n", loaded->state.tables.size(),
              loaded->state.snapshot.ToString().c_str());
  std::fflush(stdout);
  return Status::Ok();
}

// The task's work: for `run`, the full load unless the target already streams (it has a CDC
// checkpoint), then CDC; for `cdc`, CDC.
Status RunTask(const CdcFlags& flags, const TaskConfig& config, const CdcTaskOptions& cdc,
               ObjectStore& store, bool with_full_load) {
  if (with_full_load) {
    ASSIGN_OR_RETURN(auto existing, store.List(CdcCheckpointPrefix(config.settings.bucket_folder)));
    if (existing.empty()) {
      RETURN_IF_ERROR(RunFullLoadStep(flags, config, cdc, store));
      if (g_stop.load()) return Status::Ok();
    } else {
      spdlog::info("the target already holds CDC checkpoints: resuming CDC");
    }
  }
  ASSIGN_OR_RETURN(CdcRunResult r, RunCdc(cdc, store));
  PrintCdcResult(r, store.Describe());
  return Status::Ok();
}

// --standby: the task runs only while this instance holds the task's lease (ops/standby.h).
// Losing it stops the task without writing anything more and goes back to waiting; a signal
// releases it.
int RunAsStandby(const CdcFlags& flags, const TaskConfig& config, CdcTaskOptions cdc,
                 ObjectStore& store, bool with_full_load) {
  ops::LeaseOptions lease;
  lease.bucket_folder = config.settings.bucket_folder;
  lease.instance_id =
      config.standby.instance_id.empty() ? ops::DefaultInstanceId() : config.standby.instance_id;
  lease.period = std::chrono::seconds(config.standby.lease_seconds);
  lease.cancel = &g_signalled;
  while (true) {
    Result<ops::LeaseTerm> term = ops::AcquireLease(store, lease);
    if (!term.ok()) {
      return term.status().code() == StatusCode::kCancelled ? 0 : ReportFailure(term.status());
    }
    ops::LeaseKeeper keeper(store, lease, *term, [](const std::string&) { g_stop.store(true); });
    cdc.fence = true;
    cdc.lease_holder = term->holder;
    cdc.lease_term = term->term;
    cdc.may_commit = [&keeper] {
      if (keeper.Held()) return Status::Ok();
      const std::string why = keeper.lost_reason();
      return PreconditionFailed("this instance no longer holds the task's lease" +
                                (why.empty() ? std::string(" (not renewed in time)") : ": " + why));
    };
    // Every write of the task (the full load's files too, not only CDC's commits) asks first,
    // so an instance frozen past its lease stops at its next request.
    GuardedStore guarded(store, cdc.may_commit);
    Status s;
    do {
      s = RunTask(flags, config, cdc, guarded, with_full_load);
      // Another instance committed while this one took over (it held the task before and
      // committed once more before the fencing checkpoint): start again from its checkpoint.
    } while (s.code() == StatusCode::kAlreadyExists && keeper.Held() && !g_stop.load());
    if (g_signalled.load() || (s.ok() && keeper.Held())) {
      Status released = keeper.Release();
      if (!released.ok())
        spdlog::warn("could not release the task's lease: {}", released.message());
      return s.ok() ? 0 : ReportFailure(s);
    }
    if (keeper.Held()) return ReportFailure(s);  // an error of the task itself
    spdlog::warn("back to standby ({}){}",
                 keeper.lost_reason().empty() ? "lease expired" : keeper.lost_reason(),
                 s.ok() ? "" : "; the task stopped with: " + s.message());
    if (!g_signalled.load()) g_stop.store(false);
  }
}

int RunCdcOrRun(const CdcFlags& flags, bool with_full_load) {
  auto config = BuildTaskConfig(flags.task);
  if (!config.ok()) return ReportFailure(config.status());
  CdcTaskOptions cdc;
  Status s = FillCdcOptions(flags, *config, &cdc);
  if (!s.ok()) return ReportFailure(s);
  if (with_full_load && (cdc.start || cdc.start_time)) {
    return ReportFailure(
        InvalidArgument("`run` starts CDC at its own snapshot; use `cdc` for "
                        "--start-position/--start-gtid/--start-time"));
  }
  auto store = OpenObjectStore(config->target);
  if (!store.ok()) return ReportFailure(store.status());
  s = (*store)->CheckAccess();
  if (!s.ok()) return ReportFailure(s);
  auto ops = StartOpsServer(flags.task);
  if (!ops.ok()) return ReportFailure(ops.status());
  InstallStopHandlers();
  if (config->standby.enabled) {
    return RunAsStandby(flags, *config, std::move(cdc), **store, with_full_load);
  }
  s = RunTask(flags, *config, cdc, **store, with_full_load);
  return s.ok() ? 0 : ReportFailure(s);
}

}  // namespace

void RegisterCdcCommands(CLI::App& root, CommandTable& table) {
  auto cdc_flags = std::make_shared<CdcFlags>();
  CLI::App* cdc = root.add_subcommand(
      "cdc",
      "Stream committed changes from the binlog into the target, exactly once, starting "
      "at the last checkpoint (or the full load's snapshot)");
  AddTaskFlags(cdc, &cdc_flags->task);
  AddOpsFlags(cdc, &cdc_flags->task);
  AddStandbyFlags(cdc, &cdc_flags->task);
  AddCdcFlags(cdc, cdc_flags.get());
  table.Add(cdc, [cdc_flags] { return RunCdcOrRun(*cdc_flags, /*with_full_load=*/false); });

  auto run_flags = std::make_shared<CdcFlags>();
  CLI::App* run = root.add_subcommand(
      "run",
      "Full load, then CDC from the snapshot's position (full-load-and-cdc), until "
      "SIGINT/SIGTERM; resumes CDC when the target already has checkpoints");
  AddTaskFlags(run, &run_flags->task);
  AddOpsFlags(run, &run_flags->task);
  AddStandbyFlags(run, &run_flags->task);
  run->add_option("--stop-at", run_flags->stop_at,
                  "Stop CDC after FILE:POS, or before the first transaction committed at a time");
  run->add_option("--server-id", run_flags->server_id, "Replica server_id");
  run->add_option("--progress", run_flags->progress, "Full-load progress: auto | on | off")
      ->capture_default_str();
  run->add_option("--sequence-column", run_flags->sequence_column,
                  "Add a per-row change sequence column with this name");
  table.Add(run, [run_flags] { return RunCdcOrRun(*run_flags, /*with_full_load=*/true); });
}

}  // namespace binlake::cli
