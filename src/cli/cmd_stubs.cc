// Temporary registrations for commands whose files have not landed yet. Each stage replaces its
// function here with a real cmd_*.cc file and deletes the stub.
#include "cli/commands.h"

namespace binlake::cli {

void RegisterDemoCommand(CLI::App& root, CommandTable& table) {}

}  // namespace binlake::cli
