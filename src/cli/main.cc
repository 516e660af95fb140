// binlake command-line entry point. Each command lives in its own cmd_*.cc file and registers
// itself through cli/commands.h; main only parses and dispatches.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "common/metrics.h"
#include "ops/log_format.h"

namespace binlake::cli {

int ReportFailure(const Status& status) {
  std::fprintf(stderr, "%s\n", ops::FormatErrorLine(status.message()).c_str());
  return 1;
}

int ReportBadUsage(const Status& status) {
  ReportFailure(status);
  return 2;
}

}  // namespace binlake::cli

int main(int argc, char** argv) {
  binlake::metrics::InitProcessMetrics("0.1.0");
  CLI::App app{"binlake: MySQL/MariaDB to S3 replication (full load + CDC), DMS-compatible"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "binlake 0.1.0");
  binlake::cli::CommandTable table;
  binlake::cli::RegisterFullLoadCommand(app, table);
  binlake::cli::RegisterCdcCommands(app, table);
  binlake::cli::RegisterStatusCommand(app, table);
  binlake::cli::RegisterBinlogCommands(app, table);
  binlake::cli::RegisterMaterializeCommand(app, table);
  binlake::cli::RegisterValidateCommand(app, table);
  binlake::cli::RegisterPipeCommand(app, table);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (const auto& [sub, action] : table.entries()) {
    if (sub->parsed()) return action();
  }
  return 2;
}
