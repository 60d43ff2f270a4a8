// agentd's entry point: parses the command line, prepares what the chosen command needs (its
// settings, the log) and runs it. The commands live in src/main/commands, one file each.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/logging/log.h"
#include "main/commands/command.h"
#include "main/commands/startup.h"

namespace {

using namespace agentd;

constexpr const char* kFooter =
    "Exit codes: 0 done; 1 failed (not found, a conflict, the database or server down);\n"
    "2 wrong command line or configuration. Errors are one line on standard error,\n"
    "\"agentd: ...\".\n"
    "Settings come from the environment (AGENTD_ADDR, AGENTD_DATA_DIR, AGENTD_DATABASE_URL,\n"
    "AGENTD_REDIS_URL, AGENTD_CONFIG, ...: see README.md); `agentd config check` prints them.";

// "agentd user": the commands the line named, up to the last one.
std::string command_path(const CLI::App& last) {
  std::string path = "agentd";
  std::vector<const CLI::App*> named;
  for (const auto* app = &last; app->get_parent() != nullptr; app = app->get_parent()) {
    named.insert(named.begin(), app);
  }
  for (const auto* app : named) path += " " + app->get_name();
  return path;
}

// --help and --version end here too, successfully; any other parse error is a usage error.
int exit_on_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
  const CLI::App* last = &app;
  while (!last->get_subcommands().empty()) last = last->get_subcommands().front();
  std::string message = error.what();
  // CLI11 says "A subcommand is required" for a command that does not exist, too.
  const bool is_group = last->get_require_subcommand_min() > 0;
  if (!last->remaining().empty()) {
    message = (is_group ? "unknown command '" : "unexpected argument '") +
              last->remaining().front() + "'";
  } else if (is_group && error.get_name() == "RequiredError") {
    message = "name a command";
  }
  const auto path = command_path(*last);
  std::fprintf(stderr, "agentd: %s\n%s --help lists what it takes.\n", message.c_str(),
               path.c_str());
  return kExitUsage;
}

// Loads what `command` needs and runs it.
int prepare_and_run(const Command& command) {
  if (command.needs == Needs::nothing) return command.run({config::Config{}, {}});
  const auto env = config::process_environment();
  auto config = config::load_config(env);
  if (!config) return report_config_error(config.error());
  if (command.needs == Needs::environment) return command.run({*config, {}});
  config::FileConfig file;
  if (!config->config_file.empty()) {
    auto loaded = config::load_file_config(config->config_file, env);
    if (!loaded) return report_config_error(loaded.error());
    file = std::move(*loaded);
  }
  if (command.needs == Needs::configuration) return command.run({*config, file});
  log::setup(config->log_format, config->log_level,
             command.needs == Needs::server ? log::LogOutput::standard_output
                                            : log::LogOutput::standard_error);
  for (const auto& warning : file.warnings) log::warn("config_warning", {{"message", warning}});
  try {
    return command.run({*config, file});
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    return command.needs == Needs::server ? kExitFailure : report(e.what(), kExitFailure);
  }
}

int run_command_line(int argc, char** argv) {
  CLI::App app{"agentd: an AI agent API server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("agentd ") + AGENTD_VERSION,
                       "print the version and exit");
  app.footer(kFooter);
  Commands commands;
  add_serve_command(app, commands);
  add_migrate_command(app, commands);
  add_healthcheck_command(app, commands);
  add_version_command(app, commands);
  add_routes_command(app, commands);
  add_config_commands(app, commands);
  add_user_commands(app, commands);
  add_key_commands(app, commands);
  add_usage_command(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return exit_on_parse_error(app, error);
  }
  for (const auto& command : commands) {
    if (command.cli->parsed()) return prepare_and_run(command);
  }
  return kExitUsage;  // unreachable: a subcommand is required
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& e) {
    return report(e.what(), kExitFailure);
  }
}
