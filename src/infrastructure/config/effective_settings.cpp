#include "infrastructure/config/effective_settings.h"

#include <initializer_list>
#include <string>

namespace agentd::config {
namespace {

constexpr std::string_view kNone = "(none)";

std::string yes_no(bool value) { return value ? "true" : "false"; }

std::string or_none(const std::string& value) { return value.empty() ? std::string(kNone) : value; }

// A secret is shown only as being there or not.
std::string masked(const std::string& secret) {
  return secret.empty() ? std::string(kNone) : std::string(kMasked);
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return or_none(text);
}

std::string milliseconds(std::chrono::milliseconds value) { return std::to_string(value.count()); }

std::string seconds(std::chrono::seconds value) { return std::to_string(value.count()) + "s"; }

std::string mcp_approval(McpApproval approval) {
  switch (approval) {
    case McpApproval::always:
      return "true";
    case McpApproval::unless_read_only:
      return "auto";
    case McpApproval::never:
      break;
  }
  return "false";
}

SettingGroup server_settings(const Config& config) {
  const bool is_ipv6 = config.host.find(':') != std::string::npos;
  const auto host = is_ipv6 ? "[" + config.host + "]" : config.host;
  return {"server",
          {{"AGENTD_ADDR", host + ":" + std::to_string(config.port)},
           {"AGENTD_THREADS", std::to_string(config.threads)},
           {"AGENTD_MAX_BODY_BYTES", std::to_string(config.max_body_bytes)},
           {"AGENTD_HEADER_TIMEOUT_MS", milliseconds(config.header_timeout)},
           {"AGENTD_IDLE_TIMEOUT_MS", milliseconds(config.idle_timeout)},
           {"AGENTD_SHUTDOWN_TIMEOUT_MS", milliseconds(config.shutdown_timeout)},
           {"AGENTD_DATA_DIR", config.data_dir},
           {"AGENTD_CONFIG", or_none(config.config_file)},
           {"AGENTD_LOG_LEVEL", config.log_level},
           {"AGENTD_LOG_FORMAT", config.log_format == LogFormat::json ? "json" : "text"}}};
}

SettingGroup database_settings(const Config& config) {
  return {"database",
          {{"AGENTD_DATABASE_URL", mask_url_password(config.database_url)},
           {"AGENTD_MIGRATE_ON_START", yes_no(config.migrate_on_start)},
           {"AGENTD_DATABASE_POOL_SIZE", std::to_string(config.database_pool_size)},
           {"AGENTD_DATABASE_QUERY_TIMEOUT_MS", milliseconds(config.database_query_timeout)},
           {"AGENTD_DATABASE_ACQUIRE_TIMEOUT_MS", milliseconds(config.database_acquire_timeout)},
           {"AGENTD_DATABASE_CONNECT_TIMEOUT_MS", milliseconds(config.database_connect_timeout)},
           {"AGENTD_DATABASE_START_TIMEOUT_MS", milliseconds(config.database_start_timeout)}}};
}

SettingGroup identity_settings(const Config& config) {
  const auto secret = config.jwt_secret.empty()
                          ? "(generated into " + config.data_dir + "/jwt_secret)"
                          : std::string(kMasked);
  return {"identity",
          {{"AGENTD_JWT_SECRET", secret},
           {"AGENTD_ACCESS_TTL", seconds(config.access_ttl)},
           {"AGENTD_REFRESH_TTL", seconds(config.refresh_ttl)},
           {"AGENTD_REFRESH_REUSE_WINDOW", std::to_string(config.refresh_reuse_window.count())},
           {"AGENTD_APPROVAL_TTL", seconds(config.approval_ttl)}}};
}

SettingGroup rate_limit_settings(const Config& config) {
  return {
      "rate limits",
      {{"AGENTD_RATE_LIMIT_PER_MINUTE", std::to_string(config.rate_limit_per_minute)},
       {"AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE", std::to_string(config.login_rate_limit_per_minute)},
       {"AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE",
        std::to_string(config.register_rate_limit_per_minute)},
       {"AGENTD_RATE_LIMIT_FAIL_OPEN", yes_no(config.rate_limit_fail_open)},
       {"AGENTD_TRUSTED_PROXIES", joined(config.trusted_proxies)}}};
}

SettingGroup replica_settings(const Config& config) {
  const auto replica =
      config.replica_id.empty() ? std::string("(host name and process id)") : config.replica_id;
  return {"replicas",
          {{"AGENTD_REDIS_URL", or_none(mask_url_password(config.redis_url))},
           {"AGENTD_REPLICA_ID", replica},
           {"AGENTD_RUN_LEASE_MS", milliseconds(config.run_lease)}}};
}

SettingGroup metrics_settings(const Config& config) {
  return {"metrics",
          {{"AGENTD_METRICS", yes_no(config.metrics_enabled)},
           {"AGENTD_METRICS_TOKEN", config.metrics_token.empty()
                                        ? std::string("(none: loopback callers only)")
                                        : std::string(kMasked)}}};
}

SettingGroup webhook_settings(const Config& config) {
  return {"webhooks",
          {{"AGENTD_WEBHOOK_ALLOW_PRIVATE", yes_no(config.webhook_allow_private)},
           {"AGENTD_WEBHOOK_TIMEOUT_MS", milliseconds(config.webhook_timeout)},
           {"AGENTD_WEBHOOK_RETRY_BASE_MS", milliseconds(config.webhook_retry_base)},
           {"AGENTD_WEBHOOK_POLL_MS", milliseconds(config.webhook_poll_interval)}}};
}

SettingGroup tool_and_model_settings(const Config& config) {
  const auto& models = config.models;
  return {"tools and models",
          {{"AGENTD_TOOL_CONCURRENCY", std::to_string(config.tool_concurrency)},
           {"AGENTD_DEFAULT_MODEL", or_none(models.default_model)},
           {"OPENAI_API_KEY", masked(models.openai_api_key)},
           {"OPENAI_BASE_URL", or_none(models.openai_base_url)},
           {"ANTHROPIC_API_KEY", masked(models.anthropic_api_key)},
           {"ANTHROPIC_BASE_URL", or_none(models.anthropic_base_url)}}};
}

SettingGroup file_model_settings(const FileConfig& file) {
  SettingGroup group{"file: models", {{"default_model", or_none(file.default_model)}}};
  for (const auto& model : file.models) {
    const auto prefix = "models." + model.name + ".";
    auto& settings = group.settings;
    settings.push_back({prefix + "provider", model.provider});
    settings.push_back({prefix + "model", model.model});
    settings.push_back(
        {prefix + "base_url", model.base_url.empty() ? "(the provider's)" : model.base_url});
    settings.push_back({prefix + "api_key_env", or_none(model.api_key_env)});
    settings.push_back({prefix + "api_key", masked(model.api_key)});
    settings.push_back({prefix + "timeout_ms", milliseconds(model.timeout)});
    settings.push_back({prefix + "max_retries", std::to_string(model.max_retries)});
    settings.push_back({prefix + "fallbacks", joined(model.fallbacks)});
    settings.push_back({prefix + "context_window", model.context_window > 0
                                                       ? std::to_string(model.context_window)
                                                       : std::string("(the model family's)")});
    settings.push_back({prefix + "max_output_tokens", model.max_output_tokens > 0
                                                          ? std::to_string(model.max_output_tokens)
                                                          : std::string("(the model family's)")});
  }
  return group;
}

void add_tool_settings(std::vector<Setting>& settings, const std::string& tool,
                       const ToolSettings& tool_settings) {
  const auto prefix = "tools." + tool + ".";
  settings.push_back({prefix + "enabled", yes_no(tool_settings.enabled)});
  settings.push_back({prefix + "requires_approval", yes_no(tool_settings.requires_approval)});
  settings.push_back({prefix + "idempotent", yes_no(tool_settings.idempotent)});
  settings.push_back({prefix + "timeout_ms", tool_settings.timeout
                                                 ? milliseconds(*tool_settings.timeout)
                                                 : std::string("(the tool's)")});
}

SettingGroup file_tool_settings(const FileConfig& file) {
  SettingGroup group{"file: tools", {}};
  auto& settings = group.settings;
  add_tool_settings(settings, "calculator", file.calculator);
  add_tool_settings(settings, "current_time", file.current_time);
  const auto& search = file.web_search;
  add_tool_settings(settings, "web_search", search.tool);
  settings.push_back({"tools.web_search.provider", or_none(search.provider)});
  settings.push_back({"tools.web_search.base_url", or_none(search.base_url)});
  settings.push_back({"tools.web_search.api_key_env", or_none(search.api_key_env)});
  settings.push_back({"tools.web_search.api_key", masked(search.api_key)});
  add_tool_settings(settings, "http_get", file.http_get.tool);
  settings.push_back({"tools.http_get.allow_hosts", joined(file.http_get.allow_hosts)});
  return group;
}

// Environment values and headers are where the file's secrets go (a token in Authorization):
// only their names are shown.
SettingGroup file_mcp_settings(const FileConfig& file) {
  SettingGroup group{"file: mcp_servers", {}};
  auto& settings = group.settings;
  for (const auto& server : file.mcp_servers) {
    const auto setting = [&server](std::initializer_list<std::string_view> parts) {
      std::string name = "mcp_servers." + server.name;
      for (const auto part : parts) name.append(".").append(part);
      return name;
    };
    if (!server.command.empty()) {
      settings.push_back({setting({"command"}), server.command});
      settings.push_back({setting({"args"}), joined(server.args)});
      for (const auto& [name, value] : server.env) {
        settings.push_back({setting({"env", name}), std::string(kMasked)});
      }
    } else {
      settings.push_back({setting({"url"}), mask_url_password(server.url)});
      for (const auto& [name, value] : server.headers) {
        settings.push_back({setting({"headers", name}), std::string(kMasked)});
      }
    }
    settings.push_back({setting({"requires_approval"}), mcp_approval(server.requires_approval)});
    for (const auto& [tool, required] : server.tool_requires_approval) {
      settings.push_back({setting({"tools", tool, "requires_approval"}), yes_no(required)});
    }
    for (const auto& tool : server.idempotent_tools) {
      settings.push_back({setting({"tools", tool, "idempotent"}), "true"});
    }
    settings.push_back({setting({"timeout_ms"}), milliseconds(server.timeout)});
  }
  return group;
}

}  // namespace

std::vector<SettingGroup> effective_settings(const Config& config, const FileConfig& file) {
  return {server_settings(config),         database_settings(config), identity_settings(config),
          rate_limit_settings(config),     replica_settings(config),  metrics_settings(config),
          tool_and_model_settings(config), webhook_settings(config),  file_model_settings(file),
          file_tool_settings(file),        file_mcp_settings(file)};
}

std::string mask_url_password(std::string_view url) {
  std::string masked_url(url);
  // scheme://user:password@host…: the password runs from the first ':' after the scheme to
  // the last '@'. A password may hold an unencoded '/' or '?', and an '@' further on (in the
  // query) only masks more than needed.
  const auto authority = masked_url.find("://");
  const auto at = masked_url.rfind('@');
  if (authority != std::string::npos && at != std::string::npos && at > authority) {
    const auto colon = masked_url.find(':', authority + 3);
    if (colon < at) masked_url.replace(colon + 1, at - colon - 1, kMasked);
  }
  // libpq's ?password=… (and &password=…).
  for (auto parameter = masked_url.find("password="); parameter != std::string::npos;
       parameter = masked_url.find("password=", parameter + 1)) {
    if (parameter == 0 || (masked_url[parameter - 1] != '?' && masked_url[parameter - 1] != '&')) {
      continue;
    }
    const auto value = parameter + std::string_view("password=").size();
    const auto end = masked_url.find_first_of("&#", value);
    masked_url.replace(value, (end == std::string::npos ? masked_url.size() : end) - value,
                       kMasked);
  }
  return masked_url;
}

}  // namespace agentd::config
