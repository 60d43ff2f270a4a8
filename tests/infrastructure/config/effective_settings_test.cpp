#include "infrastructure/config/effective_settings.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "infrastructure/config/environment_of.h"

namespace agentd::config {
namespace {

// Every value, keyed by setting name, across groups.
std::map<std::string, std::string> values_of(const std::vector<SettingGroup>& groups) {
  std::map<std::string, std::string> values;
  for (const auto& group : groups) {
    for (const auto& setting : group.settings) values[setting.name] = setting.value;
  }
  return values;
}

Config config_from(std::map<std::string, std::string> env) {
  auto config = load_config(env_of(std::move(env)));
  if (!config) throw std::runtime_error(config.error().message);
  return std::move(config).value();
}

FileConfig file_from(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  auto file = parse_file_config(yaml, env_of(std::move(env)));
  if (!file) throw std::runtime_error(file.error().message);
  return std::move(file).value();
}

// A variable added to the configuration shows in `agentd config check` too.
TEST(EffectiveSettings, NameEveryVariableTheConfigurationReads) {
  std::set<std::string> read;
  auto config = load_config([&read](std::string_view name) -> std::optional<std::string> {
    read.insert(std::string(name));
    return std::nullopt;
  });
  ASSERT_TRUE(config);

  const auto values = values_of(effective_settings(*config, FileConfig{}));

  for (const auto& name : read) EXPECT_TRUE(values.contains(name)) << name;
}

TEST(EffectiveSettings, ShowTheValuesInUseAsTheyCouldBeGivenBack) {
  const auto values =
      values_of(effective_settings(config_from({{"AGENTD_ADDR", "[::1]:9000"},
                                                {"AGENTD_THREADS", "3"},
                                                {"AGENTD_ACCESS_TTL", "15m"},
                                                {"AGENTD_IDLE_TIMEOUT_MS", "1500"},
                                                {"AGENTD_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2"}}),
                                   FileConfig{}));

  EXPECT_EQ(values.at("AGENTD_ADDR"), "[::1]:9000");
  EXPECT_EQ(values.at("AGENTD_THREADS"), "3");
  EXPECT_EQ(values.at("AGENTD_DATABASE_POOL_SIZE"), "6");
  EXPECT_EQ(values.at("AGENTD_ACCESS_TTL"), "900s");
  EXPECT_EQ(values.at("AGENTD_IDLE_TIMEOUT_MS"), "1500");
  EXPECT_EQ(values.at("AGENTD_TRUSTED_PROXIES"), "10.0.0.1,10.0.0.2");
  EXPECT_EQ(values.at("AGENTD_DATABASE_URL"), "sqlite://./data/agentd.db");
  EXPECT_EQ(values.at("AGENTD_MIGRATE_ON_START"), "true");
  EXPECT_EQ(values.at("AGENTD_REDIS_URL"), "(none)");
  EXPECT_EQ(values.at("AGENTD_JWT_SECRET"), "(generated into ./data/jwt_secret)");
}

TEST(EffectiveSettings, MaskEverySecretOfTheEnvironment) {
  const auto groups = effective_settings(
      config_from({{"AGENTD_JWT_SECRET", "jwt-secret-0123456789abcdef-0123456789"},
                   {"AGENTD_DATABASE_URL", "postgres://agentd:pg-secret@db:5432/agentd"},
                   {"AGENTD_REDIS_URL", "redis://:redis-secret@cache:6379/0"},
                   {"OPENAI_API_KEY", "sk-openai-secret"},
                   {"ANTHROPIC_API_KEY", "sk-ant-secret"},
                   {"AGENTD_METRICS_TOKEN", "metrics-secret-0123456789"}}),
      FileConfig{});
  const auto values = values_of(groups);

  for (const auto& [name, value] : values) {
    for (const char* secret : {"jwt-secret", "pg-secret", "redis-secret", "openai-secret",
                               "ant-secret", "metrics-secret"}) {
      EXPECT_EQ(value.find(secret), std::string::npos) << name << " = " << value;
    }
  }
  EXPECT_EQ(values.at("AGENTD_JWT_SECRET"), "***");
  EXPECT_EQ(values.at("AGENTD_DATABASE_URL"), "postgres://agentd:***@db:5432/agentd");
  EXPECT_EQ(values.at("AGENTD_REDIS_URL"), "redis://:***@cache:6379/0");
  EXPECT_EQ(values.at("OPENAI_API_KEY"), "***");
  EXPECT_EQ(values.at("ANTHROPIC_API_KEY"), "***");
  EXPECT_EQ(values.at("AGENTD_METRICS_TOKEN"), "***");
}

TEST(EffectiveSettings, ShowTheFilesSettingsAndMaskItsSecrets) {
  const auto file = file_from(R"yaml(
default_model: fast
models:
  - {name: fast, provider: openai, base_url: http://127.0.0.1:9/v1, api_key_env: FAST_KEY,
     fallbacks: [slow]}
  - {name: slow, provider: anthropic}
tools:
  calculator: {requires_approval: true, timeout_ms: 250}
  web_search: {provider: brave}
  http_get: {allow_hosts: [example.org]}
mcp_servers:
  - {name: local, command: npx, args: ["-y", "server"], env: {TOKEN: "${MCP_TOKEN}"},
     requires_approval: auto, tools: {rm: {requires_approval: true, idempotent: true}}}
  - {name: remote, url: "http://bot:url-secret@127.0.0.1:3001/mcp",
     headers: {Authorization: "Bearer ${REMOTE_TOKEN}"}}
)yaml",
                              {{"FAST_KEY", "model-secret"},
                               {"BRAVE_API_KEY", "brave-secret"},
                               {"MCP_TOKEN", "env-secret"},
                               {"REMOTE_TOKEN", "header-secret"}});
  const auto values = values_of(effective_settings(config_from({}), file));

  for (const auto& [name, value] : values) {
    for (const char* secret :
         {"model-secret", "brave-secret", "env-secret", "header-secret", "url-secret"}) {
      EXPECT_EQ(value.find(secret), std::string::npos) << name << " = " << value;
    }
  }
  EXPECT_EQ(values.at("default_model"), "fast");
  EXPECT_EQ(values.at("models.fast.api_key_env"), "FAST_KEY");
  EXPECT_EQ(values.at("models.fast.api_key"), "***");
  EXPECT_EQ(values.at("models.fast.fallbacks"), "slow");
  EXPECT_EQ(values.at("models.slow.api_key"), "(none)");
  EXPECT_EQ(values.at("models.slow.base_url"), "(the provider's)");
  EXPECT_EQ(values.at("tools.calculator.requires_approval"), "true");
  EXPECT_EQ(values.at("tools.calculator.timeout_ms"), "250");
  EXPECT_EQ(values.at("tools.current_time.enabled"), "true");
  EXPECT_EQ(values.at("tools.web_search.api_key_env"), "BRAVE_API_KEY");
  EXPECT_EQ(values.at("tools.web_search.api_key"), "***");
  EXPECT_EQ(values.at("tools.http_get.allow_hosts"), "example.org");
  EXPECT_EQ(values.at("mcp_servers.local.args"), "-y,server");
  EXPECT_EQ(values.at("mcp_servers.local.env.TOKEN"), "***");
  EXPECT_EQ(values.at("mcp_servers.local.requires_approval"), "auto");
  EXPECT_EQ(values.at("mcp_servers.local.tools.rm.requires_approval"), "true");
  EXPECT_EQ(values.at("mcp_servers.local.tools.rm.idempotent"), "true");
  EXPECT_EQ(values.at("mcp_servers.remote.url"), "http://bot:***@127.0.0.1:3001/mcp");
  EXPECT_EQ(values.at("mcp_servers.remote.headers.Authorization"), "***");
}

TEST(MaskUrlPassword, MasksTheUserPartsPasswordAndPasswordParameters) {
  EXPECT_EQ(mask_url_password("postgres://u:p@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(mask_url_password("postgresql://u:p/w?d@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(mask_url_password("postgres://u@h/db?sslmode=require&password=p&x=1"),
            "postgres://u@h/db?sslmode=require&password=***&x=1");
  EXPECT_EQ(mask_url_password("postgres://h/db?password=p"), "postgres://h/db?password=***");
  EXPECT_EQ(mask_url_password("redis://:p@h:6379"), "redis://:***@h:6379");
}

TEST(MaskUrlPassword, LeavesAUrlWithoutPasswordAlone) {
  for (const std::string url : {"postgres://u@h:5432/db", "redis://h:6379/1",
                                "sqlite://./data/agentd.db", "postgres://h/db?passwords=1", ""}) {
    EXPECT_EQ(mask_url_password(url), url);
  }
}

}  // namespace
}  // namespace agentd::config
