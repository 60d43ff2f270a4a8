// Everything a running agentd owns, built by hand in dependency order: adapters, then use
// cases. Members are declared in construction order, so destruction runs in reverse.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "application/agent/agent_completion.h"
#include "application/agent/live_run.h"
#include "application/agent/react_agent.h"
#include "application/api_keys/manage_api_keys.h"
#include "application/auth/authenticate.h"
#include "application/auth/current_user.h"
#include "application/auth/login.h"
#include "application/auth/logout.h"
#include "application/auth/refresh_session.h"
#include "application/auth/register_user.h"
#include "application/auth/session_tokens.h"
#include "application/chat/model_catalog.h"
#include "application/chat/model_router.h"
#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "application/conversations/manage_runs.h"
#include "application/conversations/run_leases.h"
#include "application/ports/notices.h"
#include "application/responses/create_response.h"
#include "application/responses/manage_responses.h"
#include "application/responses/response_tracker.h"
#include "application/tools/execute_tool.h"
#include "application/tools/tool_registry.h"
#include "application/usage/budget_gate.h"
#include "application/usage/usage_recorder.h"
#include "application/usage/usage_report.h"
#include "application/users/manage_users.h"
#include "application/webhooks/deliver_webhooks.h"
#include "application/webhooks/manage_webhooks.h"
#include "application/webhooks/webhook_outbox.h"
#include "infrastructure/cache/caching_identity_repositories.h"
#include "infrastructure/cache/caching_token_signer.h"
#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/metrics/prometheus_metrics.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/ratelimit/in_process_rate_limiter.h"
#include "infrastructure/redis/redis_budget_ledger.h"
#include "infrastructure/redis/redis_client.h"
#include "infrastructure/redis/redis_rate_limiter.h"
#include "infrastructure/redis/redis_run_event_feed.h"
#include "infrastructure/security/jwt_token_signer.h"
#include "infrastructure/security/sodium_password_hasher.h"
#include "infrastructure/security/sodium_secret_generator.h"
#include "infrastructure/security/sodium_secret_sealer.h"
#include "infrastructure/security/uuid_v7_generator.h"
#include "infrastructure/time/asio_delay.h"
#include "infrastructure/time/system_clock.h"
#include "infrastructure/tools/valijson_schema_compiler.h"
#include "infrastructure/webhooks/http_webhook_transport.h"
#include "main/storage.h"

namespace agentd {

struct Services {
  // Builds everything and adds the configured models and tools; a configuration that cannot
  // work (a duplicate model, unusable tool settings) is answered as a configuration error.
  // PostgreSQL's connections are watched by `executor`'s io_context.
  static Result<std::unique_ptr<Services>> create(const config::Config& config,
                                                  const config::FileConfig& file,
                                                  std::string jwt_secret,
                                                  boost::asio::any_io_executor executor);

  Services(const config::Config& config, const config::FileConfig& file, std::string jwt_secret,
           boost::asio::any_io_executor executor, std::optional<redis::RedisUrl> redis_url);

  // The rate limiter requests go through: Redis's when replicas share one, else this
  // process's.
  RateLimiter& rate_limiter();
  // Where the use cases report: the Prometheus metrics, or nowhere when they are off.
  Metrics& metrics();
  // Starts the Redis connections (when configured): they connect and reconnect in the
  // background. Stops them again for shutdown.
  void start_redis();
  void stop_redis();
  // Every event of a conversation's run: counted when it ends the run, published to the other
  // replicas with Redis.
  void on_run_event(const std::string& conversation_id, const std::string& run_id,
                    const NumberedEvent& numbered);
  // Starts only the connection that publishes notices (a command that changes something
  // replicas cache), waits up to `timeout` for it, and says whether it is connected. False
  // without Redis.
  boost::asio::awaitable<bool> connect_notices(std::chrono::milliseconds timeout);
  // What another replica (or this one) said on Redis: a run's new events, or a notice.
  void hear(std::string_view channel, std::string_view message);
  // Stores run.completed (of a run that completed) and approval.required for the user's
  // webhooks, in the background: a run never waits for it.
  void publish_webhook_event(const RunEvent& event);
  // response.completed, .failed or .cancelled, with the response as the API shows it.
  boost::asio::awaitable<void> publish_response_event(StoredResponse response);

  std::string replica_id;                   // names this process in the leases of the runs it runs
  boost::asio::any_io_executor background;  // where background work (webhook events) runs
  // Adapters of the ports.
  std::unique_ptr<Storage> storage;  // the repositories, on SQLite or PostgreSQL
  // Redis, when replicas share one: null without AGENTD_REDIS_URL.
  std::unique_ptr<redis::RedisClient> redis;
  BlockingPool blocking;  // password hashing
  SystemClock clock;
  // Metrics, when on (AGENTD_METRICS): null when off.
  // Shared with the model streams, which may outlive the rest at shutdown.
  std::shared_ptr<metrics::PrometheusMetrics> prometheus;
  UuidV7Generator ids;
  SodiumSecretGenerator secrets;
  SodiumSecretSealer sealer;
  SodiumPasswordHasher hasher;
  JwtTokenSigner signer;
  cache::CachingTokenSigner cached_signer;  // what requests verify their tokens with
  // Every use case reaches identity storage through these, so changes invalidate them.
  cache::CachingUserRepository cached_users;
  cache::CachingSessionRepository cached_sessions;
  cache::CachingApiKeyRepository cached_keys;
  InProcessRateLimiter limiter;
  std::unique_ptr<redis::RedisRateLimiter> shared_limiter;  // with Redis
  std::unique_ptr<redis::RedisRunEventFeed> event_feed;     // with Redis
  std::unique_ptr<Notices> notices;                         // on Redis, or nowhere
  ValijsonSchemaCompiler schemas;
  ToolRegistry tools;
  net::HttpClient http_client;
  webhooks::HttpWebhookTransport webhook_transport;
  WebhookSettings webhook_settings;
  AsioDelay delay;
  ModelCatalog models;
  std::vector<std::string> model_warnings;  // filled by create()
  LiveRuns live_runs;
  // Use cases.
  SessionTokens tokens;
  RegisterUser register_user;
  Login login;
  RefreshSession refresh;
  Logout logout;
  CurrentUser current_user;
  Authenticate authenticate;
  ManageApiKeys manage_keys;
  ManageUsers manage_users;
  ExecuteTool execute_tool;
  // Every model call is accounted here, and written in batches (serve flushes it).
  std::shared_ptr<UsageRecorder> usage;
  UsageReport usage_report;
  // Budget counters: on Redis when replicas share one, else in the database.
  std::unique_ptr<redis::RedisBudgetLedger> shared_budget_ledger;
  std::shared_ptr<BudgetGate> budgets;
  ModelRouter model_router;
  ReactAgent agent;
  ManageRuns manage_runs;
  ManageConversations manage_conversations;
  ConversationRuns conversation_runs;
  RunLeases run_leases;
  AgentCompletion agent_completion;
  ManageWebhooks manage_webhooks;
  WebhookOutbox webhook_outbox;  // the WebhookEvents port use cases publish through
  DeliverWebhooks deliver_webhooks;
  ResponseTracker response_tracker;
  CreateResponse create_response;
  ManageResponses manage_responses;
  // Hears the other replicas' notices and events (with Redis); made last, since it acts on
  // the caches and runs above.
  std::unique_ptr<redis::RedisSubscriber> subscriber;
};

}  // namespace agentd
