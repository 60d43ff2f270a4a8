// McpToolSource over stdio against the real reference server, server-everything.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <fstream>
#include <map>

#include "application/tools/tool_registry.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/everything_server.h"
#include "infrastructure/tools/mcp/mcp_tool_source.h"
#include "infrastructure/tools/valijson_schema_compiler.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using testing::IoThread;

const ToolContext kStdioCaller{"user-1", std::nullopt};

class McpStdioEverything : public ::testing::Test {
 protected:
  void SetUp() override { SKIP_WITHOUT_EVERYTHING_SERVER(); }
  void TearDown() override {
    if (source_) io_.run([this] { return source_->stop(); });
    tools_.clear();
    io_.finish();
  }

  // Starts a source for `config` and keeps its tools by name.
  void start(McpServerConfig config = testing::everything_stdio_config()) {
    auto created = McpToolSource::create(io_.executor(), std::move(config), http_);
    ASSERT_TRUE(created.ok()) << created.error().message;
    source_ = *created;
    for (auto& tool : testing::start_and_wait_for_tools(*source_)) tools_[tool->spec().name] = tool;
    ASSERT_FALSE(tools_.empty());
  }

  Result<json::value> call(const std::string& name, const json::object& arguments) {
    auto tool = tools_.at(name);
    return io_.run([tool, arguments]() { return tool->execute(arguments, kStdioCaller); });
  }

  IoThread io_;
  net::HttpClient http_;  // its pooled connections belong to io_, so it goes first
  std::shared_ptr<McpToolSource> source_;
  std::map<std::string, std::shared_ptr<Tool>> tools_;
};

TEST_F(McpStdioEverything, ListsTheServersToolsUnderItsName) {
  start();
  ASSERT_TRUE(tools_.contains("everything__echo"));
  ASSERT_TRUE(tools_.contains("everything__get-sum"));
  const auto& echo = tools_.at("everything__echo")->spec();
  EXPECT_EQ(echo.description, "Echoes back the input string");
  EXPECT_EQ(echo.parameters.at("properties").at("message").at("type"), "string");
  EXPECT_EQ(echo.parameters.at("required"), json::array{"message"});
  EXPECT_EQ(echo.timeout, 20s);
  EXPECT_FALSE(echo.requires_approval);
}

TEST_F(McpStdioEverything, ToolsRegisterWithTheServersSchemas) {
  start();
  ValijsonSchemaCompiler compiler;
  ToolRegistry registry(compiler);
  for (const auto& [name, tool] : tools_) {
    auto added = registry.add(tool);
    EXPECT_TRUE(added.ok()) << name << ": " << added.error().message;
  }
  auto echo = registry.find("everything__echo");
  ASSERT_TRUE(echo.has_value());
  EXPECT_TRUE(echo->schema->validate(json::parse(R"({"message":"hi"})")).ok());
  EXPECT_FALSE(echo->schema->validate(json::parse(R"({"message":5})")).ok());
}

TEST_F(McpStdioEverything, PerToolApprovalOverridesTheServers) {
  auto config = testing::everything_stdio_config();
  config.tool_requires_approval = {{"get-sum", true}};
  start(config);
  EXPECT_TRUE(tools_.at("everything__get-sum")->spec().requires_approval);
  EXPECT_FALSE(tools_.at("everything__echo")->spec().requires_approval);
}

TEST_F(McpStdioEverything, EchoReturnsTheText) {
  start();
  auto result = call("everything__echo", {{"message", "hello from agentd"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, json::value("Echo: hello from agentd"));
}

TEST_F(McpStdioEverything, GetSumAddsTheNumbers) {
  start();
  auto result = call("everything__get-sum", {{"a", 2}, {"b", 3}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result->is_string());
  EXPECT_NE(std::string(result->get_string()).find("is 5"), std::string::npos) << *result;
}

TEST_F(McpStdioEverything, StructuredContentIsTheResult) {
  start();
  auto result = call("everything__get-structured-content", {{"location", "New York"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result->is_object()) << *result;
  EXPECT_TRUE(result->get_object().contains("temperature"));
}

TEST_F(McpStdioEverything, ToolFailureIsAToolErrorWithTheServersText) {
  start();
  auto result = call("everything__get-sum", {{"a", "two"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
  EXPECT_NE(result.error().message.find("expected number"), std::string::npos)
      << result.error().message;
}

TEST_F(McpStdioEverything, RestartsTheServerAfterItDies) {
  const auto pid_file = std::filesystem::temp_directory_path() /
                        ("agentd-mcp-" + std::to_string(::getpid()) + ".pid");
  auto read_pid = [&] {
    pid_t pid = -1;
    std::ifstream(pid_file) >> pid;
    return pid;
  };
  auto config = testing::everything_stdio_config();
  config.command = "sh";
  // The shell notes its pid and becomes the server, so the test knows whom to kill.
  config.args = {"-c", "echo $$ > \"$0\"; exec node \"$1\" stdio", pid_file.string(),
                 testing::everything_entry_point().string()};
  start(config);
  const pid_t first_pid = read_pid();
  ASSERT_GT(first_pid, 0);

  auto tool = tools_.at("everything__trigger-long-running-operation");
  auto pending = std::async(std::launch::async, [&] {
    return io_.run([tool] {
      return tool->execute({{"duration", 30}, {"steps", 30}}, kStdioCaller);
    });
  });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(::kill(first_pid, SIGKILL), 0);

  auto interrupted = pending.get();
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.error().code, "tool_error");
  EXPECT_NE(interrupted.error().message.find("MCP server everything is unavailable"),
            std::string::npos)
      << interrupted.error().message;

  auto while_down = call("everything__echo", {{"message", "anyone?"}});
  ASSERT_FALSE(while_down.ok());
  EXPECT_EQ(while_down.error().code, "tool_error");
  EXPECT_NE(while_down.error().message.find("MCP server everything is unavailable"),
            std::string::npos)
      << while_down.error().message;

  std::optional<Result<json::value>> recovered;
  for (int i = 0; i < 100; ++i) {
    recovered.emplace(call("everything__echo", {{"message", "back"}}));
    if (recovered->ok()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(recovered->ok()) << recovered->error().message;
  EXPECT_EQ(**recovered, json::value("Echo: back"));
  EXPECT_NE(read_pid(), first_pid);
  std::filesystem::remove(pid_file);
}

TEST_F(McpStdioEverything, CancelledCallReturnsPromptlyAndTheServerStaysUsable) {
  start();
  auto tool = tools_.at("everything__trigger-long-running-operation");
  // Built outside the coroutine: GCC 12 miscompiles string literals in braced lists there.
  const json::object thirty_seconds{{"duration", 30}, {"steps", 30}};
  using Outcome = std::pair<std::size_t, std::chrono::steady_clock::duration>;
  auto [index, took] = io_.run([&]() -> asio::awaitable<Outcome> {
    asio::steady_timer caller_gives_up(co_await asio::this_coro::executor, 300ms);
    const auto started = std::chrono::steady_clock::now();
    auto outcome = co_await (tool->execute(thirty_seconds, kStdioCaller) ||
                             caller_gives_up.async_wait(asio::use_awaitable));
    co_return std::pair{outcome.index(), std::chrono::steady_clock::now() - started};
  });
  EXPECT_EQ(index, 1u);
  EXPECT_LT(took, 2s);
  auto result = call("everything__echo", {{"message", "still here"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, json::value("Echo: still here"));
}

TEST(McpStdio, ACommandThatCannotRunIsUnavailableAndRetried) {
  IoThread io;
  net::HttpClient http;
  McpServerConfig config;
  config.name = "missing";
  config.command = "/nonexistent/mcp-server";
  auto source = McpToolSource::create(io.executor(), config, http);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->state().phase, McpConnectionState::Phase::connecting);
  (*source)->start([](std::vector<std::shared_ptr<Tool>>) { ADD_FAILURE() << "tools listed"; });
  ASSERT_TRUE(testing::wait_for_phase(**source, McpConnectionState::Phase::unavailable));
  EXPECT_NE((*source)->state().reason.find("cannot start /nonexistent/mcp-server"),
            std::string::npos)
      << (*source)->state().reason;
  io.run([&] { return (*source)->stop(); });
  EXPECT_EQ((*source)->state().reason, "stopped");
  io.finish();
}

TEST_F(McpStdioEverything, AutoApprovalSparesOnlyToolsTheServerCallsReadOnly) {
  auto config = testing::everything_stdio_config();
  config.requires_approval = McpApproval::unless_read_only;
  start(config);
  EXPECT_FALSE(tools_.at("everything__echo")->spec().requires_approval);
  EXPECT_TRUE(tools_.at("everything__toggle-simulated-logging")->spec().requires_approval);
}

TEST_F(McpStdioEverything, KeepsTheServersAnnotations) {
  start();
  const auto& annotations = tools_.at("everything__echo")->spec().annotations;
  ASSERT_TRUE(annotations.has_value());
  EXPECT_EQ(annotations->at("readOnlyHint"), true);
  EXPECT_EQ(annotations->at("destructiveHint"), false);
}

}  // namespace
}  // namespace agentd
