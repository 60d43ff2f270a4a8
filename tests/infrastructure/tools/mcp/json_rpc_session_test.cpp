#include "infrastructure/tools/mcp/json_rpc_session.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "fakes/run_sync.h"
#include "infrastructure/tools/mcp/scripted_mcp_transport.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

asio::awaitable<std::shared_ptr<JsonRpcSession>> open_session(ScriptedMcpServer& server) {
  auto executor = co_await asio::this_coro::executor;
  auto session = std::make_shared<JsonRpcSession>(executor, server.factory()(executor), "scripted");
  EXPECT_TRUE((co_await session->open()).ok());
  co_return session;
}

// Gives the session's reader and detached senders their turns until `condition` holds.
asio::awaitable<bool> eventually(std::function<bool()> condition) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  for (int i = 0; i < 1000 && !condition(); ++i) {
    tick.expires_after(1ms);
    co_await tick.async_wait(asio::use_awaitable);
  }
  co_return condition();
}

TEST(McpJsonRpcSession, MatchesResponsesToRequestsByIdWhateverTheirOrder) {
  ScriptedMcpServer server;
  std::vector<json::object> held;
  server.on_message = [&](const json::object& request) -> std::vector<json::value> {
    held.push_back(request);
    if (held.size() < 2) return {};
    return {response_to(held[1], "second answer"), response_to(held[0], "first answer")};
  };
  std::optional<Result<json::value>> first, second;
  run_sync([&]() -> asio::awaitable<int> {
    auto session = co_await open_session(server);
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          first.emplace(co_await session->request("first", {}, 5s));
        },
        asio::detached);
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          second.emplace(co_await session->request("second", {}, 5s));
        },
        asio::detached);
    EXPECT_TRUE(co_await eventually([&] { return first && second; }));
    session->close();
    co_return 0;
  }());
  ASSERT_TRUE(first && first->ok());
  ASSERT_TRUE(second && second->ok());
  EXPECT_EQ(**first, json::value("first answer"));
  EXPECT_EQ(**second, json::value("second answer"));
  EXPECT_NE(held[0].at("id"), held[1].at("id"));
  EXPECT_EQ(held[0].at("jsonrpc"), "2.0");
}

TEST(McpJsonRpcSession, ServerErrorComesBackWithTheServersMessage) {
  ScriptedMcpServer server;
  server.on_message = [](const json::object& request) -> std::vector<json::value> {
    return {json::object{{"jsonrpc", "2.0"},
                         {"id", request.at("id")},
                         {"error", {{"code", -32602}, {"message", "Unknown tool: nope"}}}}};
  };
  // Built outside the coroutine: GCC 12 miscompiles string literals in braced lists there.
  const json::object params{{"name", "nope"}};
  auto result = run_sync([&]() -> asio::awaitable<Result<json::value>> {
    auto session = co_await open_session(server);
    auto answer = co_await session->request("tools/call", params, 5s);
    session->close();
    co_return answer;
  }());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, JsonRpcSession::kServerError);
  EXPECT_EQ(result.error().message, "Unknown tool: nope");
}

TEST(McpJsonRpcSession, AnswersServerRequestsWithMethodNotFoundAndPingWithEmptyResult) {
  ScriptedMcpServer server;
  const std::vector<json::value> from_server{
      json::object{{"jsonrpc", "2.0"}, {"id", "s-1"}, {"method", "sampling/createMessage"}},
      json::object{{"jsonrpc", "2.0"}, {"method", "notifications/message"}},
      json::object{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}}};
  run_sync([&]() -> asio::awaitable<int> {
    auto session = co_await open_session(server);
    for (const auto& message : from_server) server.push(message);
    EXPECT_TRUE(co_await eventually([&] { return server.received.size() == 2; }));
    session->close();
    co_return 0;
  }());
  ASSERT_EQ(server.received.size(), 2u);
  const auto& refused = server.received[0];
  EXPECT_EQ(refused.at("id"), "s-1");
  EXPECT_EQ(refused.at("error").at("code"), -32601);
  EXPECT_EQ(refused.at("error").at("message"), "Method not found");
  const auto& pong = server.received[1];
  EXPECT_EQ(pong.at("id"), 7);
  EXPECT_EQ(pong.at("result"), json::object{});
}

TEST(McpJsonRpcSession, CancelledRequestReturnsAtOnceAndTellsTheServer) {
  ScriptedMcpServer server;  // never answers
  std::chrono::steady_clock::duration took{};
  run_sync([&]() -> asio::awaitable<int> {
    auto session = co_await open_session(server);
    asio::steady_timer caller_gives_up(co_await asio::this_coro::executor, 50ms);
    const auto started = std::chrono::steady_clock::now();
    auto outcome = co_await (session->request("tools/call", {}, 30s) ||
                             caller_gives_up.async_wait(asio::use_awaitable));
    took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(outcome.index(), 1u);
    EXPECT_TRUE(co_await eventually(
        [&] { return !server.received_with("notifications/cancelled").empty(); }));
    session->close();
    co_return 0;
  }());
  EXPECT_LT(took, 1s);
  const auto call = server.received_with("tools/call").at(0);
  const auto cancelled = server.received_with("notifications/cancelled").at(0);
  EXPECT_EQ(cancelled.at("params").at("requestId"), call.at("id"));
}

TEST(McpJsonRpcSession, RequestTimesOutAndTellsTheServer) {
  ScriptedMcpServer server;  // never answers
  auto result = run_sync([&]() -> asio::awaitable<Result<json::value>> {
    auto session = co_await open_session(server);
    auto answer = co_await session->request("tools/list", {}, 20ms);
    EXPECT_TRUE(co_await eventually(
        [&] { return !server.received_with("notifications/cancelled").empty(); }));
    session->close();
    co_return answer;
  }());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, JsonRpcSession::kTimeout);
  EXPECT_EQ(result.error().kind, ErrorCode::gateway_timeout);
}

TEST(McpJsonRpcSession, PendingRequestsFailWhenTheConnectionEnds) {
  ScriptedMcpServer server;  // never answers
  bool is_closed_after = true;
  auto result = run_sync([&]() -> asio::awaitable<Result<json::value>> {
    auto session = co_await open_session(server);
    std::optional<Result<json::value>> answer;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> {
          answer.emplace(co_await session->request("tools/call", {}, 30s));
        },
        asio::detached);
    EXPECT_TRUE(co_await eventually([&] { return server.received.size() == 1; }));
    server.disconnect();
    co_await session->wait_closed();
    EXPECT_TRUE(co_await eventually([&] { return answer.has_value(); }));
    is_closed_after = !session->is_open();
    co_return std::move(*answer);
  }());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, JsonRpcSession::kClosed);
  EXPECT_NE(result.error().message.find("MCP server scripted is unavailable"), std::string::npos);
  EXPECT_TRUE(is_closed_after);
}

}  // namespace
}  // namespace agentd
