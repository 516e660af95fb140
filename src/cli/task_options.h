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
  std::string metrics_file;     // --metrics-file: the metrics written there when the command ends
  std::string command;          // the subcommand's name (set by AddTaskFlags)
  // Hot standby (AddStandbyFlags; override the task file's `standby`).
  bool standby = false;
  int lease_seconds = 0;  // 0 = the task file's, else 10
  std::string instance_id;
};

void AddTaskFlags(CLI::App* app, TaskFlags* flags);
// --metrics-address and --metrics-file, for the commands that move data (full-load, cdc, run,
// materialize, validate).
void AddOpsFlags(CLI::App* app, TaskFlags* flags);
// --standby, --lease-seconds, --instance-id (run, cdc).
void AddStandbyFlags(CLI::App* app, TaskFlags* flags);

// Builds and validates the task configuration. The source password comes from (first found):
// the URL, the config file (password / password_env), --password-env NAME, the environment
// variables BINLAKE_SOURCE_PASSWORD and MYSQL_PWD.
Result<TaskConfig> BuildTaskConfig(const TaskFlags& flags);

ConnectionConfig ToConnectionConfig(const SourceConfig& source);

// What --metrics-address and --metrics-file ask for, for as long as the command runs: the
// operations endpoint (ops/ops_server.h) serving, and the metrics file written when this object
// is destroyed, that is when the command ends, however it ends (a failed write is a warning).
class OpsOutputs {
 public:
  OpsOutputs(std::unique_ptr<ops::OpsServer> server, std::string metrics_file)
      : server_(std::move(server)), metrics_file_(std::move(metrics_file)) {}
  ~OpsOutputs();
  OpsOutputs(const OpsOutputs&) = delete;
  OpsOutputs& operator=(const OpsOutputs&) = delete;

 private:
  std::unique_ptr<ops::OpsServer> server_;
  std::string metrics_file_;
};

// Starts the operations endpoint when --metrics-address was given and says where it listens.
Result<std::unique_ptr<OpsOutputs>> StartOpsServer(const TaskFlags& flags);

}  // namespace binlake::cli
