// `agentd migrate`: applies the migrations the database lacks, as a deploy step.
#include <boost/asio/io_context.hpp>

#include "infrastructure/logging/log.h"
#include "main/commands/command.h"
#include "main/commands/startup.h"
#include "main/storage.h"

namespace agentd {
namespace {

int run_migrate(const config::Config& config) {
  boost::asio::io_context io;
  auto storage = make_storage(config, io.get_executor());
  auto applied = run_blocking(io, storage->migrate());
  if (!applied) {
    log::error("migration_failed", {{"error", applied.error().message}});
    return kExitFailure;
  }
  auto version = run_blocking(io, storage->schema_version());
  log::info("migrated", {{"database", storage->name()},
                         {"applied", std::int64_t{*applied}},
                         {"version", std::int64_t{version ? *version : 0}}});
  return kExitOk;
}

}  // namespace

void add_migrate_command(CLI::App& app, Commands& commands) {
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  commands.push_back({migrate, Needs::server,
                      [](const Settings& settings) { return run_migrate(settings.config); }});
}

}  // namespace agentd
