// `agentd version` (and `agentd --version`, which CLI11 answers itself).
#include <cstdio>

#include "main/commands/command.h"
#include "main/commands/startup.h"

namespace agentd {

void add_version_command(CLI::App& app, Commands& commands) {
  auto* version = app.add_subcommand("version", "print the version and exit");
  commands.push_back({version, Needs::nothing, [](const Settings&) {
                        std::printf("agentd %s\n", AGENTD_VERSION);
                        return kExitOk;
                      }});
}

}  // namespace agentd
