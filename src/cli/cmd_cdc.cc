// `binlake cdc`, `binlake run` (full load, then CDC) and `binlake status`.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "binlog/binlog_position.h"
#include "cdc/cdc_task.h"
#include "cdc/commit_log.h"
#include "cdc/naming.h"
#include "cli/commands.h"
#include "cli/task_options.h"
#include "config/format_options.h"
#include "fullload/full_load.h"
#include "fullload/task_state.h"
#include "source/stream_start.h"
#include "validate/report.h"
#include "validate/validate.h"

namespace binlake::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

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

int ReportCdcResult(const Result<CdcRunResult>& r, const std::string& target) {
  if (!r.ok()) return ReportFailure(r.status());
  const CdcCheckpoint& c = r->last_checkpoint;
  std::printf(
      "cdc stopped (%s): %llu row changes in %llu transactions this run (%.3f s "
      "streaming), %llu reconnects; checkpoint %llu at %s -> %s\n",
      r->stop_reason.empty() ? "done" : r->stop_reason.c_str(),
      static_cast<unsigned long long>(r->row_changes),
      static_cast<unsigned long long>(r->transactions), r->stream_seconds,
      static_cast<unsigned long long>(r->reconnects), static_cast<unsigned long long>(c.sequence),
      c.position.ToString().c_str(), target.c_str());
  return 0;
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

int RunCdcCommand(const CdcFlags& flags) {
  auto config = BuildTaskConfig(flags.task);
  if (!config.ok()) return ReportFailure(config.status());
  CdcTaskOptions options;
  Status s = FillCdcOptions(flags, *config, &options);
  if (!s.ok()) return ReportFailure(s);
  auto store = OpenObjectStore(config->target);
  if (!store.ok()) return ReportFailure(store.status());
  s = (*store)->CheckAccess();
  if (!s.ok()) return ReportFailure(s);
  auto ops = StartOpsServer(flags.task);
  if (!ops.ok()) return ReportFailure(ops.status());
  InstallStopHandlers();
  return ReportCdcResult(RunCdc(options, **store), (*store)->Describe());
}

int RunRunCommand(const CdcFlags& flags) {
  auto config = BuildTaskConfig(flags.task);
  if (!config.ok()) return ReportFailure(config.status());
  CdcTaskOptions cdc;
  Status s = FillCdcOptions(flags, *config, &cdc);
  if (!s.ok()) return ReportFailure(s);
  if (cdc.start || cdc.start_time) {
    return ReportFailure(
        InvalidArgument("`run` starts CDC at its own snapshot; use `cdc` for "
                        "--start-position/--start-gtid/--start-time"));
  }
  auto store = OpenObjectStore(config->target);
  if (!store.ok()) return ReportFailure(store.status());
  auto ops = StartOpsServer(flags.task);
  if (!ops.ok()) return ReportFailure(ops.status());
  InstallStopHandlers();

  // A task that already streams (it has a checkpoint) resumes CDC; otherwise load first.
  auto existing = (*store)->List(CdcCheckpointPrefix(config->settings.bucket_folder));
  if (!existing.ok()) return ReportFailure(existing.status());
  if (existing->empty()) {
    FullLoadOptions fl;
    fl.source = cdc.source;
    fl.settings = config->settings;
    fl.mappings = &config->table_mappings;
    fl.threads = config->threads > 0 ? config->threads : 2;
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
    auto loaded = RunFullLoad(fl, **store);
    progress.Stop();
    if (!loaded.ok()) return ReportFailure(loaded.status());
    std::printf("full load complete: %zu table(s); snapshot %s\n", loaded->state.tables.size(),
                loaded->state.snapshot.ToString().c_str());
    std::fflush(stdout);
    if (g_stop.load()) return 0;
  } else {
    spdlog::info("the target already holds CDC checkpoints: resuming CDC");
  }
  return ReportCdcResult(RunCdc(cdc, **store), (*store)->Describe());
}

std::string FormatMicros(uint64_t us) { return us == 0 ? "-" : FormatCommitTime(us); }

int RunStatusCommand(const TaskFlags& flags, bool json) {
  TaskFlags f = flags;
  if (f.source_url.empty()) f.source_url = "mysql://status@localhost";  // not contacted
  auto config = BuildTaskConfig(f);
  if (!config.ok()) return ReportFailure(config.status());
  auto store = OpenObjectStore(config->target);
  if (!store.ok()) return ReportFailure(store.status());
  const std::string& folder = config->settings.bucket_folder;
  std::optional<FullLoadState> load;
  auto text = (*store)->Get(FullLoadStateKey(folder));
  if (text.ok()) {
    auto parsed = ParseFullLoadState(*text);
    if (!parsed.ok()) return ReportFailure(parsed.status());
    load = std::move(parsed).value();
  } else if (text.status().code() != StatusCode::kNotFound) {
    return ReportFailure(text.status());
  }
  // The committed history the commit log keeps (the points one can materialize); its newest
  // checkpoint object is the task's position.
  auto log = ListCommitLog(**store, folder);
  if (!log.ok()) return ReportFailure(log.status());
  Result<std::optional<CdcCheckpoint>> cp = std::optional<CdcCheckpoint>();
  if (!log->checkpoints.empty()) {
    auto newest = ReadCommit(**store, folder, *log, log->checkpoints.back());
    if (!newest.ok()) return ReportFailure(newest.status());
    cp = std::optional<CdcCheckpoint>(std::move(newest).value());
  }
  std::optional<CdcCheckpoint> oldest;
  if (log->contiguous_from > 1) {
    auto c = ReadCommit(**store, folder, *log, log->contiguous_from);
    if (!c.ok()) return ReportFailure(c.status());
    oldest = std::move(c).value();
  }

  std::string phase = "not started";
  if (load) phase = load->status == "complete" ? "full load complete" : "full load running";
  if (*cp) phase = "cdc";
  std::map<std::string, uint64_t> load_rows;
  if (load) {
    for (const auto& t : load->tables) load_rows[t.schema.schema + "." + t.schema.table] = t.rows;
  }
  nlohmann::ordered_json j;
  j["target"] = (*store)->Describe();
  j["phase"] = phase;
  if (load) {
    j["full_load"] = {{"status", load->status},
                      {"started_at", load->started_at},
                      {"finished_at", load->finished_at},
                      {"snapshot", load->snapshot.ToString()},
                      {"gtid_set", load->snapshot.gtid_set},
                      {"server", load->snapshot.server}};
  }
  double lag = -1;
  if (*cp) {
    const CdcCheckpoint& c = **cp;
    struct std::tm tm {};
    strptime(c.created_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    double created = static_cast<double>(timegm(&tm));
    if (c.last_commit_us) lag = created - c.last_commit_us / 1e6;
    j["cdc"] = {{"checkpoint", c.sequence},
                {"checkpoint_at", c.created_at},
                {"position", c.position.ToString()},
                {"gtid_set", c.position.gtid_set},
                {"server", c.position.server},
                {"last_commit", FormatMicros(c.last_commit_us)},
                {"latency_seconds_at_checkpoint", lag},
                {"transactions", c.transactions}};
  }
  if (*cp) {
    const CdcCheckpoint& c = **cp;
    nlohmann::ordered_json h;
    h["complete_since_full_load"] = log->contiguous_from == 1;
    h["oldest_checkpoint"] = oldest ? oldest->sequence : 0;
    h["oldest_position"] =
        oldest ? oldest->position.ToString() : (load ? load->snapshot.ToString() : "");
    h["oldest_last_commit"] = oldest ? FormatMicros(oldest->last_commit_us) : "-";
    h["newest_checkpoint"] = c.sequence;
    h["newest_position"] = c.position.ToString();
    h["newest_last_commit"] = FormatMicros(c.last_commit_us);
    j["history"] = h;
  }
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  std::set<std::string> names;
  for (auto& [n, _] : load_rows) names.insert(n);
  if (*cp) {
    for (auto& [n, _] : (*cp)->tables) names.insert(n);
  }
  for (const std::string& n : names) {
    CdcTableStats st;
    if (*cp && (*cp)->tables.count(n)) st = (*cp)->tables.at(n);
    tables.push_back({{"table", n},
                      {"full_load_rows", load_rows.count(n) ? load_rows[n] : 0},
                      {"inserts", st.inserts},
                      {"updates", st.updates},
                      {"deletes", st.deletes},
                      {"ddls", st.ddls},
                      {"last_change", st.last_change}});
  }
  j["tables"] = tables;
  auto validation = ReadNewestValidation(**store, folder);
  if (!validation.ok()) return ReportFailure(validation.status());
  if (*validation) {
    const ValidationSummary& v = **validation;
    j["validation"] = {{"report", v.key},
                       {"started_at", v.started_at},
                       {"source_position", v.source_position},
                       {"lake_checkpoint", v.lake_checkpoint},
                       {"tables", v.tables},
                       {"differing_tables", v.differing}};
  }
  if (json) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("target:     %s\nphase:      %s\n", j["target"].get<std::string>().c_str(),
              phase.c_str());
  if (load) {
    std::printf("full load:  %s, started %s, snapshot %s (gtid %s)\n", load->status.c_str(),
                load->started_at.c_str(), load->snapshot.ToString().c_str(),
                load->snapshot.gtid_set.empty() ? "-" : load->snapshot.gtid_set.c_str());
  }
  if (*cp) {
    const CdcCheckpoint& c = **cp;
    std::printf("cdc:        checkpoint %llu at %s; committed up to %s (gtid %s; server %s)\n",
                static_cast<unsigned long long>(c.sequence), c.created_at.c_str(),
                c.position.ToString().c_str(),
                c.position.gtid_set.empty() ? "-" : c.position.gtid_set.c_str(),
                c.position.server.empty() ? "-" : c.position.server.c_str());
    std::printf("            last source commit %s, latency at checkpoint %.1f s\n",
                FormatMicros(c.last_commit_us).c_str(), lag);
    const auto& h = j["history"];
    if (h["complete_since_full_load"].get<bool>()) {
      std::printf("history:    every commit since the full load (snapshot %s) to checkpoint %llu\n",
                  h["oldest_position"].get<std::string>().c_str(),
                  static_cast<unsigned long long>(c.sequence));
    } else {
      std::printf(
          "history:    checkpoint %llu (%s, last commit %s) to checkpoint %llu; older commits "
          "were deleted before the commit log kept them\n",
          static_cast<unsigned long long>(h["oldest_checkpoint"].get<uint64_t>()),
          h["oldest_position"].get<std::string>().c_str(),
          h["oldest_last_commit"].get<std::string>().c_str(),
          static_cast<unsigned long long>(c.sequence));
    }
  }
  if (*validation) {
    const ValidationSummary& v = **validation;
    std::string differing;
    for (const std::string& t : v.differing) differing += (differing.empty() ? "" : ", ") + t;
    std::printf(
        "validation: %s at %s (lake checkpoint %llu): %s\n", v.started_at.c_str(),
        v.source_position.c_str(), static_cast<unsigned long long>(v.lake_checkpoint),
        v.differing.empty()
            ? ("the lake equals the source (" + std::to_string(v.tables) + " table(s))").c_str()
            : (std::to_string(v.differing.size()) + " of " + std::to_string(v.tables) +
               " table(s) differ: " + differing)
                  .c_str());
  }
  std::printf("\n%-40s %14s %10s %10s %10s %5s  %s\n", "table", "full-load rows", "inserts",
              "updates", "deletes", "ddls", "last change");
  for (const auto& t : tables) {
    std::printf(
        "%-40s %14llu %10llu %10llu %10llu %5llu  %s\n", t["table"].get<std::string>().c_str(),
        static_cast<unsigned long long>(t["full_load_rows"].get<uint64_t>()),
        static_cast<unsigned long long>(t["inserts"].get<uint64_t>()),
        static_cast<unsigned long long>(t["updates"].get<uint64_t>()),
        static_cast<unsigned long long>(t["deletes"].get<uint64_t>()),
        static_cast<unsigned long long>(t["ddls"].get<uint64_t>()),
        t["last_change"].get<std::string>().empty() ? "-"
                                                    : t["last_change"].get<std::string>().c_str());
  }
  return 0;
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
  AddCdcFlags(cdc, cdc_flags.get());
  table.Add(cdc, [cdc_flags] { return RunCdcCommand(*cdc_flags); });

  auto run_flags = std::make_shared<CdcFlags>();
  CLI::App* run = root.add_subcommand(
      "run",
      "Full load, then CDC from the snapshot's position (full-load-and-cdc), until "
      "SIGINT/SIGTERM; resumes CDC when the target already has checkpoints");
  AddTaskFlags(run, &run_flags->task);
  AddOpsFlags(run, &run_flags->task);
  run->add_option("--stop-at", run_flags->stop_at,
                  "Stop CDC after FILE:POS, or before the first transaction committed at a time");
  run->add_option("--server-id", run_flags->server_id, "Replica server_id");
  run->add_option("--progress", run_flags->progress, "Full-load progress: auto | on | off")
      ->capture_default_str();
  run->add_option("--sequence-column", run_flags->sequence_column,
                  "Add a per-row change sequence column with this name");
  table.Add(run, [run_flags] { return RunRunCommand(*run_flags); });

  auto status_flags = std::make_shared<TaskFlags>();
  auto json = std::make_shared<bool>(false);
  CLI::App* status = root.add_subcommand(
      "status",
      "Show the task: phase, last committed position, CDC latency and per-table "
      "statistics (read from the target)");
  status->add_option("--target", status_flags->target_url, "Target URL")->required();
  status->add_option("--config", status_flags->config_path, "Task config file");
  status->add_option("--settings", status_flags->settings_path, "DMS S3Settings JSON file");
  status->add_option("--set", status_flags->set, "Override one DMS setting (e.g. BucketFolder)");
  status->add_option("--endpoint-url", status_flags->endpoint_url, "S3 endpoint");
  status->add_option("--region", status_flags->region, "S3 region");
  status->add_option("--profile", status_flags->profile, "AWS profile");
  status->add_flag("--path-style", status_flags->force_path_style, "Path-style S3 addressing");
  status->add_flag("--json", *json, "Print JSON");
  table.Add(status, [status_flags, json] { return RunStatusCommand(*status_flags, *json); });
}

}  // namespace binlake::cli
