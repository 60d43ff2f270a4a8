#include "infrastructure/tools/mcp/mcp_tool_source.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/mcp_tool.h"
#include "infrastructure/tools/mcp/scripted_mcp_transport.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

json::object tool_named(std::string name) {
  return {{"name", name},
          {"description", "the " + name + " tool"},
          {"inputSchema", {{"type", "object"}, {"properties", json::object{}}}}};
}

// A server that speaks `version` and lists its tools two to a page.
void script_server(ScriptedMcpServer& server, std::string version = "2025-06-18") {
  server.on_message = [version](const json::object& message) -> std::vector<json::value> {
    const auto method = message.at("method").as_string();
    if (method == "initialize") {
      return {response_to(message, {{"protocolVersion", version},
                                    {"capabilities", {{"tools", json::object{}}}},
                                    {"serverInfo", {{"name", "scripted"}, {"version", "1"}}}})};
    }
    if (method == "tools/list") {
      const auto* cursor = message.at("params").as_object().if_contains("cursor");
      if (cursor == nullptr) {
        return {response_to(message, {{"tools", {tool_named("alpha"), tool_named("beta")}},
                                      {"nextCursor", "page-2"}})};
      }
      return {response_to(message, {{"tools", {tool_named("gamma.v2")}}})};
    }
    if (method == "tools/call") {
      if (message.at("params").at("name") == "beta") {
        return {json::object{{"jsonrpc", "2.0"},
                             {"id", message.at("id")},
                             {"error", {{"code", -32603}, {"message", "beta broke"}}}}};
      }
      return {response_to(message, {{"content", {{{"type", "text"}, {"text", "{\"ok\":true}"}}}}})};
    }
    return {};
  };
}

McpServerConfig scripted_config() {
  McpServerConfig config;
  config.name = "scripted";
  config.command = "unused: the transport is scripted";
  config.timeout = 5s;
  return config;
}

std::shared_ptr<McpToolSource> make_source(asio::io_context& io, ScriptedMcpServer& server,
                                           McpServerConfig config = scripted_config()) {
  auto source = McpToolSource::create(io.get_executor(), std::move(config), server.factory());
  EXPECT_TRUE(source.ok());
  return *source;
}

// Runs `body` against a started source on a private io_context, then stops the source.
// Nothing of the source (its tools) may outlive the io_context.
template <typename Body>
Status with_started_source(ScriptedMcpServer& server, McpServerConfig config, Body body) {
  asio::io_context io;
  auto source = make_source(io, server, std::move(config));
  std::optional<Status> started;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        started.emplace(co_await source->start());
        if (*started) co_await body(*source);
        source->stop();
      },
      asio::detached);
  io.run();
  return std::move(*started);
}

TEST(McpToolSource, HandshakeIsInitializeThenInitializedThenToolsList) {
  ScriptedMcpServer server;
  script_server(server);
  auto started = with_started_source(server, scripted_config(),
                                     [](McpToolSource&) -> asio::awaitable<void> { co_return; });
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_GE(server.received.size(), 3u);
  EXPECT_EQ(server.received[0].at("method"), "initialize");
  const auto& params = server.received[0].at("params").as_object();
  EXPECT_EQ(params.at("protocolVersion"), "2025-06-18");
  EXPECT_EQ(params.at("clientInfo").at("name"), "agentd");
  EXPECT_EQ(params.at("clientInfo").at("version"), AGENTD_VERSION);
  EXPECT_EQ(server.received[1].at("method"), "notifications/initialized");
  EXPECT_FALSE(server.received[1].contains("id"));
  EXPECT_EQ(server.received[2].at("method"), "tools/list");
}

TEST(McpToolSource, FollowsNextCursorAndNamesToolsAfterTheServer) {
  ScriptedMcpServer server;
  script_server(server);
  std::vector<ToolSpec> specs;
  std::vector<std::string> remote_names;
  auto started = with_started_source(
      server, scripted_config(), [&](McpToolSource& source) -> asio::awaitable<void> {
        for (const auto& tool : source.tools()) {
          specs.push_back(tool->spec());
          remote_names.push_back(dynamic_cast<McpTool&>(*tool).remote_name());
        }
        co_return;
      });
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_EQ(server.received_with("tools/list").size(), 2u);
  EXPECT_EQ(server.received_with("tools/list")[1].at("params").at("cursor"), "page-2");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "scripted__alpha");
  EXPECT_EQ(specs[0].description, "the alpha tool");
  EXPECT_EQ(specs[0].parameters.at("type"), "object");
  EXPECT_EQ(specs[0].timeout, 5s);
  EXPECT_EQ(specs[1].name, "scripted__beta");
  // Model APIs accept [A-Za-z0-9_-] only; the server still gets its own name.
  EXPECT_EQ(specs[2].name, "scripted__gamma_v2");
  EXPECT_EQ(remote_names[2], "gamma.v2");
}

TEST(McpToolSource, RequiresApprovalComesFromTheServerAndPerToolOverrides) {
  ScriptedMcpServer server;
  script_server(server);
  auto config = scripted_config();
  config.requires_approval = true;
  config.tool_requires_approval = {{"beta", false}};
  std::vector<ToolSpec> specs;
  auto started =
      with_started_source(server, config, [&](McpToolSource& source) -> asio::awaitable<void> {
        for (const auto& tool : source.tools()) {
          specs.push_back(tool->spec());
        }
        co_return;
      });
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_TRUE(specs[0].requires_approval);
  EXPECT_FALSE(specs[1].requires_approval);
  EXPECT_TRUE(specs[2].requires_approval);
}

TEST(McpToolSource, CallSendsNameAndArgumentsAndMapsTheResult) {
  ScriptedMcpServer server;
  script_server(server);
  std::optional<Result<json::value>> result;
  // Built outside the coroutine: GCC 12 miscompiles string literals in braced lists there.
  const json::object arguments{{"x", 1}};
  const ToolContext caller{"user-1", std::nullopt};
  auto started = with_started_source(
      server, scripted_config(), [&](McpToolSource& source) -> asio::awaitable<void> {
        auto tools = source.tools();
        result.emplace(co_await tools[0]->execute(arguments, caller));
      });
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ(**result, json::parse(R"({"ok":true})"));
  const auto call = server.received_with("tools/call").at(0);
  EXPECT_EQ(call.at("params").at("name"), "alpha");
  EXPECT_EQ(call.at("params").at("arguments"), json::parse(R"({"x":1})"));
}

TEST(McpToolSource, JsonRpcErrorOfACallIsAToolError) {
  ScriptedMcpServer server;
  script_server(server);
  std::optional<Result<json::value>> result;
  auto started = with_started_source(server, scripted_config(),
                                     [&](McpToolSource& source) -> asio::awaitable<void> {
                                       result.emplace(co_await source.call_tool("beta", {}, 5s));
                                     });
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(result && !result->ok());
  EXPECT_EQ(result->error().code, "tool_error");
  EXPECT_EQ(result->error().kind, ErrorCode::unprocessable);
  EXPECT_EQ(result->error().message, "beta broke");
}

TEST(McpToolSource, StartFailsOnAnUnsupportedProtocolVersion) {
  ScriptedMcpServer server;
  script_server(server, "2024-11-05");
  auto started = with_started_source(server, scripted_config(),
                                     [](McpToolSource&) -> asio::awaitable<void> { co_return; });
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("2024-11-05"), std::string::npos);
  EXPECT_TRUE(server.received_with("tools/list").empty());
}

TEST(McpToolSource, RejectsConfigsThatCannotWork) {
  asio::io_context io;
  net::HttpClient http;
  auto make = [&](auto edit) {
    McpServerConfig config;
    config.name = "srv";
    config.command = "node";
    edit(config);
    return McpToolSource::create(io.get_executor(), config, http);
  };
  EXPECT_TRUE(make([](McpServerConfig&) {}).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) { c.command.clear(); }).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) { c.url = "http://127.0.0.1:1/mcp"; }).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) { c.name = "has space"; }).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) { c.name.clear(); }).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) { c.timeout = 0ms; }).ok());
  EXPECT_FALSE(make([](McpServerConfig& c) {
                 c.command.clear();
                 c.url = "ftp://example.org/mcp";
               }).ok());
  auto error = make([](McpServerConfig& c) { c.command.clear(); }).error();
  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_NE(error.message.find("mcp_servers[srv]"), std::string::npos);
}

}  // namespace
}  // namespace agentd
