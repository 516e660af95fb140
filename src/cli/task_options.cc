#include "cli/task_options.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "config/settings_parser.h"
#include "ops/log_format.h"
#include "transform/table_mappings.h"

namespace binlake::cli {

void AddTaskFlags(CLI::App* app, TaskFlags* f) {
  app->add_option("--source", f->source_url,
                  "Source server: mysql://user@host:port[,host2:port2...][/db] (several hosts: "
                  "tried in order at start and at every reconnect; password from "
                  "--password-env, BINLAKE_SOURCE_PASSWORD or MYSQL_PWD)");
  app->add_option("--target", f->target_url, "Target: file:///abs/dir or s3://bucket[/prefix]");
  app->add_option("--config", f->config_path, "Task config file (YAML or JSON)");
  app->add_option("--settings", f->settings_path, "DMS S3Settings JSON file");
  app->add_option("--table-mappings", f->table_mappings_path, "DMS table-mappings JSON file");
  app->add_option("--set", f->set, "Override one DMS setting, e.g. --set CsvDelimiter=';'");
  app->add_option("--threads", f->threads, "Parallel snapshot readers (default 2)")
      ->check(CLI::Range(1, 256));
  app->add_option("--password-env", f->password_env,
                  "Name of the environment variable holding the source password");
  app->add_option("--endpoint-url", f->endpoint_url, "S3 endpoint (S3-compatible stores)");
  app->add_option("--region", f->region, "S3 region");
  app->add_option("--profile", f->profile, "AWS shared-config profile");
  app->add_flag("--path-style", f->force_path_style, "Path-style S3 addressing");
  app->add_option("--ca-bundle", f->ca_bundle,
                  "CA certificates (PEM) to trust for an https S3 endpoint (default: "
                  "AWS_CA_BUNDLE, the profile's ca_bundle, the system's)");
  app->add_option("--tls-mode", f->tls_mode,
                  "Source TLS: disabled | preferred | required | verify_ca | verify_identity");
  app->add_option("--tls-ca", f->tls_ca, "CA certificate (PEM) for verify_ca/verify_identity");
  app->add_option("--log-level", f->log_level, "error | warn | info | debug")
      ->capture_default_str();
  app->add_option("--log-format", f->log_format,
                  "text | json (one JSON object per line: time, level, message, task, fields)")
      ->capture_default_str();
  f->command = app->get_name();
}

void AddOpsFlags(CLI::App* app, TaskFlags* f) {
  app->add_option("--metrics-address", f->metrics_address,
                  "Serve Prometheus /metrics, /healthz and /readyz on HOST:PORT "
                  "(e.g. 127.0.0.1:9464; :9464 = every interface)");
  app->add_option("--metrics-file", f->metrics_file,
                  "Write the metrics (Prometheus text format) to this file when the command ends "
                  "(for node_exporter's textfile collector)");
}

void AddStandbyFlags(CLI::App* app, TaskFlags* f) {
  app->add_flag("--standby", f->standby,
                "Hot standby: run only while holding the task's lease in the target; several "
                "instances of one task take over from each other (docs/OPERATIONS.md)");
  app->add_option("--lease-seconds", f->lease_seconds,
                  "Lease period with --standby (default 10): a dead holder is replaced after "
                  "about 1.7 periods")
      ->check(CLI::Range(1, 3600));
  app->add_option("--instance-id", f->instance_id,
                  "This instance's name in the lease and in `binlake status` (default host:pid)");
}

OpsOutputs::~OpsOutputs() {
  if (metrics_file_.empty()) return;
  Status s = ops::WriteMetricsFile(metrics_file_);
  if (!s.ok()) spdlog::warn("{}", s.message());
}

Result<std::unique_ptr<OpsOutputs>> StartOpsServer(const TaskFlags& f) {
  std::unique_ptr<ops::OpsServer> server;
  if (!f.metrics_address.empty()) {
    ASSIGN_OR_RETURN(server, ops::OpsServer::Start(f.metrics_address));
    spdlog::info("serving /metrics, /healthz and /readyz on http://{}", server->address());
  }
  return std::make_unique<OpsOutputs>(std::move(server), f.metrics_file);
}

ConnectionConfig ToConnectionConfig(const SourceConfig& s) {
  ConnectionConfig c;
  c.host = s.host;
  c.port = s.port;
  for (const SourceHost& h : s.other_hosts) c.other_hosts.push_back({h.host, h.port});
  c.user = s.user;
  c.password = s.password;
  c.database = s.database;
  c.tls_mode = s.tls.mode;
  c.tls_ca = s.tls.ca;
  c.tls_cert = s.tls.cert;
  c.tls_key = s.tls.key;
  return c;
}

Result<TaskConfig> BuildTaskConfig(const TaskFlags& f) {
  spdlog::set_level(spdlog::level::from_str(f.log_level));
  RETURN_IF_ERROR(ops::SetLogFormat(f.log_format, f.command, f.target_url));
  TaskConfig config;
  if (!f.settings_path.empty())
    RETURN_IF_ERROR(LoadS3SettingsFile(f.settings_path, &config.settings));
  if (!f.config_path.empty()) RETURN_IF_ERROR(LoadTaskConfigFile(f.config_path, &config));
  if (!f.source_url.empty()) {
    ASSIGN_OR_RETURN(SourceConfig url, ParseSourceUrl(f.source_url));
    url.tls = config.source.tls;
    url.server_id = config.source.server_id;
    if (url.password.empty()) url.password = config.source.password;
    config.source = std::move(url);
  }
  if (!f.tls_mode.empty()) {
    ASSIGN_OR_RETURN(config.source.tls.mode, ParseTlsMode(f.tls_mode));
  }
  if (!f.tls_ca.empty()) config.source.tls.ca = f.tls_ca;
  if (const TlsOptions& tls = config.source.tls;
      !tls.ca.empty() && (tls.mode == TlsMode::kPreferred || tls.mode == TlsMode::kRequired)) {
    spdlog::warn(
        "the source CA file {} is not used with --tls-mode {}: only verify_ca and "
        "verify_identity check the server's certificate",
        tls.ca, TlsModeName(tls.mode));
  }
  if (config.source.password.empty()) {
    const char* names[] = {f.password_env.empty() ? nullptr : f.password_env.c_str(),
                           "BINLAKE_SOURCE_PASSWORD", "MYSQL_PWD"};
    for (const char* n : names) {
      const char* v = n ? std::getenv(n) : nullptr;
      if (v && *v) {
        config.source.password = v;
        break;
      }
    }
    if (!f.password_env.empty() && config.source.password.empty()) {
      return InvalidArgument("--password-env " + f.password_env + ": the variable is not set");
    }
  }
  if (!f.target_url.empty()) config.target.url = f.target_url;
  if (!f.endpoint_url.empty()) config.target.endpoint_url = f.endpoint_url;
  if (!f.region.empty()) config.target.region = f.region;
  if (!f.profile.empty()) config.target.profile = f.profile;
  if (f.force_path_style) config.target.force_path_style = true;
  if (!f.ca_bundle.empty()) config.target.ca_bundle = f.ca_bundle;
  if (!f.table_mappings_path.empty()) {
    ASSIGN_OR_RETURN(config.table_mappings, TableMappings::LoadFile(f.table_mappings_path));
  }
  RETURN_IF_ERROR(ApplyS3SettingOverrides(f.set, &config.settings));
  if (f.threads > 0) config.threads = f.threads;
  if (f.standby) config.standby.enabled = true;
  if (f.lease_seconds > 0) config.standby.lease_seconds = f.lease_seconds;
  if (!f.instance_id.empty()) config.standby.instance_id = f.instance_id;
  if (!config.standby.enabled && (f.lease_seconds > 0 || !f.instance_id.empty())) {
    return InvalidArgument("--lease-seconds and --instance-id need --standby");
  }
  if (config.source.host.empty()) {
    return InvalidArgument("no source: give --source mysql://user@host:port or a config file");
  }
  if (config.target.url.empty()) {
    return InvalidArgument("no target: give --target file:///dir or s3://bucket/prefix");
  }
  RETURN_IF_ERROR(FinalizeTaskConfig(&config));
  for (const std::string& note : config.table_mappings.notes()) spdlog::info("{}", note);
  if (config.table_mappings.HasObjectTags()) {
    if (config.target.url.rfind("s3://", 0) != 0) {
      spdlog::info(
          "table-mappings post-processing rules tag S3 objects; a local target's files "
          "have no tags");
    } else if (config.settings.preserve_transactions) {
      spdlog::info(
          "table-mappings post-processing rules: CDC's PreserveTransactions files hold "
          "several tables and get no tags (the full load's files do)");
    }
  }
  return config;
}

}  // namespace binlake::cli
