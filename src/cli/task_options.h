// Flags shared by the task commands (full-load, and later cdc/run) and how they combine with the
// task config file and a DMS S3Settings file into one TaskConfig. Priority, lowest first:
// defaults < --settings (DMS S3Settings JSON) < --config (task file) < flags.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/task_config.h"
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
};

void AddTaskFlags(CLI::App* app, TaskFlags* flags);

// Builds and validates the task configuration. The source password comes from (first found):
// the URL, the config file (password / password_env), --password-env NAME, the environment
// variables BINLAKE_SOURCE_PASSWORD and MYSQL_PWD.
Result<TaskConfig> BuildTaskConfig(const TaskFlags& flags);

ConnectionConfig ToConnectionConfig(const SourceConfig& source);

}  // namespace binlake::cli
