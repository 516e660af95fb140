// The task config file: binlake's own YAML or JSON document describing one replication task.
//
//   source:
//     url: mysql://repl@db.example.com:3306     # see ParseSourceUrl (task_config_source.h)
//     password_env: BINLAKE_SOURCE_PASSWORD     # or password: ... (not both; nor with a URL one)
//     tls: {mode: verify_identity, ca: /etc/ssl/ca.pem, cert: ..., key: ...}
//     server_id: 4242                           # replica id for CDC; default: chosen by binlake
//   target:
//     url: s3://bucket/prefix                   # or file:///abs/dir
//     endpoint_url: http://127.0.0.1:7480       # S3-compatible endpoint; default AWS
//     region: us-east-1
//     force_path_style: true
//     profile: default                          # or access_key_id / secret_access_key /
//                                               # session_token (never logged)
//     ca_bundle: ca.pem                         # CAs to trust for an https endpoint (relative to
//                                               # this file); default AWS_CA_BUNDLE, profile,
//                                               system
//   settings: {CsvDelimiter: ",", ...}           # DMS S3Settings keys (settings_parser.h)
//   table_mappings: {rules: [...]}               # inline DMS table mappings (map, or JSON text)
//   table_mappings_file: mappings.json           # or a file (relative to this config file)
//   threads: 4                                   # parallel readers/writers; default: automatic
//   standby:                                     # hot standby for `run`/`cdc` (OPERATIONS.md)
//     enabled: true                              # wait for the task's lease before writing
//     lease_seconds: 10                          # 1-3600; a dead holder is replaced after ~1.7x
//     instance_id: replica-a                     # names this instance; default host:pid
//
// Unknown keys anywhere are errors naming the key (with a suggestion when one is close).
// The format is chosen by extension (.yaml/.yml, .json) or, otherwise, by content (a document
// starting with '{' is JSON). YAML scalars follow the YAML 1.2 core schema: unquoted true/false
// are booleans, unquoted digits integers, ~/null/empty null; quote anything meant as text.
//
// Layering: callers build a TaskConfig from defaults, apply a DMS settings file
// (LoadS3SettingsFile into config.settings), then this file (overlaying: keys it sets win),
// then command-line flags, and finally call FinalizeTaskConfig.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "config/settings.h"
#include "config/task_config_source.h"
#include "store/target_config.h"
#include "transform/table_mappings.h"

namespace binlake {

// Hot standby (ops/standby.h): several instances of one task, one active at a time.
struct StandbyConfig {
  bool enabled = false;
  int lease_seconds = 10;
  std::string instance_id;  // "" = host:pid
};

struct TaskConfig {
  SourceConfig source;
  TargetConfig target;
  S3Settings settings;
  TableMappings table_mappings = TableMappings::AllUserTables();
  int threads = 0;  // 0 = automatic (the full load picks from the core count)
  StandbyConfig standby;
};

enum class ConfigFormat { kAuto, kYaml, kJson };

// Reads and applies a task config file onto `config` (format from the extension or content).
Status LoadTaskConfigFile(const std::string& path, TaskConfig* config);

// Applies config text onto `config`. `origin` names it in messages; `base_dir` resolves a
// relative table_mappings_file ("" = the current directory).
Status ApplyTaskConfigText(std::string_view text, std::string_view origin, ConfigFormat format,
                           const std::string& base_dir, TaskConfig* config);

// Final checks after every source was applied: validates the settings (ValidateS3Settings),
// copies target-related settings into config->target (ApplyS3SettingsToTarget), and requires a
// source host and a target URL of the form file:///... or s3://bucket[/prefix].
Status FinalizeTaskConfig(TaskConfig* config);

}  // namespace binlake
