// agentd entry point: reads the configuration, builds every object by hand, top to bottom,
// and runs the chosen subcommand.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/config/config.h"
#include "infrastructure/http/handlers/health_handlers.h"
#include "infrastructure/http/router.h"
#include "infrastructure/http/server.h"
#include "infrastructure/logging/log.h"
#include "infrastructure/persistence/sqlite/migrations.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace {

namespace asio = boost::asio;
using namespace agentd;

constexpr int kExitConfigError = 2;
constexpr int kExitFailure = 1;

std::unique_ptr<sqlite::Database> open_database(const config::Config& config) {
  return std::make_unique<sqlite::Database>(config.sqlite_path());
}

int run_migrate(const config::Config& config) {
  auto db = open_database(config);
  auto applied = sqlite::migrate(*db);
  if (!applied) {
    log::error("migration_failed", {{"error", applied.error().message}});
    return kExitFailure;
  }
  log::info("migrated", {{"applied", std::int64_t{*applied}},
                         {"version", std::int64_t{sqlite::current_version(*db)}}});
  return 0;
}

int run_serve(const config::Config& config) {
  // Storage: the embedded default migrates itself at start.
  auto db = open_database(config);
  if (auto applied = sqlite::migrate(*db); !applied) {
    log::error("migration_failed", {{"error", applied.error().message}});
    return kExitFailure;
  }
  BlockingPool blocking(4);
  const int schema_version = static_cast<int>(sqlite::schema_migrations().size());

  // HTTP routes.
  http::Router router;
  http::add_health_routes(
      router, {{"database", [&db, &blocking, schema_version]() -> asio::awaitable<Status> {
                  co_return co_await blocking.run([&db, schema_version]() -> Status {
                    try {
                      if (sqlite::current_version(*db) < schema_version) {
                        return Error::unavailable("schema is not migrated");
                      }
                      return ok_status();
                    } catch (const std::exception& e) {
                      return Error::unavailable(std::string("unreachable: ") + e.what());
                    }
                  });
                }}});

  // Server and its threads.
  asio::io_context io(static_cast<int>(config.threads));
  http::Server server(io,
                      {config.host, config.port, config.max_body_bytes, config.header_timeout,
                       config.idle_timeout},
                      router);
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    log::error("listen_failed", {{"address", config.host}, {"port", std::int64_t{config.port}},
                                 {"error", e.what()}});
    return kExitFailure;
  }
  server.start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("shutdown_started", {{"signal", std::int64_t{signal}}});
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await server.shutdown(config.shutdown_timeout);
          io.stop();
        },
        asio::detached);
  });

  log::info("listening", {{"address", config.host},
                          {"port", std::int64_t{port}},
                          {"threads", std::int64_t{config.threads}},
                          {"database", "sqlite"}});
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  log::info("shutdown_complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"agentd: an AI agent API server"};
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "start the HTTP server");
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  auto* version = app.add_subcommand("version", "print the version and exit");
  app.footer(
      "Environment: AGENTD_ADDR, AGENTD_DATA_DIR, AGENTD_DATABASE_URL, AGENTD_LOG_LEVEL,\n"
      "AGENTD_LOG_FORMAT, AGENTD_THREADS, AGENTD_MAX_BODY_BYTES, AGENTD_CONFIG (see README.md).");
  CLI11_PARSE(app, argc, argv);

  if (version->parsed()) {
    std::printf("agentd %s\n", AGENTD_VERSION);
    return 0;
  }

  auto config = config::load_config(config::process_environment());
  if (!config) {
    std::fprintf(stderr, "agentd: invalid configuration: %s\n", config.error().message.c_str());
    return kExitConfigError;
  }
  log::setup(config->log_format, config->log_level);

  try {
    if (migrate->parsed()) return run_migrate(*config);
    if (serve->parsed()) return run_serve(*config);
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    return kExitFailure;
  }
  return 0;
}
