// agentd entry point: reads the configuration, builds every object by hand, top to bottom,
// and runs the chosen subcommand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/files/private_paths.h"
#include "infrastructure/http/handlers/health_handlers.h"
#include "infrastructure/http/router.h"
#include "infrastructure/http/server.h"
#include "infrastructure/logging/log.h"
#include "infrastructure/security/jwt_secret_file.h"
#include "main/healthcheck.h"
#include "main/heap.h"
#include "main/mcp_sources.h"
#include "main/routes.h"
#include "main/services.h"
#include "main/storage.h"

namespace {

namespace asio = boost::asio;
using namespace agentd;

constexpr int kExitConfigError = 2;
constexpr int kExitFailure = 1;

int report_config_error(const Error& error) {
  std::fprintf(stderr, "agentd: invalid configuration: %s\n", error.message.c_str());
  return kExitConfigError;
}

// What a failed start exits with: 2 for a configuration error (reported here), 1 for
// anything else (logged where it happened).
int exit_code_of(const Error& error) {
  if (config::is_config_error(error)) return report_config_error(error);
  return kExitFailure;
}

// The embedded default keeps a generated signing secret in the data dir; with a shared
// database every replica must be given the same secret.
Result<std::string> jwt_secret_for(const config::Config& config) {
  if (!config.jwt_secret.empty()) return config.jwt_secret;
  auto secret = load_or_create_jwt_secret(config.data_dir);
  if (!secret) return std::move(secret).take_error();
  if (secret->created) {
    log::warn("jwt_secret_generated",
              {{"path", config.data_dir + "/jwt_secret"},
               {"hint", "set AGENTD_JWT_SECRET to share sessions between replicas"}});
  }
  return std::move(secret->secret);
}

// An existing data dir keeps the mode its owner gave it, which may be deliberate (a backup
// group), so open access is only warned about; a new one is created private (0700) by the
// first thing stored there.
void warn_if_data_dir_is_open(const std::string& data_dir) {
  if (is_open_to_others(data_dir)) {
    log::warn(
        "data_dir_not_private",
        {{"path", data_dir},
         {"hint", "it holds password and key hashes: chmod 700 it unless others must read it"}});
  }
}

// Runs one coroutine to completion on `io` before the server starts (or instead of it): the
// io_context that watches PostgreSQL's sockets must be the one that runs.
template <typename T>
T run_blocking(asio::io_context& io, asio::awaitable<T> work) {
  // Work handed to the blocking pool must not let io.run() return early.
  auto guard = asio::make_work_guard(io);
  std::optional<T> result;
  std::exception_ptr failure;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<T> { co_return co_await std::move(work); },
      [&](std::exception_ptr escaped, T value) {
        failure = escaped;
        if (!escaped) result.emplace(std::move(value));
        guard.reset();
      });
  io.run();
  io.restart();
  // The caller sees what the task threw, as if it had run the task itself.
  if (failure) std::rethrow_exception(failure);
  if (!result) throw std::runtime_error("a start-up task did not finish");
  return std::move(*result);
}

// Runs a start-up step that needs the database, again and again while the database is
// unavailable (a server starting alongside agentd), until config.database_start_timeout.
template <typename Step>
auto when_database_answers(asio::io_context& io, const config::Config& config,
                           std::string_view step_name, Step step) {
  const auto give_up = std::chrono::steady_clock::now() + config.database_start_timeout;
  auto wait = std::chrono::milliseconds(250);
  while (true) {
    auto result = run_blocking(io, step());
    if (result || result.error().code != "database_unavailable" ||
        std::chrono::steady_clock::now() + wait > give_up) {
      return result;
    }
    log::warn("database_not_ready", {{"step", step_name},
                                     {"error", result.error().message},
                                     {"retry_in_ms", static_cast<std::int64_t>(wait.count())}});
    // Nothing is served yet: the main thread may sleep.
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(4'000));
  }
}

// What a lease round did is worth a line: runs moving between replicas are rare.
void log_lease_round(const LeaseRound& round) {
  for (const auto& id : round.abandoned) log::warn("run_lease_lost", {{"run_id", id}});
  for (const auto& run : round.taken_over) {
    log::warn("run_taken_over", {{"run_id", run.id}, {"attempts", std::int64_t{run.attempts}}});
  }
  for (const auto& error : round.errors) {
    log::warn("run_lease_round_failed", {{"error", error.message}});
  }
}

enum class Schema { current, not_current, failed };

// Migrates when configured to, then says in the log when the schema is not the one this
// binary needs (/ready says it too).
Schema prepare_schema(asio::io_context& io, const config::Config& config, Storage& storage) {
  if (config.migrate_on_start) {
    auto applied = when_database_answers(io, config, "migrate", [&] { return storage.migrate(); });
    if (!applied) {
      log::error("migration_failed", {{"error", applied.error().message}});
      return Schema::failed;
    }
    if (*applied > 0) log::info("migrated", {{"applied", std::int64_t{*applied}}});
  }
  auto schema =
      when_database_answers(io, config, "check_schema", [&] { return check_schema(storage); });
  if (schema) return Schema::current;
  if (schema.error().code != "schema_behind" && schema.error().code != "schema_ahead") {
    log::error("schema_check_failed", {{"error", schema.error().message}});
    return Schema::failed;
  }
  log::warn("schema_not_current",
            {{"error", schema.error().message}, {"hint", "GET /ready answers 503 until it is"}});
  return Schema::not_current;
}

// Builds the services over the database. A configuration error is answered for the caller
// to report; any other failure is logged here.
Result<std::unique_ptr<Services>> start_services(asio::io_context& io, const config::Config& config,
                                                 const config::FileConfig& file) {
  warn_if_data_dir_is_open(config.data_dir);
  auto secret = jwt_secret_for(config);
  if (!secret) {
    log::error("jwt_secret_unavailable", {{"error", secret.error().message}});
    return std::move(secret).take_error();
  }
  auto created = Services::create(config, file, std::move(*secret), io.get_executor());
  if (!created) return created;
  auto services = std::move(*created);
  for (const auto& warning : services->model_warnings) {
    log::warn("model_config_warning", {{"message", warning}});
  }
  auto& storage = *services->storage;
  const auto schema = prepare_schema(io, config, storage);
  if (schema == Schema::failed) return Error::internal("the schema could not be checked");
  // Serving on a schema another version made is /ready's to refuse; there are no runs of
  // ours to recover in it.
  if (schema == Schema::not_current) return services;
  return services;
}

// Informational, when configured: without Redis, requests get 503 rate_limiter_unavailable
// (or pass, when configured to fail open) rather than this replica leaving the load balancer.
http::ReadinessCheck redis_check(const Services& services) {
  return {"redis",
          [&services]() -> asio::awaitable<Status> {
            if (!services.redis->connected()) co_return Error::unavailable("not connected");
            co_return ok_status();
          },
          false};
}

// Renews this replica's leases and takes over runs whose replica died, every quarter lease.
asio::awaitable<void> keep_run_leases(Services& services) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  for (;;) {
    timer.expires_after(services.run_leases.period());
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto round = co_await services.run_leases.round();
    log_lease_round(round);
  }
}

http::ReadinessCheck database_check(Services& services) {
  return {"database", [&services]() -> asio::awaitable<Status> {
            co_return co_await check_schema(*services.storage);
          }};
}

int run_migrate(const config::Config& config) {
  asio::io_context io;
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
  return 0;
}

// Informational: a server without models still serves auth and tools.
http::ReadinessCheck models_check(const Services& services) {
  return {"models",
          [&services]() -> asio::awaitable<Status> {
            if (services.models.empty())
              co_return Error::unavailable("no model provider configured");
            co_return ok_status();
          },
          false};
}

// Informational: web_search is offered only with a provider configured.
http::ReadinessCheck web_search_check(const Services& services) {
  return {"web_search",
          [&services]() -> asio::awaitable<Status> {
            if (!services.tools.find("web_search")) {
              co_return Error::unavailable("not configured (tools.web_search.provider)");
            }
            co_return ok_status();
          },
          false};
}

int run_serve(const config::Config& config, const config::FileConfig& file) {
  // Declared first so it is destroyed last: pooled upstream connections belong to it.
  asio::io_context io(static_cast<int>(config.threads));
  auto started = start_services(io, config, file);
  if (!started) return exit_code_of(started.error());
  auto& services = *started;
  // On the embedded database no other server runs agents: a run still marked running was cut
  // short by a crash or a kill of this one, and continues now from its checkpoint. (Not in
  // the other commands: a CLI beside a running server must not take its runs.) On PostgreSQL
  // the lease rounds take over what a dead replica left, once its lease ran out.
  if (config.database == config::DatabaseKind::sqlite) {
    auto round = run_blocking(io, services->run_leases.take_over_all());
    log_lease_round(round);
  }

  // MCP servers connect once the server listens; /ready tells how each stands.
  auto made_sources = make_mcp_sources(io.get_executor(), file.mcp_servers, services->http_client);
  if (!made_sources) return exit_code_of(made_sources.error());
  auto& mcp_sources = *made_sources;
  std::vector<http::ReadinessCheck> checks{database_check(*services), models_check(*services),
                                           web_search_check(*services)};
  if (services->redis) checks.push_back(redis_check(*services));
  for (auto& check : mcp_readiness_checks(mcp_sources)) checks.push_back(std::move(check));

  auto routes = make_routes(*services, config, std::move(checks));

  // Server and its threads.
  http::Server server(io,
                      {config.host, config.port, config.max_body_bytes, config.header_timeout,
                       config.idle_timeout, config.threads, services->prometheus.get()},
                      routes->router);
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    log::error(
        "listen_failed",
        {{"address", config.host}, {"port", std::int64_t{config.port}}, {"error", e.what()}});
    return kExitFailure;
  }
  services->start_redis();
  server.start();
  // In the background: a slow server (npx fetching a package) must not delay the rest.
  start_mcp_sources(mcp_sources, services->tools);

  // Cancel requests stored by any process reach the runs this one runs within a second.
  asio::co_spawn(io, services->manage_runs.follow_cancel_requests(std::chrono::milliseconds(500)),
                 log::failure_handler("cancel_follower_failed"));
  asio::co_spawn(io, keep_run_leases(*services), log::failure_handler("run_leases_failed"));
  asio::co_spawn(io, keep_heap_trimmed(std::chrono::seconds(10)),
                 log::failure_handler("heap_trim_failed"));

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("shutdown_started", {{"signal", std::int64_t{signal}}});
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          const auto deadline = services->clock.steady_now() + config.shutdown_timeout;
          co_await server.shutdown(config.shutdown_timeout);
          // Runs no request waits for (background mode) get what is left of the deadline;
          // one still going after it is failed as interrupted at the next start.
          const auto left = co_await services->live_runs.wait_until_ended(deadline);
          if (left > 0) {
            log::warn("shutdown_deadline_passed",
                      {{"runs_still_going", static_cast<std::int64_t>(left)}});
          }
          // A source still connecting stops too.
          for (auto& source : mcp_sources) co_await source->stop();
          services->stop_redis();
          io.stop();
        },
        log::failure_handler("shutdown_failed"));
  });

  log::info("listening", {{"address", config.host},
                          {"port", std::int64_t{port}},
                          {"threads", std::int64_t{config.threads}},
                          {"database", services->storage->name()},
                          {"replica", services->replica_id},
                          {"redis", services->redis ? "shared" : "none"},
                          {"tools", static_cast<std::int64_t>(services->tools.list().size())}});
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  log::info("shutdown_complete");
  return 0;
}

// `agentd routes`: every route the server answers, one "METHOD /pattern" per line.
int run_list_routes(const config::Config& config, const config::FileConfig& file) {
  asio::io_context io;
  auto services = start_services(io, config, file);
  if (!services) return exit_code_of(services.error());
  auto routes = make_routes(**services, config, {});
  for (const auto& route : routes->router.routes()) {
    std::printf("%s %s\n", route.method.c_str(), route.pattern.c_str());
  }
  return 0;
}

// `agentd user create --email … [--name …] [--admin]`, password read from standard input so
// it never shows in the process list or shell history.
int run_create_user(const config::Config& config, const config::FileConfig& file,
                    const std::string& email, const std::string& name, Role role) {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    std::fprintf(stderr, "agentd: write the password on standard input\n");
    return kExitConfigError;
  }
  asio::io_context io;
  auto services = start_services(io, config, file);
  if (!services) return exit_code_of(services.error());
  // Named, not braced into the call: see docs/coroutines.md.
  Registration registration{email, std::move(password), name, role};
  auto created = run_blocking(io, (*services)->register_user(std::move(registration)));
  if (!created) {
    std::fprintf(stderr, "agentd: %s\n", created.error().message.c_str());
    return kExitFailure;
  }
  std::printf("created %s %s (%s)\n", std::string(to_string(created->role)).c_str(),
              created->email.c_str(), created->id.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"agentd: an AI agent API server"};
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "start the HTTP server");
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  auto* healthcheck = app.add_subcommand(
      "healthcheck", "exit 0 if the configured server answers GET /ready with 200, else 1");
  int healthcheck_timeout_ms = static_cast<int>(kHealthcheckTimeout.count());
  healthcheck->add_option("--timeout-ms", healthcheck_timeout_ms, "give up after this long")
      ->check(CLI::Range(1, 60'000));
  auto* version = app.add_subcommand("version", "print the version and exit");
  auto* routes =
      app.add_subcommand("routes", "print every HTTP route, one \"METHOD /path\" a line");
  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_create =
      user->add_subcommand("create", "create a user; the password is read from standard input");
  std::string email;
  std::string name;
  bool admin = false;
  user_create->add_option("--email", email, "the user's email")->required();
  user_create->add_option("--name", name, "display name");
  user_create->add_flag("--admin", admin, "give the user the admin role");
  app.footer(
      "Environment: AGENTD_ADDR, AGENTD_DATA_DIR, AGENTD_DATABASE_URL, AGENTD_LOG_LEVEL,\n"
      "AGENTD_LOG_FORMAT, AGENTD_THREADS, AGENTD_MAX_BODY_BYTES, AGENTD_CONFIG (see README.md).");
  CLI11_PARSE(app, argc, argv);

  if (version->parsed()) {
    std::printf("agentd %s\n", AGENTD_VERSION);
    return 0;
  }

  const auto env = config::process_environment();
  auto config = config::load_config(env);
  if (!config) return report_config_error(config.error());
  // Only the listen address is needed: the configuration file is not read.
  if (healthcheck->parsed()) {
    return run_healthcheck(*config, std::chrono::milliseconds(healthcheck_timeout_ms));
  }
  config::FileConfig file;
  if (!config->config_file.empty()) {
    auto loaded = config::load_file_config(config->config_file, env);
    if (!loaded) return report_config_error(loaded.error());
    file = std::move(*loaded);
  }
  log::setup(config->log_format, config->log_level);
  for (const auto& warning : file.warnings) log::warn("config_warning", {{"message", warning}});

  try {
    if (migrate->parsed()) return run_migrate(*config);
    if (serve->parsed()) return run_serve(*config, file);
    if (routes->parsed()) return run_list_routes(*config, file);
    if (user_create->parsed()) {
      return run_create_user(*config, file, email, name, admin ? Role::admin : Role::user);
    }
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    return kExitFailure;
  }
  return 0;
}
