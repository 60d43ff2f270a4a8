// `agentd serve`: the HTTP server, with everything it runs beside the requests (lease rounds,
// cancel requests, MCP servers connecting) and its graceful shutdown.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include "infrastructure/http/handlers/health_handlers.h"
#include "infrastructure/http/router.h"
#include "infrastructure/http/server.h"
#include "infrastructure/logging/log.h"
#include "main/commands/command.h"
#include "main/commands/startup.h"
#include "main/heap.h"
#include "main/mcp_sources.h"
#include "main/routes.h"
#include "main/services.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

// What a failed start exits with: 2 for a configuration error (reported here), 1 for
// anything else (logged where it happened).
int exit_code_of(const Error& error) {
  if (config::is_config_error(error)) return report_config_error(error);
  return kExitFailure;
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

// Sends the webhook deliveries that are due: whole batches back to back while the outbox has
// more, then a look every `poll`.
asio::awaitable<void> keep_webhooks_delivered(Services& services, std::chrono::milliseconds poll) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  for (;;) {
    for (;;) {
      Result<int> claimed = 0;
      try {
        claimed = co_await services.deliver_webhooks.deliver_due();
      } catch (const std::exception& failure) {
        // A bug in one round must not stop every later delivery; its claims run out.
        claimed = Error::internal(failure.what());
      }
      if (!claimed) {
        log::warn("webhook_delivery_round_failed", {{"error", claimed.error().message}});
        break;
      }
      if (*claimed < services.deliver_webhooks.batch_size()) break;
    }
    timer.expires_after(poll);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

// Writes the model calls accounted since the last round; a failed write keeps them for the
// next round.
asio::awaitable<void> flush_usage(Services& services) {
  if (auto flushed = co_await services.usage->flush(); !flushed) {
    log::warn("usage_flush_failed",
              {{"error", flushed.error().message},
               {"buffered", static_cast<std::int64_t>(services.usage->buffered())}});
  }
  // Budget reservations corrected to what the calls used.
  if (auto settled = co_await services.budgets->flush(); !settled) {
    log::warn("budget_settle_failed", {{"error", settled.error().message}});
  }
}

// Budget counters of periods that are over are of no use; deleted once an hour.
asio::awaitable<void> purge_budget_counters(Services& services) {
  auto purged = co_await services.budgets->purge_expired();
  if (!purged) {
    log::warn("budget_counters_purge_failed", {{"error", purged.error().message}});
  } else if (*purged > 0) {
    log::info("budget_counters_purged", {{"count", *purged}});
  }
}

// Usage is written in batches, off the requests' path, once a second.
asio::awaitable<void> keep_usage_flushed(Services& services) {
  constexpr int kSecondsBetweenPurges = 3'600;
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  for (int second = 1;; ++second) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    co_await flush_usage(services);
    if (second % kSecondsBetweenPurges == 0) co_await purge_budget_counters(services);
  }
}

http::ReadinessCheck database_check(Services& services) {
  return {"database", [&services]() -> asio::awaitable<Status> {
            co_return co_await check_schema(*services.storage);
          }};
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
  auto started = start_services(io, config, file, StaleSchema::serve);
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
  // On a strand: a round's deliveries run concurrently on one executor (run_bounded).
  asio::co_spawn(asio::make_strand(io),
                 keep_webhooks_delivered(*services, config.webhook_poll_interval),
                 log::failure_handler("webhook_delivery_failed"));
  asio::co_spawn(io, keep_usage_flushed(*services), log::failure_handler("usage_flush_failed"));
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
          // one still going after it continues from its checkpoint at the next start (or on
          // another replica, once its lease runs out).
          const auto left = co_await services->live_runs.wait_until_ended(deadline);
          if (left > 0) {
            log::warn("shutdown_deadline_passed",
                      {{"runs_still_going", static_cast<std::int64_t>(left)}});
          }
          // A source still connecting stops too.
          for (auto& source : mcp_sources) co_await source->stop();
          // Every call accounted so far is written before the process ends.
          co_await flush_usage(*services);
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
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, Commands& commands) {
  auto* serve = app.add_subcommand("serve", "start the HTTP server");
  commands.push_back({serve, Needs::server, [](const Settings& settings) {
                        return run_serve(settings.config, settings.file);
                      }});
}

}  // namespace agentd
