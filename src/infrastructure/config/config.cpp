#include "infrastructure/config/config.h"

#include <charconv>
#include <cstdlib>
#include <thread>
#include <tuple>
#include <utility>

#include "infrastructure/text/word_lists.h"

namespace agentd::config {
namespace {

constexpr std::string_view kConfigErrorCode = "invalid_config";

Error bad(std::string_view name, std::string_view expected, std::string_view got) {
  return config_error(std::string(name) + ": expected " + std::string(expected) + ", got '" +
                          std::string(got) + "'",
                      std::string(name));
}

template <typename Int>
Result<Int> parse_int(std::string_view name, std::string_view text, Int min, Int max) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return bad(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max), text);
  }
  return value;
}

Status parse_address(std::string_view text, Config& config) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad("AGENTD_ADDR", "host:port", text);
  }
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = parse_int<std::uint16_t>("AGENTD_ADDR", text.substr(colon + 1), 0, 65535);
  if (!port) return bad("AGENTD_ADDR", "host:port with a port from 0 to 65535", text);
  config.host = std::string(host);
  config.port = *port;
  return ok_status();
}

Status parse_milliseconds(const EnvLookup& env, std::string_view name,
                          std::chrono::milliseconds& out) {
  auto text = env(name);
  if (!text) return ok_status();
  auto ms = parse_int<long>(name, *text, 1, 24L * 3600 * 1000);
  if (!ms) return std::move(ms).take_error();
  out = std::chrono::milliseconds(*ms);
  return ok_status();
}

// "true" or "false", nothing else.
Status parse_flag(const EnvLookup& env, std::string_view name, bool& out) {
  auto text = env(name);
  if (!text) return ok_status();
  if (*text != "true" && *text != "false") return bad(name, "true or false", *text);
  out = *text == "true";
  return ok_status();
}

// "900", "900s", "15m", "2h", "30d".
Status parse_seconds(const EnvLookup& env, std::string_view name, std::chrono::seconds& out) {
  auto text = env(name);
  if (!text) return ok_status();
  auto seconds = parse_duration(*text);
  if (!seconds) return bad(name, "a duration such as 900, 15m, 2h or 30d", *text);
  out = *seconds;
  return ok_status();
}

Status parse_count(const EnvLookup& env, std::string_view name, int& out, int max) {
  auto text = env(name);
  if (!text) return ok_status();
  auto value = parse_int<int>(name, *text, 1, max);
  if (!value) return std::move(value).take_error();
  out = *value;
  return ok_status();
}

ModelEnvironment model_environment(const EnvLookup& env) {
  ModelEnvironment models;
  models.openai_api_key = env("OPENAI_API_KEY").value_or("");
  models.openai_base_url = env("OPENAI_BASE_URL").value_or("");
  models.anthropic_api_key = env("ANTHROPIC_API_KEY").value_or("");
  models.anthropic_base_url = env("ANTHROPIC_BASE_URL").value_or("");
  models.default_model = env("AGENTD_DEFAULT_MODEL").value_or("");
  return models;
}

// AGENTD_DATABASE_URL and the settings that go with it. The URL is never echoed back in an
// error: a PostgreSQL URL may hold a password.
Status parse_database(const EnvLookup& env, Config& config) {
  config.database_url =
      env("AGENTD_DATABASE_URL").value_or("sqlite://" + config.data_dir + "/agentd.db");
  const std::string_view url = config.database_url;
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    config.database = DatabaseKind::postgres;
    config.migrate_on_start = false;
  } else if (!url.starts_with("sqlite://") || url.size() == std::string_view("sqlite://").size()) {
    return bad("AGENTD_DATABASE_URL", "sqlite://<path>, postgres://… or postgresql://…",
               "(hidden)");
  }
  if (auto size = env("AGENTD_DATABASE_POOL_SIZE")) {
    constexpr std::size_t kMaxPool = 1000;
    auto value = parse_int<std::size_t>("AGENTD_DATABASE_POOL_SIZE", *size, 1, kMaxPool);
    if (!value) return std::move(value).take_error();
    config.database_pool_size = *value;
  }
  for (auto [name, field] :
       {std::pair{"AGENTD_DATABASE_QUERY_TIMEOUT_MS", &config.database_query_timeout},
        std::pair{"AGENTD_DATABASE_ACQUIRE_TIMEOUT_MS", &config.database_acquire_timeout},
        std::pair{"AGENTD_DATABASE_CONNECT_TIMEOUT_MS", &config.database_connect_timeout},
        std::pair{"AGENTD_DATABASE_START_TIMEOUT_MS", &config.database_start_timeout}}) {
    if (auto status = parse_milliseconds(env, name, *field); !status) return status;
  }
  return parse_flag(env, "AGENTD_MIGRATE_ON_START", config.migrate_on_start);
}

// AGENTD_METRICS and AGENTD_METRICS_TOKEN. The token is never echoed.
Status parse_metrics(const EnvLookup& env, Config& config) {
  if (auto status = parse_flag(env, "AGENTD_METRICS", config.metrics_enabled); !status) {
    return status;
  }
  if (auto token = env("AGENTD_METRICS_TOKEN")) {
    constexpr std::size_t kShortestToken = 16;
    if (token->size() < kShortestToken) {
      return bad("AGENTD_METRICS_TOKEN", "at least 16 characters", "(hidden)");
    }
    config.metrics_token = *token;
  }
  return ok_status();
}

// AGENTD_WEBHOOK_*: the delivery of webhooks.
Status parse_webhooks(const EnvLookup& env, Config& config) {
  if (auto status = parse_flag(env, "AGENTD_WEBHOOK_ALLOW_PRIVATE", config.webhook_allow_private);
      !status) {
    return status;
  }
  for (auto [name, field] : {std::pair{"AGENTD_WEBHOOK_TIMEOUT_MS", &config.webhook_timeout},
                             std::pair{"AGENTD_WEBHOOK_RETRY_BASE_MS", &config.webhook_retry_base},
                             std::pair{"AGENTD_WEBHOOK_POLL_MS", &config.webhook_poll_interval}}) {
    if (auto status = parse_milliseconds(env, name, *field); !status) return status;
  }
  return ok_status();
}

// AGENTD_REDIS_URL and what several replicas need. The URL is never echoed: it may hold a
// password.
Status parse_replicas(const EnvLookup& env, Config& config) {
  if (auto url = env("AGENTD_REDIS_URL")) {
    if (!url->starts_with("redis://") && !url->starts_with("rediss://")) {
      return bad("AGENTD_REDIS_URL", "redis://[user:password@]host:port[/db]", "(hidden)");
    }
    config.redis_url = *url;
  }
  if (auto status = parse_flag(env, "AGENTD_RATE_LIMIT_FAIL_OPEN", config.rate_limit_fail_open);
      !status) {
    return status;
  }
  if (auto id = env("AGENTD_REPLICA_ID")) {
    constexpr std::size_t kMaxId = 200;
    if (id->empty() || id->size() > kMaxId) {
      return bad("AGENTD_REPLICA_ID", "1 to 200 characters", *id);
    }
    config.replica_id = *id;
  }
  if (auto status = parse_milliseconds(env, "AGENTD_RUN_LEASE_MS", config.run_lease); !status) {
    return status;
  }
  constexpr std::chrono::milliseconds kShortestLease{400};
  if (config.run_lease < kShortestLease) {
    return bad("AGENTD_RUN_LEASE_MS", "at least 400", std::to_string(config.run_lease.count()));
  }
  return ok_status();
}

}  // namespace

Error config_error(std::string message, std::string setting) {
  return Error::invalid(std::move(message), std::move(setting), std::string(kConfigErrorCode));
}

bool is_config_error(const Error& error) { return error.code == kConfigErrorCode; }

std::string Config::sqlite_path() const {
  constexpr std::string_view kScheme = "sqlite://";
  if (database_url.rfind(kScheme, 0) != 0) return {};
  return database_url.substr(kScheme.size());
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<Config> load_config(const EnvLookup& env) {
  constexpr int kMaxReuseWindow = 300;
  Config config;
  if (auto addr = env("AGENTD_ADDR")) {
    if (auto status = parse_address(*addr, config); !status) return std::move(status).take_error();
  }
  if (auto dir = env("AGENTD_DATA_DIR")) config.data_dir = *dir;
  if (auto status = parse_database(env, config); !status) return std::move(status).take_error();
  if (auto level = env("AGENTD_LOG_LEVEL")) {
    if (*level != "trace" && *level != "debug" && *level != "info" && *level != "warn" &&
        *level != "error" && *level != "off") {
      return bad("AGENTD_LOG_LEVEL", "one of trace, debug, info, warn, error, off", *level);
    }
    config.log_level = *level;
  }
  if (auto format = env("AGENTD_LOG_FORMAT")) {
    if (*format == "json") {
      config.log_format = LogFormat::json;
    } else if (*format != "text") {
      return bad("AGENTD_LOG_FORMAT", "text or json", *format);
    }
  }
  if (auto threads = env("AGENTD_THREADS")) {
    auto value = parse_int<unsigned>("AGENTD_THREADS", *threads, 1, 1024);
    if (!value) return std::move(value).take_error();
    config.threads = *value;
  }
  if (config.threads == 0) config.threads = std::max(1u, std::thread::hardware_concurrency());
  if (config.database_pool_size == 0) config.database_pool_size = std::size_t{2} * config.threads;
  if (auto limit = env("AGENTD_MAX_BODY_BYTES")) {
    auto value = parse_int<std::size_t>("AGENTD_MAX_BODY_BYTES", *limit, 1, std::size_t{1} << 30);
    if (!value) return std::move(value).take_error();
    config.max_body_bytes = *value;
  }
  if (auto file = env("AGENTD_CONFIG")) config.config_file = *file;
  for (auto [name, field] : {std::pair{"AGENTD_HEADER_TIMEOUT_MS", &config.header_timeout},
                             std::pair{"AGENTD_IDLE_TIMEOUT_MS", &config.idle_timeout},
                             std::pair{"AGENTD_SHUTDOWN_TIMEOUT_MS", &config.shutdown_timeout}}) {
    if (auto status = parse_milliseconds(env, name, *field); !status) {
      return std::move(status).take_error();
    }
  }
  for (auto [name, field] : {std::pair{"AGENTD_ACCESS_TTL", &config.access_ttl},
                             std::pair{"AGENTD_REFRESH_TTL", &config.refresh_ttl},
                             std::pair{"AGENTD_APPROVAL_TTL", &config.approval_ttl}}) {
    if (auto status = parse_seconds(env, name, *field); !status) {
      return std::move(status).take_error();
    }
  }
  if (auto window = env("AGENTD_REFRESH_REUSE_WINDOW")) {
    // Seconds only, and small: the window is a grace period for racing clients, not a
    // second lifetime for a used token.
    auto seconds = parse_int<int>("AGENTD_REFRESH_REUSE_WINDOW", *window, 0, kMaxReuseWindow);
    if (!seconds) return std::move(seconds).take_error();
    config.refresh_reuse_window = std::chrono::seconds(*seconds);
  }
  constexpr int kMaxRate = 1'000'000'000;
  constexpr int kMaxToolConcurrency = 256;
  for (auto [name, field, max] :
       {std::tuple{"AGENTD_RATE_LIMIT_PER_MINUTE", &config.rate_limit_per_minute, kMaxRate},
        std::tuple{"AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE", &config.login_rate_limit_per_minute,
                   kMaxRate},
        std::tuple{"AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE", &config.register_rate_limit_per_minute,
                   kMaxRate},
        std::tuple{"AGENTD_TOOL_CONCURRENCY", &config.tool_concurrency, kMaxToolConcurrency}}) {
    if (auto status = parse_count(env, name, *field, max); !status) {
      return std::move(status).take_error();
    }
  }
  if (auto secret = env("AGENTD_JWT_SECRET")) {
    if (secret->size() < 32) {
      return bad("AGENTD_JWT_SECRET", "at least 32 characters", "(hidden)");
    }
    config.jwt_secret = *secret;
  }
  if (auto proxies = env("AGENTD_TRUSTED_PROXIES"))
    config.trusted_proxies = split_comma_list(*proxies);
  if (auto replicas = parse_replicas(env, config); !replicas) return replicas.error();
  if (auto webhooks = parse_webhooks(env, config); !webhooks) return webhooks.error();
  if (auto metrics = parse_metrics(env, config); !metrics) return metrics.error();
  config.models = model_environment(env);
  return config;
}

}  // namespace agentd::config
