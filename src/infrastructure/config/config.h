// The server's configuration: read from the environment once at start, validated, then
// handed out piece by piece to whoever needs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"
#include "infrastructure/logging/log_format.h"

namespace agentd::config {

using log::LogFormat;

// Models offered without a configuration file: each provider whose key variable is set
// gets a default model. Empty strings are unset variables.
struct ModelEnvironment {
  std::string openai_api_key;      // OPENAI_API_KEY
  std::string openai_base_url;     // OPENAI_BASE_URL
  std::string anthropic_api_key;   // ANTHROPIC_API_KEY
  std::string anthropic_base_url;  // ANTHROPIC_BASE_URL
  std::string default_model;       // AGENTD_DEFAULT_MODEL, over the file's default_model
};

enum class DatabaseKind { sqlite, postgres };

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string data_dir = "./data";
  std::string database_url;  // defaults to sqlite://<data_dir>/agentd.db; may hold a password
  DatabaseKind database = DatabaseKind::sqlite;
  // PostgreSQL's connection pool (SQLite has one connection and a pool of worker threads).
  std::size_t database_pool_size = 0;  // 0: two per I/O thread
  std::chrono::milliseconds database_query_timeout{5'000};
  std::chrono::milliseconds database_acquire_timeout{2'000};
  std::chrono::milliseconds database_connect_timeout{5'000};
  // How long start-up waits for a database that is not answering yet (a server starting
  // alongside agentd) before it gives up.
  std::chrono::milliseconds database_start_timeout{30'000};
  // Apply migrations at start: by default the embedded database does, PostgreSQL (shared by
  // replicas, migrated by `agentd migrate` in a deploy step) does not.
  bool migrate_on_start = true;
  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
  unsigned threads = 0;  // 0: one per core
  std::size_t max_body_bytes = 1024 * 1024;
  std::string config_file;  // optional YAML file (models, tools, MCP servers)
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_timeout{10'000};

  // Identity and access.
  std::string jwt_secret;  // empty: generated once and kept in the data dir (embedded only)
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds refresh_reuse_window{10};  // 0: a used refresh token always revokes
  std::chrono::seconds approval_ttl{24 * 3600};   // a pending approval expires after this
  int rate_limit_per_minute = 120;
  int login_rate_limit_per_minute = 10;
  int register_rate_limit_per_minute = 20;
  std::vector<std::string> trusted_proxies;

  // Replicas. Redis (empty: none) shares rate limits, run events and notices between them;
  // the URL may hold a password and is never echoed.
  std::string redis_url;
  bool rate_limit_fail_open = false;  // Redis down: let requests through (logged, counted)
  std::string replica_id;             // names this process in run leases; default host-pid
  std::chrono::milliseconds run_lease{15'000};  // renewed every quarter of it

  // Metrics: GET /metrics, for loopback callers only unless a token is set (then for callers
  // that present it). Off: no route and nothing measured.
  bool metrics_enabled = true;
  std::string metrics_token;

  // Webhooks: where deliveries may go, how long one may take, how soon a refused one is tried
  // again (doubling up to an hour, for a day), how often the outbox is looked at.
  bool webhook_allow_private = false;  // loopback and private networks too
  std::chrono::milliseconds webhook_timeout{10'000};
  std::chrono::milliseconds webhook_retry_base{30'000};
  std::chrono::milliseconds webhook_poll_interval{1'000};

  // Tools.
  int tool_concurrency = 8;  // calls of one batch (or one agent step) running at once

  ModelEnvironment models;

  // The SQLite file path when database_url is sqlite://…; empty otherwise.
  std::string sqlite_path() const;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment.
EnvLookup process_environment();

// Every problem names the variable and says what was expected.
Result<Config> load_config(const EnvLookup& env);

// A configuration error names the setting at fault; the process exits with status 2 on one.
Error config_error(std::string message, std::string setting);
bool is_config_error(const Error& error);

}  // namespace agentd::config
