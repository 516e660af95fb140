// Flags shared by the task commands (full-load, and later cdc/run) and how they combine with the
// task config file and a DMS S3Settings file into one TaskConfig. Priority, lowest first:
// defaults < --settings (DMS S3Settings JSON) < --config (task file) < flags.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/task_config.h"
#include "ops/ops_server.h"
#include "source/connection_config.h"

namespace binlake::cli {

struct TaskFlags {
  std::string source_url;
  std::string target_url;
  std::string config_path;
  std::string settings_path;
  std::string table_mappings_path;
  std::string password_env;
  std::vector<std::string> set;  // Key=Value DMS settings overrides
  int threads = 0;
  std::string endpoint_url;
  std::string region;
  std::string profile;
  bool force_path_style = false;
  std::string ca_bundle;
  std::string tls_mode;
  std::string tls_ca;
  std::string log_level = "info";
  std::string log_format = "text";
  std::string metrics_address;  // --metrics-address: serve /metrics, /healthz, /readyz
  std::string command;          // the subcommand's name (set by AddTaskFlags)
  // Hot standby (AddStandbyFlags; override the task file's `standby`).
  bool standby = false;
  int lease_seconds = 0;  // 0 = the task file's, else 10
  std::string instance_id;
};

void AddTaskFlags(CLI::App* app, TaskFlags* flags);
// --metrics-address, for the long-running commands (full-load, cdc, run).
void AddOpsFlags(CLI::App* app, TaskFlags* flags);
// --standby, --lease-seconds, --instance-id (run, cdc).
void AddStandbyFlags(CLI::App* app, TaskFlags* flags);

// Builds and validates the task configuration. The source password comes from (first found):
// the URL, the config file (password / password_env), --password-env NAME, the environment
// variables BINLAKE_SOURCE_PASSWORD and MYSQL_PWD.
Result<TaskConfig> BuildTaskConfig(const TaskFlags& flags);

ConnectionConfig ToConnectionConfig(const SourceConfig& source);

// Starts the operations endpoint when --metrics-address was given (ops/ops_server.h) and says
// where it listens; nullptr otherwise. The endpoint lives as long as the returned object.
Result<std::unique_ptr<ops::OpsServer>> StartOpsServer(const TaskFlags& flags);

}  // namespace binlake::cli
