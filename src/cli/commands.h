// Command registration. Each command file (cmd_*.cc) defines one Register*Command function that
// adds a CLI11 subcommand and the action to run when the user picked it. Actions return the
// process exit code: 0 success, 1 runtime failure (after printing one error line), 2 bad usage.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <utility>
#include <vector>

#include "common/status.h"

namespace binlake::cli {

class CommandTable {
 public:
  void Add(CLI::App* app, std::function<int()> action) {
    entries_.emplace_back(app, std::move(action));
  }
  const std::vector<std::pair<CLI::App*, std::function<int()>>>& entries() const {
    return entries_;
  }

 private:
  std::vector<std::pair<CLI::App*, std::function<int()>>> entries_;
};

// Prints "binlake: error: <message>" on one line to stderr and returns the exit code for it.
int ReportFailure(const Status& status);
// The same line for bad usage (flags that cannot work together, a missing or malformed --source
// or --target): exit code 2, as for a flag CLI11 rejects.
int ReportBadUsage(const Status& status);

void RegisterFullLoadCommand(CLI::App& root, CommandTable& table);
void RegisterCdcCommands(CLI::App& root, CommandTable& table);  // cdc, run
void RegisterStatusCommand(CLI::App& root, CommandTable& table);
void RegisterBinlogCommands(CLI::App& root, CommandTable& table);
void RegisterMaterializeCommand(CLI::App& root, CommandTable& table);
void RegisterValidateCommand(CLI::App& root, CommandTable& table);
void RegisterPipeCommand(CLI::App& root, CommandTable& table);

}  // namespace binlake::cli
