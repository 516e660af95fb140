// `binlake status`: the task as its target shows it (phase, committed position, history,
// per-table statistics, the last validation, the hot-standby lease).
#include <ctime>
#include <nlohmann/json.hpp>

#include "cdc/commit_log.h"
#include "cdc/naming.h"
#include "cli/commands.h"
#include "cli/task_options.h"
#include "fullload/task_state.h"
#include "ops/lease.h"
#include "validate/report.h"

namespace binlake::cli {
namespace {

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
  // Hot standby: who holds the task's lease (ops/lease.h).
  auto lease = ops::ReadLease(**store, folder);
  if (!lease.ok()) return ReportFailure(lease.status());
  std::string lease_line;
  if (lease->newest) {
    const ops::LeaseTerm& t = *lease->newest;
    nlohmann::ordered_json l = {{"term", t.term},
                                {"holder", t.holder},
                                {"acquired_at", t.acquired_at},
                                {"lease_seconds", t.lease_seconds}};
    std::string renewed = "not renewed yet";
    if (const auto& h = lease->heartbeat) {
      l["renewed_at"] = h->renewed_at;
      l["renewals"] = h->renewals;
      l["released"] = h->released;
      renewed = (h->released ? "released at " : "renewed at ") + h->renewed_at;
    }
    j["lease"] = l;
    lease_line = (lease->heartbeat && lease->heartbeat->released ? "last held by " : "held by ") +
                 t.holder + " (term " + std::to_string(t.term) + ", since " + t.acquired_at + "; " +
                 renewed + "; lease " + std::to_string(t.lease_seconds) + " s)";
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
  if (!lease_line.empty()) std::printf("lease:      %s\n", lease_line.c_str());
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

void RegisterStatusCommand(CLI::App& root, CommandTable& table) {
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
