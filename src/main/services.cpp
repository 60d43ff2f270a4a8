#include "main/services.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <random>

#include "infrastructure/http/dto/conversation_dto.h"
#include "infrastructure/http/dto/response_dto.h"
#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_notices.h"
#include "main/builtin_tools.h"
#include "main/models.h"

namespace agentd {
namespace {

constexpr unsigned kBlockingThreads = 4;

// The configured name, else host and process id: unique among replicas at any one time.
std::string replica_name(const config::Config& config) {
  if (!config.replica_id.empty()) return config.replica_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "agentd") + "-" + std::to_string(getpid());
}

std::unique_ptr<redis::RedisClient> redis_client(const std::optional<redis::RedisUrl>& url,
                                                 const boost::asio::any_io_executor& executor) {
  if (!url) return nullptr;
  return std::make_unique<redis::RedisClient>(executor, redis::ClientSettings{*url});
}

// Their tools may connect after the keys that name them are made.
std::vector<std::string> mcp_server_names(const config::FileConfig& file) {
  std::vector<std::string> names;
  for (const auto& server : file.mcp_servers) names.push_back(server.name);
  return names;
}

// The status a run reached with its last event (run.completed says awaiting_approval for a
// paused run). A copy that let go of a run another replica took over ended nothing.
std::optional<std::string_view> status_reached(const RunEvent& event) {
  if (const auto* completed = std::get_if<RunCompleted>(&event)) {
    return to_string(completed->result.run.status);
  }
  if (const auto* failed = std::get_if<RunFailed>(&event)) {
    if (failed->error.code == "run_taken_over") return std::nullopt;
    return failed->result ? to_string(failed->result->run.status) : "failed";
  }
  return std::nullopt;
}

// Webhook secrets are sealed under the server's secret, with a label of their own so the
// key is never the one the secret serves for anything else.
std::string webhook_sealing_key(std::string_view server_secret) {
  return "agentd webhook secrets\n" + std::string(server_secret);
}

WebhookSettings webhook_settings_of(const config::Config& config) {
  WebhookSettings settings;
  settings.retries.first_delay = config.webhook_retry_base;
  // A claim outlives the slowest delivery (connect, then the answer) by a margin.
  settings.claim_lease = 2 * config.webhook_timeout + std::chrono::seconds(30);
  return settings;
}

}  // namespace

Result<std::unique_ptr<Services>> Services::create(const config::Config& config,
                                                   const config::FileConfig& file,
                                                   std::string jwt_secret,
                                                   boost::asio::any_io_executor executor) {
  std::optional<redis::RedisUrl> redis_url;
  if (!config.redis_url.empty()) {
    auto parsed = redis::parse_redis_url(config.redis_url);
    if (!parsed) return config::config_error(parsed.error().message, "AGENTD_REDIS_URL");
    redis_url = std::move(*parsed);
  }
  auto services = std::make_unique<Services>(config, file, std::move(jwt_secret),
                                             std::move(executor), std::move(redis_url));
  auto warnings =
      add_configured_models(services->models, file, config.models, services->http_client,
                            services->prometheus, services->clock);
  if (!warnings) return std::move(warnings).take_error();
  services->model_warnings = std::move(*warnings);
  auto registered =
      register_builtin_tools(services->tools, file, services->clock, services->http_client);
  if (!registered) return std::move(registered).take_error();
  return services;
}

Services::Services(const config::Config& config, const config::FileConfig& file,
                   std::string jwt_secret, boost::asio::any_io_executor executor,
                   std::optional<redis::RedisUrl> redis_url)
    : replica_id(replica_name(config)),
      background(executor),
      storage(make_storage(config, executor)),
      redis(redis_client(redis_url, executor)),
      blocking(kBlockingThreads),
      prometheus(config.metrics_enabled
                     ? std::make_shared<metrics::PrometheusMetrics>(AGENTD_VERSION)
                     : nullptr),
      hasher(blocking),
      signer(jwt_secret, "agentd", "agentd"),
      cached_signer(signer, cache::kTokenCacheSettings),
      cached_users(storage->users(), {}),
      cached_sessions(storage->sessions(), {}),
      cached_keys(storage->api_keys(), {}),
      limiter(clock),
      shared_limiter(redis ? std::make_unique<redis::RedisRateLimiter>(
                                 *redis, "agentd:rl:",
                                 config.rate_limit_fail_open ? redis::FailPolicy::open
                                                             : redis::FailPolicy::closed)
                           : nullptr),
      event_feed(redis ? std::make_unique<redis::RedisRunEventFeed>(*redis) : nullptr),
      notices(redis ? std::unique_ptr<Notices>(std::make_unique<redis::RedisNotices>(*redis))
                    : std::make_unique<NoNotices>()),
      tools(schemas),
      webhook_transport(http_client, {config.webhook_allow_private, config.webhook_timeout}),
      webhook_settings(webhook_settings_of(config)),
      live_runs(clock, delay),
      tokens(signer, secrets, {config.access_ttl, config.refresh_ttl, config.refresh_reuse_window}),
      register_user(cached_users, hasher, ids, clock),
      login(cached_users, cached_sessions, hasher, tokens, ids, clock),
      refresh(cached_users, cached_sessions, tokens, sealer, clock),
      logout(cached_sessions, tokens, clock),
      current_user(cached_users),
      authenticate(cached_users, cached_sessions, cached_keys, cached_signer, secrets, clock),
      manage_keys(cached_keys, secrets, ids, clock, tools, models, mcp_server_names(file)),
      manage_users(cached_users, clock),
      execute_tool(tools, storage->tool_executions(), ids, clock,
                   static_cast<std::size_t>(config.tool_concurrency), metrics()),
      usage(std::make_shared<UsageRecorder>(storage->usage(), ids, clock, prometheus)),
      usage_report(storage->usage(), cached_users),
      shared_budget_ledger(redis ? std::make_unique<redis::RedisBudgetLedger>(*redis, "agentd:")
                                 : nullptr),
      budgets(std::make_shared<BudgetGate>(shared_budget_ledger
                                               ? static_cast<BudgetLedger&>(*shared_budget_ledger)
                                               : storage->budget_ledger(),
                                           clock, metrics())),
      model_router(
          models, delay, RetryPolicy{},
          [] {
            thread_local std::minstd_rand engine{std::random_device{}()};
            return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
          },
          Accounting{usage, budgets}),
      agent(model_router, execute_tool, tools, &storage->checkpoints(), ids, clock,
            AgentSettings{8, 50, static_cast<std::size_t>(config.tool_concurrency),
                          config.approval_ttl}),
      manage_runs(storage->conversations(), storage->runs(), live_runs, ids, clock, delay),
      manage_conversations(storage->conversations(), storage->runs(), model_router, live_runs,
                           manage_runs, ids, clock),
      conversation_runs(storage->conversations(), storage->runs(), storage->checkpoints(), agent,
                        model_router, tools, live_runs, ids, clock, delay),
      run_leases(storage->runs(), conversation_runs, live_runs, event_feed.get(), clock,
                 LeaseSettings{replica_id, config.run_lease}),
      agent_completion(agent, model_router, ids, clock),
      manage_webhooks(storage->webhooks(), webhook_transport, secrets, sealer,
                      webhook_sealing_key(jwt_secret), ids, clock, webhook_settings),
      webhook_outbox(
          storage->webhooks(), ids, clock, metrics(),
          [](std::string_view event_type, const Error& error) {
            log::error("webhook_publish_failed", {{"event", event_type}, {"error", error.message}});
          }),
      deliver_webhooks(storage->webhooks(), webhook_transport, sealer,
                       webhook_sealing_key(jwt_secret), ids, clock, webhook_settings, metrics(),
                       [] {
                         thread_local std::minstd_rand engine{std::random_device{}()};
                         return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
                       }),
      response_tracker(storage->responses(), storage->conversations(), clock),
      create_response(storage->conversations(), storage->runs(), storage->responses(),
                      conversation_runs, manage_conversations, ids, clock),
      manage_responses(storage->responses(), storage->conversations(), storage->runs(),
                       manage_runs) {
  conversation_runs.observe_with(response_tracker);
  response_tracker.on_ended(
      [this](const StoredResponse& response) { return publish_response_event(response); });
  live_runs.publish_with(
      [this](const std::string& conversation_id, const std::string& run_id,
             const NumberedEvent& numbered) { on_run_event(conversation_id, run_id, numbered); });
  if (!redis) return;
  cached_users.announce_to(*notices);
  cached_sessions.announce_to(*notices);
  cached_keys.announce_to(*notices);
  manage_runs.announce_to(*notices);
  const std::vector<std::string> channels{std::string(redis::kNoticesChannel),
                                          std::string(redis::kRunEventsChannel)};
  subscriber = std::make_unique<redis::RedisSubscriber>(
      executor, redis::ClientSettings{*redis_url}, channels,
      [this](std::string_view channel, std::string_view message) { hear(channel, message); });
}

void Services::on_run_event(const std::string& conversation_id, const std::string& run_id,
                            const NumberedEvent& numbered) {
  publish_webhook_event(numbered.event);
  if (prometheus) {
    if (auto status = status_reached(numbered.event)) prometheus->run_ended(*status);
  }
  if (event_feed) {
    event_feed->publish(conversation_id, run_id, http::feed_event(numbered));
  }
}

void Services::publish_webhook_event(const RunEvent& event) {
  std::string user_id;
  std::string type;
  if (const auto* completed = std::get_if<RunCompleted>(&event)) {
    // run.completed also ends a paused run's stream; only a finished run is the event.
    if (completed->result.run.status != RunStatus::completed) return;
    user_id = completed->result.run.user_id;
    type = "run.completed";
  } else if (const auto* paused = std::get_if<ApprovalRequired>(&event)) {
    if (paused->approvals.empty()) return;
    user_id = paused->approvals.front().user_id;
    type = "approval.required";
  } else {
    return;
  }
  auto data = http::event_data(event);
  boost::asio::co_spawn(
      background,
      webhook_outbox.publish(std::move(user_id), std::move(type), std::move(data.as_object())),
      log::failure_handler("webhook_publish_failed"));
}

boost::asio::awaitable<void> Services::publish_response_event(StoredResponse response) {
  std::string type = "response.completed";  // incomplete too: it ended with what it made
  if (response.status == ResponseStatus::failed) type = "response.failed";
  if (response.status == ResponseStatus::cancelled) type = "response.cancelled";
  std::string user_id = response.user_id;
  auto view = co_await manage_responses.view(std::move(response));
  if (!view) co_return;
  auto data = http::to_json(*view);
  co_await webhook_outbox.publish(std::move(user_id), std::move(type), std::move(data));
}

void Services::hear(std::string_view channel, std::string_view message) {
  if (channel == redis::kRunEventsChannel) {
    event_feed->on_published(message);
    return;
  }
  auto received = redis::parse_notice(message);
  if (!received) return;
  const auto& notice = received->notice;
  switch (notice.kind) {
    case Notice::Kind::session_revoked:
      cached_sessions.forget(notice.id);
      break;
    case Notice::Kind::api_key_revoked:
    case Notice::Kind::api_key_changed:
      cached_keys.forget(notice.id);
      break;
    case Notice::Kind::run_cancel_requested:
      if (auto run = live_runs.find(notice.id)) run->cancel();
      break;
    case Notice::Kind::user_changed:
      cached_users.forget(notice.id);
      break;
  }
  redis::acknowledge(*redis, *received);
}

Metrics& Services::metrics() {
  if (prometheus) return *prometheus;
  return no_metrics();
}

RateLimiter& Services::rate_limiter() {
  if (shared_limiter) return *shared_limiter;
  return limiter;
}

void Services::start_redis() {
  if (redis) redis->start();
  if (subscriber) subscriber->start();
}

void Services::stop_redis() {
  if (subscriber) subscriber->stop();
  if (redis) redis->stop();
}

boost::asio::awaitable<bool> Services::connect_notices(std::chrono::milliseconds timeout) {
  if (!redis) co_return false;
  redis->start();
  constexpr std::chrono::milliseconds kPoll{20};
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (auto waited = std::chrono::milliseconds::zero(); !redis->connected() && waited < timeout;
       waited += kPoll) {
    timer.expires_after(kPoll);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return redis->connected();
}

}  // namespace agentd
