#include "infrastructure/tools/mcp/mcp_tool_source.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "application/tools/tool_registry.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/mcp_tool.h"
#include "infrastructure/tools/mcp/scripted_mcp_transport.h"
#include "infrastructure/tools/valijson_schema_compiler.h"

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

// A source on a private io_context that the test runs step by step. Nothing of the source (its
// tools) may outlive the io_context.
class ScriptedSource {
 public:
  explicit ScriptedSource(ScriptedMcpServer& server, McpServerConfig config = scripted_config()) {
    auto created = McpToolSource::create(io_.get_executor(), std::move(config), server.factory());
    EXPECT_TRUE(created.ok());
    source_ = *created;
  }
  ~ScriptedSource() { stop(); }

  void start() {
    source_->start([this](std::vector<std::shared_ptr<Tool>> tools) {
      ++listings_;
      tools_ = std::move(tools);
    });
  }
  // Starts the source and runs it until it has listed its tools.
  bool start_and_list() {
    start();
    return run_until([this] { return listings_ > 0; });
  }

  // Runs the io_context until `done()`; false if `timeout` passed first.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.restart();
      io_.run_one_for(10ms);
    }
    return true;
  }

  template <typename T>
  T run(asio::awaitable<T> work) {
    std::optional<T> result;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { result.emplace(co_await std::move(work)); },
        asio::detached);
    EXPECT_TRUE(run_until([&] { return result.has_value(); }));
    return std::move(*result);
  }

  // Stops the source and runs what is left of its work to the end.
  void stop() {
    if (is_stopped_) return;
    is_stopped_ = true;
    bool stopped = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await source_->stop();
          stopped = true;
        },
        asio::detached);
    EXPECT_TRUE(run_until([&] { return stopped; }));
    tools_.clear();
    io_.restart();
    io_.run();
  }

  McpToolSource& source() { return *source_; }
  McpConnectionState state() const { return source_->state(); }
  const std::vector<std::shared_ptr<Tool>>& tools() const { return tools_; }
  int listings() const { return listings_; }
  std::vector<ToolSpec> specs() const {
    std::vector<ToolSpec> specs;
    for (const auto& tool : tools_) specs.push_back(tool->spec());
    return specs;
  }

 private:
  asio::io_context io_;
  std::shared_ptr<McpToolSource> source_;
  std::vector<std::shared_ptr<Tool>> tools_;
  int listings_ = 0;
  bool is_stopped_ = false;
};

TEST(McpToolSource, HandshakeIsInitializeThenInitializedThenToolsList) {
  ScriptedMcpServer server;
  script_server(server);
  ScriptedSource source(server);
  ASSERT_TRUE(source.start_and_list()) << source.state().reason;
  ASSERT_GE(server.received.size(), 3u);
  EXPECT_EQ(server.received[0].at("method"), "initialize");
  const auto& params = server.received[0].at("params").as_object();
  EXPECT_EQ(params.at("protocolVersion"), "2025-06-18");
  EXPECT_EQ(params.at("clientInfo").at("name"), "agentd");
  EXPECT_EQ(params.at("clientInfo").at("version"), AGENTD_VERSION);
  EXPECT_EQ(server.received[1].at("method"), "notifications/initialized");
  EXPECT_FALSE(server.received[1].contains("id"));
  EXPECT_EQ(server.received[2].at("method"), "tools/list");
  EXPECT_EQ(source.state().phase, McpConnectionState::Phase::ok);
}

TEST(McpToolSource, FollowsNextCursorAndNamesToolsAfterTheServer) {
  ScriptedMcpServer server;
  script_server(server);
  ScriptedSource source(server);
  ASSERT_TRUE(source.start_and_list());
  ASSERT_EQ(server.received_with("tools/list").size(), 2u);
  EXPECT_EQ(server.received_with("tools/list")[1].at("params").at("cursor"), "page-2");
  const auto specs = source.specs();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "scripted__alpha");
  EXPECT_EQ(specs[0].description, "the alpha tool");
  EXPECT_EQ(specs[0].parameters.at("type"), "object");
  EXPECT_EQ(specs[0].timeout, 5s);
  EXPECT_EQ(specs[1].name, "scripted__beta");
  // Model APIs accept [A-Za-z0-9_-] only; the server still gets its own name.
  EXPECT_EQ(specs[2].name, "scripted__gamma_v2");
  EXPECT_EQ(dynamic_cast<McpTool&>(*source.tools()[2]).remote_name(), "gamma.v2");
}

TEST(McpToolSource, RequiresApprovalComesFromTheServerAndPerToolOverrides) {
  ScriptedMcpServer server;
  script_server(server);
  auto config = scripted_config();
  config.requires_approval = McpApproval::always;
  config.tool_requires_approval = {{"beta", false}};
  ScriptedSource source(server, config);
  ASSERT_TRUE(source.start_and_list());
  const auto specs = source.specs();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_TRUE(specs[0].requires_approval);
  EXPECT_FALSE(specs[1].requires_approval);
  EXPECT_TRUE(specs[2].requires_approval);
}

TEST(McpToolSource, CallSendsNameAndArgumentsAndMapsTheResult) {
  ScriptedMcpServer server;
  script_server(server);
  ScriptedSource source(server);
  ASSERT_TRUE(source.start_and_list());
  const json::object arguments{{"x", 1}};
  const ToolContext caller{"user-1", std::nullopt};
  auto result = source.run(source.tools()[0]->execute(arguments, caller));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, json::parse(R"({"ok":true})"));
  const auto call = server.received_with("tools/call").at(0);
  EXPECT_EQ(call.at("params").at("name"), "alpha");
  EXPECT_EQ(call.at("params").at("arguments"), json::parse(R"({"x":1})"));
}

TEST(McpToolSource, JsonRpcErrorOfACallIsAToolError) {
  ScriptedMcpServer server;
  script_server(server);
  ScriptedSource source(server);
  ASSERT_TRUE(source.start_and_list());
  auto result = source.run(source.source().call_tool("beta", {}, 5s));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
  EXPECT_EQ(result.error().message, "beta broke");
}

TEST(McpToolSource, AnUnsupportedProtocolVersionIsUnavailableWithTheReason) {
  ScriptedMcpServer server;
  script_server(server, "2024-11-05");
  ScriptedSource source(server);
  source.start();
  ASSERT_TRUE(source.run_until(
      [&] { return source.state().phase == McpConnectionState::Phase::unavailable; }));
  EXPECT_NE(source.state().reason.find("2024-11-05"), std::string::npos) << source.state().reason;
  EXPECT_EQ(source.state().reason.find("MCP server scripted is unavailable"), std::string::npos)
      << "the check is named after the server already: " << source.state().reason;
  EXPECT_TRUE(server.received_with("tools/list").empty());
  EXPECT_EQ(source.listings(), 0);
}

TEST(McpToolSource, IsConnectingUntilTheFirstAttemptEnds) {
  ScriptedMcpServer server;
  script_server(server);
  auto answer = server.on_message;
  // The server takes its time over initialize: the test answers it.
  server.on_message = [&answer](const json::object& message) -> std::vector<json::value> {
    if (message.at("method") == "initialize") return {};
    return answer(message);
  };
  ScriptedSource source(server);
  source.start();
  ASSERT_TRUE(source.run_until([&] { return !server.received_with("initialize").empty(); }));
  EXPECT_EQ(source.state().phase, McpConnectionState::Phase::connecting);
  EXPECT_EQ(source.listings(), 0);
}

TEST(McpToolSource, TheFirstConnectionIsRetriedAfterAFailure) {
  ScriptedMcpServer server;
  script_server(server);
  auto answer = server.on_message;
  // The first connection's initialize fails; later ones work.
  server.on_message = [&server, &answer](const json::object& message) -> std::vector<json::value> {
    if (message.at("method") == "initialize" && server.connections == 1) {
      return {json::object{{"jsonrpc", "2.0"},
                           {"id", message.at("id")},
                           {"error", {{"code", -32603}, {"message", "still warming up"}}}}};
    }
    return answer(message);
  };
  ScriptedSource source(server);
  source.start();
  ASSERT_TRUE(source.run_until(
      [&] { return source.state().phase == McpConnectionState::Phase::unavailable; }));
  EXPECT_NE(source.state().reason.find("still warming up"), std::string::npos)
      << source.state().reason;
  const auto failed_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(source.run_until([&] { return source.listings() > 0; }));
  // Not at once: after the first retry delay.
  EXPECT_GE(std::chrono::steady_clock::now() - failed_at, McpToolSource::kFirstRetryDelay - 50ms);
  EXPECT_EQ(server.connections, 2);
  EXPECT_EQ(source.state().phase, McpConnectionState::Phase::ok);
  EXPECT_EQ(source.tools().size(), 3u);
}

TEST(McpToolSource, ToolsJoinTheRegistryWhenAServerListsThemLate) {
  ScriptedMcpServer server;
  script_server(server);
  auto answer = server.on_message;
  std::optional<json::object> initialize;
  server.on_message = [&](const json::object& message) -> std::vector<json::value> {
    if (message.at("method") != "initialize") return answer(message);
    initialize = message;
    return {};
  };
  asio::io_context io;  // first: the registry's tools hold the source, bound to it
  ValijsonSchemaCompiler compiler;
  ToolRegistry registry(compiler);
  auto created = McpToolSource::create(io.get_executor(), scripted_config(), server.factory());
  ASSERT_TRUE(created.ok());
  auto source = *created;
  source->start([&registry](std::vector<std::shared_ptr<Tool>> tools) {
    for (auto& tool : tools) ASSERT_TRUE(registry.add(tool).ok());
  });
  for (int i = 0; i < 100 && !initialize; ++i) io.run_one_for(10ms);
  ASSERT_TRUE(initialize.has_value());
  io.run_for(100ms);
  EXPECT_FALSE(registry.find("scripted__alpha").has_value());

  // The server is ready at last.
  for (auto& reply : answer(*initialize)) server.push(std::move(reply));
  for (int i = 0; i < 100 && !registry.find("scripted__alpha"); ++i) io.run_one_for(10ms);
  EXPECT_TRUE(registry.find("scripted__alpha").has_value());
  EXPECT_EQ(registry.list().size(), 3u);

  bool stopped = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await source->stop();
        stopped = true;
      },
      asio::detached);
  io.restart();
  io.run();
  EXPECT_TRUE(stopped);
}

TEST(McpToolSource, StopEndsAConnectionStillBeingMade) {
  ScriptedMcpServer server;
  script_server(server);
  server.on_message = [](const json::object&) { return std::vector<json::value>{}; };
  ScriptedSource source(server);
  source.start();
  ASSERT_TRUE(source.run_until([&] { return !server.received_with("initialize").empty(); }));
  ASSERT_NE(server.live, nullptr);
  source.stop();  // returns only once the io_context has no work left
  EXPECT_EQ(server.live, nullptr);
  EXPECT_EQ(source.state().phase, McpConnectionState::Phase::unavailable);
  EXPECT_EQ(source.state().reason, "stopped");
  EXPECT_EQ(server.connections, 1);
}

TEST(McpToolSource, ALostConnectionIsUnavailableUntilItIsMadeAgain) {
  ScriptedMcpServer server;
  script_server(server);
  ScriptedSource source(server);
  ASSERT_TRUE(source.start_and_list());
  server.disconnect();
  ASSERT_TRUE(source.run_until(
      [&] { return source.state().phase == McpConnectionState::Phase::unavailable; }));
  EXPECT_NE(source.state().reason.find("lost"), std::string::npos) << source.state().reason;
  ASSERT_TRUE(
      source.run_until([&] { return source.state().phase == McpConnectionState::Phase::ok; }));
  EXPECT_EQ(server.connections, 2);
  // Listed once: a reconnection keeps the tools the registry already has.
  EXPECT_EQ(source.listings(), 1);
  EXPECT_EQ(server.received_with("tools/list").size(), 2u);
}

json::object annotated_tool(std::string name, json::object annotations) {
  auto tool = tool_named(std::move(name));
  tool["annotations"] = std::move(annotations);
  return tool;
}

// A server listing read_only (readOnlyHint true), writes (readOnlyHint false, destructiveHint
// false) and plain (no annotations).
void script_annotated_server(ScriptedMcpServer& server) {
  script_server(server);
  auto answer = server.on_message;
  server.on_message = [answer](const json::object& message) -> std::vector<json::value> {
    if (message.at("method") != "tools/list") return answer(message);
    json::array tools{
        annotated_tool("read_only", {{"title", "Reads"}, {"readOnlyHint", true}}),
        annotated_tool("writes", {{"readOnlyHint", false}, {"destructiveHint", false}}),
        tool_named("plain")};
    return {response_to(message, {{"tools", std::move(tools)}})};
  };
}

std::map<std::string, ToolSpec> annotated_specs(McpServerConfig config) {
  ScriptedMcpServer server;
  script_annotated_server(server);
  ScriptedSource source(server, std::move(config));
  EXPECT_TRUE(source.start_and_list());
  std::map<std::string, ToolSpec> specs;
  for (auto& spec : source.specs()) specs[spec.name] = spec;
  return specs;
}

TEST(McpToolSource, AutoSparesApprovalOnlyForToolsTheServerCallsReadOnly) {
  auto config = scripted_config();
  config.requires_approval = McpApproval::unless_read_only;
  auto specs = annotated_specs(config);
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_FALSE(specs.at("scripted__read_only").requires_approval);
  EXPECT_TRUE(specs.at("scripted__writes").requires_approval);
  // MCP's default destructiveHint is true: a tool that says nothing needs a person.
  EXPECT_TRUE(specs.at("scripted__plain").requires_approval);
}

TEST(McpToolSource, PerToolApprovalBeatsAuto) {
  auto config = scripted_config();
  config.requires_approval = McpApproval::unless_read_only;
  config.tool_requires_approval = {{"read_only", true}, {"plain", false}};
  auto specs = annotated_specs(config);
  EXPECT_TRUE(specs.at("scripted__read_only").requires_approval);
  EXPECT_TRUE(specs.at("scripted__writes").requires_approval);
  EXPECT_FALSE(specs.at("scripted__plain").requires_approval);
}

TEST(McpToolSource, AnnotationsIgnoredWithoutAuto) {
  auto specs = annotated_specs(scripted_config());
  EXPECT_FALSE(specs.at("scripted__read_only").requires_approval);
  EXPECT_FALSE(specs.at("scripted__plain").requires_approval);
}

TEST(McpToolSource, KeepsTheAnnotationsAToolIsListedWith) {
  auto specs = annotated_specs(scripted_config());
  ASSERT_TRUE(specs.at("scripted__read_only").annotations.has_value());
  EXPECT_EQ(*specs.at("scripted__read_only").annotations,
            json::parse(R"({"title":"Reads","readOnlyHint":true})").as_object());
  EXPECT_FALSE(specs.at("scripted__plain").annotations.has_value());
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
