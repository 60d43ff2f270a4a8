#include "infrastructure/config/config.h"

#include <gtest/gtest.h>

#include <map>

#include "infrastructure/config/environment_of.h"

namespace agentd::config {
namespace {

TEST(LoadConfig, DefaultsToEmbeddedSqliteOnLoopback) {
  auto config = load_config(env_of({}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 8080);
  EXPECT_EQ(config->sqlite_path(), "./data/agentd.db");
  EXPECT_EQ(config->max_body_bytes, 1024u * 1024u);
  EXPECT_GE(config->threads, 1u);
  EXPECT_EQ(config->shutdown_timeout, std::chrono::seconds(10));
}

TEST(LoadConfig, DatabaseFollowsDataDir) {
  auto config = load_config(env_of({{"AGENTD_DATA_DIR", "/var/lib/agentd"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->sqlite_path(), "/var/lib/agentd/agentd.db");
}

TEST(LoadConfig, ParsesAddressThreadsAndBodyLimit) {
  auto config = load_config(env_of({{"AGENTD_ADDR", "0.0.0.0:9000"},
                                    {"AGENTD_THREADS", "3"},
                                    {"AGENTD_MAX_BODY_BYTES", "2048"},
                                    {"AGENTD_LOG_FORMAT", "json"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->host, "0.0.0.0");
  EXPECT_EQ(config->port, 9000);
  EXPECT_EQ(config->threads, 3u);
  EXPECT_EQ(config->max_body_bytes, 2048u);
  EXPECT_EQ(config->log_format, LogFormat::json);
}

TEST(LoadConfig, AcceptsBracketedIpv6Address) {
  auto config = load_config(env_of({{"AGENTD_ADDR", "[::1]:8081"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->host, "::1");
  EXPECT_EQ(config->port, 8081);
}

TEST(LoadConfig, RefreshReuseWindowIsTenSecondsUnlessSet) {
  auto defaults = load_config(env_of({}));
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->refresh_reuse_window, std::chrono::seconds(10));

  auto set = load_config(env_of({{"AGENTD_REFRESH_REUSE_WINDOW", "1"}}));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->refresh_reuse_window, std::chrono::seconds(1));

  auto off = load_config(env_of({{"AGENTD_REFRESH_REUSE_WINDOW", "0"}}));
  ASSERT_TRUE(off);
  EXPECT_EQ(off->refresh_reuse_window, std::chrono::seconds(0));
}

TEST(LoadConfig, RejectsBadValuesNamingTheVariable) {
  const std::pair<const char*, const char*> cases[] = {
      {"AGENTD_ADDR", "localhost"},
      {"AGENTD_ADDR", "127.0.0.1:99999"},
      {"AGENTD_THREADS", "zero"},
      {"AGENTD_THREADS", "0"},
      {"AGENTD_MAX_BODY_BYTES", "-5"},
      {"AGENTD_LOG_LEVEL", "loud"},
      {"AGENTD_LOG_FORMAT", "xml"},
      {"AGENTD_DATABASE_URL", "mysql://x"},
      {"AGENTD_DATABASE_URL", "sqlite://"},
      {"AGENTD_DATABASE_POOL_SIZE", "0"},
      {"AGENTD_DATABASE_QUERY_TIMEOUT_MS", "0"},
      {"AGENTD_MIGRATE_ON_START", "yes"},
      {"AGENTD_SHUTDOWN_TIMEOUT_MS", "soon"},
      {"AGENTD_REFRESH_REUSE_WINDOW", "-1"},
      {"AGENTD_REFRESH_REUSE_WINDOW", "10s"},
      {"AGENTD_REFRESH_REUSE_WINDOW", "301"},
      {"AGENTD_REDIS_URL", "http://cache:6379"},
      {"AGENTD_RATE_LIMIT_FAIL_OPEN", "1"},
      {"AGENTD_REPLICA_ID", ""},
      {"AGENTD_RUN_LEASE_MS", "100"},
  };
  for (const auto& [name, value] : cases) {
    auto config = load_config(env_of({{name, value}}));
    ASSERT_FALSE(config) << name << "=" << value;
    EXPECT_EQ(config.error().param, name);
    EXPECT_NE(config.error().message.find(name), std::string::npos);
    EXPECT_TRUE(is_config_error(config.error()));
  }
}

TEST(LoadConfig, EmbeddedSqliteMigratesItselfByDefault) {
  auto config = load_config(env_of({{"AGENTD_DATA_DIR", "/var/lib/agentd"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->database, DatabaseKind::sqlite);
  EXPECT_EQ(config->sqlite_path(), "/var/lib/agentd/agentd.db");
  EXPECT_TRUE(config->migrate_on_start);
}

TEST(LoadConfig, PostgresIsMigratedByHandUnlessAskedAndPoolsTwoConnectionsPerThread) {
  for (const char* url :
       {"postgres://agentd:secret@db:5432/agentd?sslmode=require", "postgresql://db/agentd"}) {
    auto config = load_config(env_of({{"AGENTD_DATABASE_URL", url}, {"AGENTD_THREADS", "3"}}));
    ASSERT_TRUE(config) << url;
    EXPECT_EQ(config->database, DatabaseKind::postgres);
    EXPECT_EQ(config->database_url, url);
    EXPECT_FALSE(config->migrate_on_start);
    EXPECT_EQ(config->database_pool_size, 6u);
  }
  auto tuned = load_config(env_of({{"AGENTD_DATABASE_URL", "postgres://db/agentd"},
                                   {"AGENTD_MIGRATE_ON_START", "true"},
                                   {"AGENTD_DATABASE_POOL_SIZE", "20"},
                                   {"AGENTD_DATABASE_QUERY_TIMEOUT_MS", "1500"},
                                   {"AGENTD_DATABASE_ACQUIRE_TIMEOUT_MS", "250"}}));
  ASSERT_TRUE(tuned);
  EXPECT_TRUE(tuned->migrate_on_start);
  EXPECT_EQ(tuned->database_pool_size, 20u);
  EXPECT_EQ(tuned->database_query_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(tuned->database_acquire_timeout, std::chrono::milliseconds(250));
}

TEST(LoadConfig, NeverEchoesADatabaseUrlItRejects) {
  auto config = load_config(env_of({{"AGENTD_DATABASE_URL", "mysql://root:hunter2@db/agentd"}}));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message.find("hunter2"), std::string::npos);
}

TEST(LoadConfig, OneReplicaAloneUnlessRedisIsNamed) {
  auto alone = load_config(env_of({}));
  ASSERT_TRUE(alone);
  EXPECT_TRUE(alone->redis_url.empty());
  EXPECT_FALSE(alone->rate_limit_fail_open);
  EXPECT_TRUE(alone->replica_id.empty());  // the server names itself
  EXPECT_EQ(alone->run_lease, std::chrono::milliseconds(15'000));

  auto shared = load_config(env_of({{"AGENTD_REDIS_URL", "redis://:pw@cache:6380/2"},
                                    {"AGENTD_RATE_LIMIT_FAIL_OPEN", "true"},
                                    {"AGENTD_REPLICA_ID", "agentd-2"},
                                    {"AGENTD_RUN_LEASE_MS", "4000"}}));
  ASSERT_TRUE(shared) << shared.error().message;
  EXPECT_EQ(shared->redis_url, "redis://:pw@cache:6380/2");
  EXPECT_TRUE(shared->rate_limit_fail_open);
  EXPECT_EQ(shared->replica_id, "agentd-2");
  EXPECT_EQ(shared->run_lease, std::chrono::milliseconds(4'000));
}

TEST(LoadConfig, NeverEchoesARedisUrlItRejects) {
  auto config = load_config(env_of({{"AGENTD_REDIS_URL", "memcached://admin:hunter2@cache"}}));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message.find("hunter2"), std::string::npos);
}

TEST(LoadConfig, ReadsTheZeroConfigModelVariables) {
  auto config = load_config(env_of({{"OPENAI_API_KEY", "sk-openai"},
                                    {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                                    {"ANTHROPIC_API_KEY", "sk-anthropic"},
                                    {"AGENTD_DEFAULT_MODEL", "claude-haiku"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->models.openai_api_key, "sk-openai");
  EXPECT_EQ(config->models.openai_base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(config->models.anthropic_api_key, "sk-anthropic");
  EXPECT_EQ(config->models.anthropic_base_url, "");
  EXPECT_EQ(config->models.default_model, "claude-haiku");
}

TEST(LoadConfig, WithoutModelVariablesNoModelIsOffered) {
  auto config = load_config(env_of({}));
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->models.openai_api_key.empty());
  EXPECT_TRUE(config->models.anthropic_api_key.empty());
  EXPECT_TRUE(config->models.default_model.empty());
}

TEST(ConfigError, IsTellable) {
  EXPECT_TRUE(is_config_error(config_error("models: duplicate name m", "models")));
  EXPECT_FALSE(is_config_error(Error::invalid("email is not valid", "email")));
}

}  // namespace
}  // namespace agentd::config
