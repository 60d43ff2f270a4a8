#include "infrastructure/config/file_config.h"

#include <gtest/gtest.h>

#include <set>

#include "infrastructure/config/config.h"

namespace agentd::config {
namespace {

std::optional<std::string> env(std::string_view name) {
  if (name == "REMOTE_MCP_TOKEN") return std::string("s3cret");
  if (name == "OPENAI_API_KEY") return std::string("sk-openai");
  if (name == "BRAVE_API_KEY") return std::string("brave-key");
  if (name == "MY_TAVILY_KEY") return std::string("tavily-key");
  return std::nullopt;
}

TEST(FileConfig, ReadsTheDocumentedShape) {
  auto config = parse_file_config(R"(
default_model: gpt-4o-mini
models:
  - name: gpt-4o-mini
    provider: openai
    model: gpt-4o-mini
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    timeout_ms: 60000
    max_retries: 2
    fallbacks: [claude-haiku]
tools:
  calculator: {enabled: true, requires_approval: false, idempotent: true, timeout_ms: 5000}
  web_search: {provider: searxng, base_url: http://127.0.0.1:8888}
  http_get: {allow_hosts: [example.org]}
mcp_servers:
  - name: everything
    command: npx
    args: ["-y", "@modelcontextprotocol/server-everything"]
    requires_approval: false
    tools: {longRunningOperation: {requires_approval: true}, echo: {idempotent: true}}
  - name: remote
    url: http://127.0.0.1:3001/mcp
    headers: {Authorization: "Bearer ${REMOTE_MCP_TOKEN}"}
)",
                                  env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->default_model, "gpt-4o-mini");
  ASSERT_EQ(config->models.size(), 1u);
  EXPECT_EQ(config->models[0].provider, "openai");
  EXPECT_EQ(config->models[0].timeout, std::chrono::seconds(60));
  EXPECT_EQ(config->models[0].fallbacks, std::vector<std::string>{"claude-haiku"});
  EXPECT_EQ(config->calculator.timeout, std::chrono::milliseconds(5000));
  EXPECT_TRUE(config->calculator.idempotent);
  EXPECT_FALSE(config->http_get.tool.idempotent);
  EXPECT_EQ(config->web_search.provider, "searxng");
  EXPECT_EQ(config->http_get.allow_hosts, std::vector<std::string>{"example.org"});
  ASSERT_EQ(config->mcp_servers.size(), 2u);
  EXPECT_EQ(config->mcp_servers[0].args.size(), 2u);
  EXPECT_TRUE(config->mcp_servers[0].tool_requires_approval.at("longRunningOperation"));
  EXPECT_EQ(config->mcp_servers[0].idempotent_tools, std::set<std::string>{"echo"});
  EXPECT_FALSE(config->mcp_servers[0].tool_requires_approval.contains("echo"));
  EXPECT_EQ(config->mcp_servers[1].headers.at("Authorization"), "Bearer s3cret");
  EXPECT_TRUE(config->warnings.empty());
}

TEST(FileConfig, UnknownKeyIsAWarning) {
  auto config = parse_file_config("tools:\n  calculator: {colour: blue}\nextra: 1\n", env);
  ASSERT_TRUE(config);
  ASSERT_EQ(config->warnings.size(), 2u);
  EXPECT_NE(config->warnings[0].find("tools.calculator.colour"), std::string::npos);
}

TEST(FileConfig, WrongTypeIsAnErrorNamingTheKey) {
  auto config =
      parse_file_config("models:\n  - name: m\n    provider: openai\n    timeout_ms: soon\n", env);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("models[0].timeout_ms"), std::string::npos);
}

TEST(FileConfig, McpServerNeedsCommandOrUrl) {
  auto config = parse_file_config("mcp_servers:\n  - name: x\n", env);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("mcp_servers[0]"), std::string::npos);
}

TEST(FileConfig, McpRequiresApprovalIsTrueFalseOrAuto) {
  auto config = parse_file_config(R"(
mcp_servers:
  - {name: careful, command: a, requires_approval: auto, tools: {t: {requires_approval: false}}}
  - {name: strict, command: b, requires_approval: true}
  - {name: open, command: c, requires_approval: false}
  - {name: unsaid, command: d}
)",
                                  env);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->mcp_servers.size(), 4u);
  EXPECT_EQ(config->mcp_servers[0].requires_approval, McpApproval::unless_read_only);
  EXPECT_FALSE(config->mcp_servers[0].tool_requires_approval.at("t"));
  EXPECT_EQ(config->mcp_servers[1].requires_approval, McpApproval::always);
  EXPECT_EQ(config->mcp_servers[2].requires_approval, McpApproval::never);
  EXPECT_EQ(config->mcp_servers[3].requires_approval, McpApproval::never);
}

TEST(FileConfig, McpRequiresApprovalOfAnotherValueIsAnErrorNamingTheKey) {
  auto config = parse_file_config(
      "mcp_servers:\n  - {name: x, command: a, requires_approval: sometimes}\n", env);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("mcp_servers[0].requires_approval"), std::string::npos)
      << config.error().message;
  EXPECT_NE(config.error().message.find("true, false or auto"), std::string::npos)
      << config.error().message;
}

TEST(FileConfig, AModelsKeyIsReadFromTheVariableItNames) {
  auto config = parse_file_config(R"(
models:
  - {name: a, provider: openai, api_key_env: OPENAI_API_KEY}
  - {name: b, provider: openai, api_key_env: UNSET_KEY}
  - {name: c, provider: openai}
)",
                                  env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->models[0].api_key, "sk-openai");
  EXPECT_EQ(config->models[1].api_key, "");
  EXPECT_EQ(config->models[1].api_key_env, "UNSET_KEY");
  EXPECT_EQ(config->models[2].api_key, "");
}

TEST(FileConfig, WebSearchKeyComesFromTheProvidersVariableUnlessOneIsNamed) {
  auto brave = parse_file_config("tools:\n  web_search: {provider: brave}\n", env);
  ASSERT_TRUE(brave) << brave.error().message;
  EXPECT_EQ(brave->web_search.api_key_env, "BRAVE_API_KEY");
  EXPECT_EQ(brave->web_search.api_key, "brave-key");

  auto tavily = parse_file_config(
      "tools:\n  web_search: {provider: tavily, api_key_env: MY_TAVILY_KEY}\n", env);
  ASSERT_TRUE(tavily) << tavily.error().message;
  EXPECT_EQ(tavily->web_search.api_key, "tavily-key");

  auto searxng =
      parse_file_config("tools:\n  web_search: {provider: searxng, base_url: http://s}\n", env);
  ASSERT_TRUE(searxng) << searxng.error().message;
  EXPECT_EQ(searxng->web_search.api_key_env, "");
  EXPECT_EQ(searxng->web_search.api_key, "");
}

TEST(FileConfig, ErrorsAreConfigurationErrors) {
  auto config = parse_file_config("models: [1, 2\n", env);
  ASSERT_FALSE(config);
  EXPECT_TRUE(is_config_error(config.error()));
}

TEST(FileConfig, EmptyFileIsDefaults) {
  auto config = parse_file_config("", env);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->models.empty());
  EXPECT_TRUE(config->calculator.enabled);
}

}  // namespace
}  // namespace agentd::config
