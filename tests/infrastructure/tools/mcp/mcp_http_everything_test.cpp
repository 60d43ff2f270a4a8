// McpToolSource over Streamable HTTP against the real reference server, server-everything.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/everything_server.h"
#include "infrastructure/tools/mcp/mcp_tool_source.h"

namespace agentd {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::IoThread;

const ToolContext kHttpCaller{"user-1", std::nullopt};

class McpHttpEverything : public ::testing::Test {
 protected:
  // One server for the suite: starting node is the slow part.
  static void SetUpTestSuite() {
    if (std::filesystem::exists(testing::everything_entry_point())) {
      server_ = new testing::EverythingHttpServer();
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    SKIP_WITHOUT_EVERYTHING_SERVER();
    McpServerConfig config;
    config.name = "remote";
    config.url = server_->url();
    // Configured headers go with every request; this server ignores them.
    config.headers = {{"Authorization", "Bearer test-token"}};
    config.timeout = 20s;
    auto created = McpToolSource::create(io_.executor(), config, http_);
    ASSERT_TRUE(created.ok()) << created.error().message;
    source_ = *created;
    for (auto& tool : testing::start_and_wait_for_tools(*source_)) tools_[tool->spec().name] = tool;
    ASSERT_FALSE(tools_.empty());
  }
  void TearDown() override {
    if (source_) io_.run([this] { return source_->stop(); });
    tools_.clear();
    io_.finish();
  }

  Result<json::value> call(const std::string& name, const json::object& arguments) {
    auto tool = tools_.at(name);
    return io_.run([tool, arguments]() { return tool->execute(arguments, kHttpCaller); });
  }

  static testing::EverythingHttpServer* server_;
  IoThread io_;
  net::HttpClient http_;  // its pooled connections belong to io_, so it goes first
  std::shared_ptr<McpToolSource> source_;
  std::map<std::string, std::shared_ptr<Tool>> tools_;
};

testing::EverythingHttpServer* McpHttpEverything::server_ = nullptr;

TEST_F(McpHttpEverything, ListsTheServersToolsUnderItsName) {
  ASSERT_TRUE(tools_.contains("remote__echo"));
  ASSERT_TRUE(tools_.contains("remote__get-sum"));
  EXPECT_EQ(tools_.at("remote__echo")->spec().description, "Echoes back the input string");
}

TEST_F(McpHttpEverything, EchoReturnsTheText) {
  auto result = call("remote__echo", {{"message", "over http"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, json::value("Echo: over http"));
}

TEST_F(McpHttpEverything, GetSumAddsTheNumbers) {
  auto result = call("remote__get-sum", {{"a", 2}, {"b", 3}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result->is_string());
  EXPECT_NE(std::string(result->get_string()).find("is 5"), std::string::npos) << *result;
}

TEST_F(McpHttpEverything, ToolFailureIsAToolError) {
  auto result = call("remote__get-sum", {{"a", "two"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_NE(result.error().message.find("expected number"), std::string::npos)
      << result.error().message;
}

TEST(McpHttp, ReconnectsAfterTheServerRestarts) {
  SKIP_WITHOUT_EVERYTHING_SERVER();
  IoThread io;
  net::HttpClient http;
  auto server = std::make_unique<testing::EverythingHttpServer>();
  const int port = server->port();
  McpServerConfig config;
  config.name = "remote";
  config.url = server->url();
  config.timeout = 20s;
  auto source = McpToolSource::create(io.executor(), config, http);
  ASSERT_TRUE(source.ok());
  std::shared_ptr<Tool> echo;
  for (auto& tool : testing::start_and_wait_for_tools(**source)) {
    if (tool->spec().name == "remote__echo") echo = tool;
  }
  ASSERT_NE(echo, nullptr);
  const json::object arguments{{"message", "again"}};
  auto call_echo = [&] { return io.run([&] { return echo->execute(arguments, kHttpCaller); }); };
  ASSERT_TRUE(call_echo().ok());

  // The new server knows nothing of the old session: the client must start a new one.
  server.reset();
  server = std::make_unique<testing::EverythingHttpServer>(port);
  std::optional<Result<json::value>> result;
  for (int i = 0; i < 100; ++i) {
    result.emplace(call_echo());
    if (result->ok()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(result->ok()) << result->error().message;
  EXPECT_EQ(**result, json::value("Echo: again"));
  io.run([&] { return (*source)->stop(); });
  echo.reset();
  io.finish();
}

}  // namespace
}  // namespace agentd
