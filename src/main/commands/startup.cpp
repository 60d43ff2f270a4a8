#include "main/commands/startup.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "infrastructure/files/private_paths.h"
#include "infrastructure/logging/log.h"
#include "infrastructure/security/jwt_secret_file.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

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

bool is_stale_schema(const Error& error) {
  return error.code == "schema_behind" || error.code == "schema_ahead";
}

// Migrates when configured to, then checks that the schema is the one this binary needs; the
// error says why not (schema_behind and schema_ahead when it is another version's).
Status prepare_schema(asio::io_context& io, const config::Config& config, Storage& storage) {
  if (config.migrate_on_start) {
    auto applied = when_database_answers(io, config, "migrate", [&] { return storage.migrate(); });
    if (!applied) {
      log::error("migration_failed", {{"error", applied.error().message}});
      return std::move(applied).take_error();
    }
    if (*applied > 0) log::info("migrated", {{"applied", std::int64_t{*applied}}});
  }
  auto schema =
      when_database_answers(io, config, "check_schema", [&] { return check_schema(storage); });
  if (!schema && !is_stale_schema(schema.error())) {
    log::error("schema_check_failed", {{"error", schema.error().message}});
  }
  return schema;
}

}  // namespace

int report(std::string_view message, int exit_code) {
  std::fprintf(stderr, "agentd: %.*s\n", static_cast<int>(message.size()), message.data());
  return exit_code;
}

int report_config_error(const Error& error) {
  // The setting at fault is named, when the message does not already start with it.
  const bool is_named = error.param.empty() || error.message.starts_with(error.param);
  const auto message = is_named ? error.message : error.param + ": " + error.message;
  return report("invalid configuration: " + message, kExitUsage);
}

int report_failure(const Error& error) {
  if (config::is_config_error(error)) return report_config_error(error);
  const bool is_invalid_request = error.kind == ErrorCode::invalid_request;
  return report(error.message, is_invalid_request ? kExitUsage : kExitFailure);
}

Result<std::unique_ptr<Services>> start_services(asio::io_context& io, const config::Config& config,
                                                 const config::FileConfig& file,
                                                 StaleSchema stale_schema) {
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
  auto schema = prepare_schema(io, config, *services->storage);
  if (schema) return services;
  if (!is_stale_schema(schema.error()) || stale_schema == StaleSchema::refuse) {
    return std::move(schema).take_error();
  }
  // Serving on a schema another version made is /ready's to refuse; there are no runs of ours
  // to recover in it.
  log::warn("schema_not_current",
            {{"error", schema.error().message}, {"hint", "GET /ready answers 503 until it is"}});
  return services;
}

}  // namespace agentd
