// agentd's subcommands: each file of src/main/commands adds its own to the command line, with
// what it needs before it runs; main() parses, prepares that, and runs the one chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"

namespace agentd {

// What main() prepares before a command runs.
enum class Needs {
  nothing,        // version
  environment,    // healthcheck: the environment's settings only, without a log
  configuration,  // config check: every setting, without a log
  server,         // serve, migrate: every setting; the log on standard output
  // user, key, routes: every setting; the log on standard error, so that standard output
  // holds only what the command prints
  administration,
};

// The settings a command runs with: the file's are empty unless it needs every setting.
struct Settings {
  const config::Config& config;
  const config::FileConfig& file;
};

struct Command {
  CLI::App* cli;  // parsed() when chosen
  Needs needs;
  std::function<int(const Settings&)> run;  // answers the exit code
};

using Commands = std::vector<Command>;

void add_serve_command(CLI::App& app, Commands& commands);
void add_migrate_command(CLI::App& app, Commands& commands);
void add_healthcheck_command(CLI::App& app, Commands& commands);
void add_version_command(CLI::App& app, Commands& commands);
void add_routes_command(CLI::App& app, Commands& commands);
void add_config_commands(CLI::App& app, Commands& commands);
void add_user_commands(CLI::App& app, Commands& commands);
void add_key_commands(CLI::App& app, Commands& commands);
void add_usage_command(CLI::App& app, Commands& commands);

}  // namespace agentd
