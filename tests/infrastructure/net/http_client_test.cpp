#include "infrastructure/net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fakes/canned_response_server.h"
#include "fakes/counting_tcp_proxy.h"
#include "fakes/event_loop.h"
#include "fakes/local_http_server.h"

namespace agentd::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

http::Response text(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.set_header("Content-Type", "text/plain");
  response.body = std::move(body);
  return response;
}

// Sets a flag when destroyed: the server destroys a stream's producer when its client leaves.
struct SetOnExit {
  std::atomic<bool>& flag;
  ~SetOnExit() { flag = true; }
};

std::atomic<bool> g_producer_stopped{false};

http::Router upstream_routes() {
  http::Router router;
  router.add("GET", "/hello", [](http::Request&) -> asio::awaitable<http::Response> {
    auto response = text(200, "hello world");
    response.set_header("X-Upstream", "fake");
    co_return response;
  });
  router.add("POST", "/echo", [](http::Request& request) -> asio::awaitable<http::Response> {
    auto response = text(201, request.body);
    response.set_header("X-Seen-Content-Type",
                        std::string(request.header("content-type").value_or("")));
    response.set_header("X-Seen-Authorization",
                        std::string(request.header("authorization").value_or("")));
    co_return response;
  });
  router.add("GET", "/slow", [](http::Request&) -> asio::awaitable<http::Response> {
    co_await sleep_for(3s);
    co_return text(200, "late");
  });
  router.add("GET", "/events", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::event_stream([](http::BodyWriter& out) -> asio::awaitable<void> {
      for (int i = 1; i <= 3; ++i) {
        co_await out.write("data: " + std::to_string(i) + "\n\n");
        if (i < 3) co_await sleep_for(150ms);
      }
    });
  });
  router.add("GET", "/stalls", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::event_stream([](http::BodyWriter& out) -> asio::awaitable<void> {
      SetOnExit on_exit{g_producer_stopped};
      co_await out.write("data: first\n\n");
      co_await sleep_for(5s);
    });
  });
  router.add("GET", "/large", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return text(200, std::string(100, 'x'));
  });
  return router;
}

class HttpClientTest : public ::testing::Test {
 protected:
  template <class T>
  T run(asio::awaitable<T> awaitable) {
    return loop_.run(std::move(awaitable));
  }

  Result<HttpResponse> get(const std::string& url, RequestOptions options = {}) {
    return run(client_.request({"GET", url, {}, {}}, std::move(options)));
  }

  static double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  // Declared first: the client's pooled sockets must go before their io_context.
  EventLoop loop_;
  LocalHttpServer upstream_{upstream_routes()};
  HttpClient client_;
};

TEST_F(HttpClientTest, GetReturnsStatusHeadersAndBody) {
  auto response = get(upstream_.url("/hello"));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "text/plain");
  EXPECT_EQ(response->header("x-upstream"), "fake");
  EXPECT_EQ(response->body, "hello world");
  EXPECT_FALSE(response->is_reused_connection);
}

TEST_F(HttpClientTest, PostSendsBodyAndHeaders) {
  auto response = run(
      client_.request({"POST",
                       upstream_.url("/echo"),
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer secret"}},
                       R"({"model":"m"})"}));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"model":"m"})");
  EXPECT_EQ(response->header("x-seen-content-type"), "application/json");
  EXPECT_EQ(response->header("x-seen-authorization"), "Bearer secret");
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnectionForTwoRequests) {
  CountingTcpProxy proxy(upstream_.port());
  const auto url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/hello";
  auto first = get(url);
  auto second = get(url);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(second->body, "hello world");
  EXPECT_TRUE(second->is_reused_connection);
  EXPECT_EQ(proxy.connections(), 1);
}

TEST_F(HttpClientTest, ConnectionClosedByTheServerWhileIdleIsNotReused) {
  http::ServerOptions options;
  options.idle_timeout = 100ms;
  LocalHttpServer impatient(upstream_routes(), options);
  CountingTcpProxy proxy(impatient.port());
  const auto url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/hello";
  ASSERT_TRUE(get(url).ok());
  std::this_thread::sleep_for(400ms);
  auto second = get(url);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->is_reused_connection);
  EXPECT_EQ(proxy.connections(), 2);
}

TEST_F(HttpClientTest, StreamDeliversChunkedEventsPieceByPieceAsTheyArrive) {
  struct Piece {
    std::string text;
    double at_ms;
  };
  auto pieces = run([&]() -> asio::awaitable<std::vector<Piece>> {
    std::vector<Piece> received;
    const auto start = Clock::now();
    auto stream = co_await client_.stream({"GET", upstream_.url("/events"), {}, {}});
    EXPECT_TRUE(stream.ok());
    if (!stream) co_return received;
    EXPECT_EQ(stream->status(), 200);
    EXPECT_EQ(stream->head().header("content-type"), "text/event-stream");
    for (;;) {
      auto piece = co_await stream->read();
      EXPECT_TRUE(piece.ok());
      if (!piece || piece->empty()) break;
      received.push_back({std::move(*piece), ms_since(start)});
    }
    co_return received;
  }());
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].text, "data: 1\n\n");
  EXPECT_EQ(pieces[1].text, "data: 2\n\n");
  EXPECT_EQ(pieces[2].text, "data: 3\n\n");
  // Each event is handed over when it arrives, not when the body is complete: the first one
  // comes a whole 300 ms of upstream pauses before the last (no absolute bound, which a busy
  // machine running the sanitizer build would break).
  EXPECT_GE(pieces[2].at_ms - pieces[0].at_ms, 250);
}

TEST_F(HttpClientTest, StreamLeftAtItsLastEventStillGivesItsConnectionBack) {
  CountingTcpProxy proxy(upstream_.port());
  const auto base = "http://127.0.0.1:" + std::to_string(proxy.port());
  auto drained = run([&]() -> asio::awaitable<bool> {
    auto stream = co_await client_.stream({"GET", base + "/events", {}, {}});
    if (!stream) co_return false;
    // The caller knows "data: 3" is the end; the chunked body's last chunk is still unread.
    for (auto piece = co_await stream->read(); piece && *piece != "data: 3\n\n";
         piece = co_await stream->read()) {
      if (piece->empty()) co_return false;  // the end came before the event
    }
    co_return co_await stream->discard_rest();
  }());
  EXPECT_TRUE(drained);
  auto next = get(base + "/hello");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_TRUE(next->is_reused_connection);
  EXPECT_EQ(proxy.connections(), 1);
}

TEST_F(HttpClientTest, DiscardingAStalledRestGivesUpAtItsTimeout) {
  CountingTcpProxy proxy(upstream_.port());
  const auto base = "http://127.0.0.1:" + std::to_string(proxy.port());
  const auto start = Clock::now();
  auto drained = run([&]() -> asio::awaitable<bool> {
    auto stream = co_await client_.stream({"GET", base + "/stalls", {}, {}});
    if (!stream) co_return true;
    co_await stream->read();
    co_return co_await stream->discard_rest(1024, 100ms);
  }());
  EXPECT_FALSE(drained);
  EXPECT_LT(ms_since(start), 1000);
  // The half-read connection was closed, not pooled.
  auto next = get(base + "/hello");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_FALSE(next->is_reused_connection);
  EXPECT_EQ(proxy.connections(), 2);
}

TEST_F(HttpClientTest, ARestLongerThanTheDiscardLimitDropsTheConnection) {
  auto outcome = run([&]() -> asio::awaitable<std::pair<bool, bool>> {
    auto stream = co_await client_.stream({"GET", upstream_.url("/events"), {}, {}});
    if (!stream) co_return std::pair{true, true};
    co_await stream->read();
    const bool drained = co_await stream->discard_rest(1, 1s);
    // Reading on after giving up is an error, not a use of the dropped connection.
    auto after = co_await stream->read();
    co_return std::pair{drained, after.ok()};
  }());
  EXPECT_FALSE(outcome.first);
  EXPECT_FALSE(outcome.second);
}

TEST_F(HttpClientTest, SilentUpstreamHitsTheFirstByteTimeout) {
  RequestOptions options;
  options.first_byte_timeout = 200ms;
  const auto start = Clock::now();
  auto response = get(upstream_.url("/slow"), options);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorCode::gateway_timeout);
  EXPECT_EQ(response.error().code, "upstream_timeout");
  EXPECT_LT(ms_since(start), 1000);
}

TEST_F(HttpClientTest, StalledBodyHitsTheIdleTimeout) {
  RequestOptions options;
  options.idle_timeout = 200ms;
  auto outcome = run([&]() -> asio::awaitable<std::pair<std::string, Result<std::string>>> {
    auto stream = co_await client_.stream({"GET", upstream_.url("/stalls"), {}, {}}, options);
    if (!stream) co_return std::pair{std::string("no stream"), Result<std::string>(stream.error())};
    auto first = co_await stream->read();
    co_return std::pair{first.ok() ? *first : first.error().message, co_await stream->read()};
  }());
  EXPECT_EQ(outcome.first, "data: first\n\n");
  ASSERT_FALSE(outcome.second.ok());
  EXPECT_EQ(outcome.second.error().kind, ErrorCode::gateway_timeout);
  EXPECT_EQ(outcome.second.error().code, "upstream_timeout");
}

TEST_F(HttpClientTest, RefusedConnectionIsUpstreamUnreachable) {
  std::uint16_t closed_port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  auto response = get("http://127.0.0.1:" + std::to_string(closed_port) + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(response.error().code, "upstream_unreachable");
}

TEST_F(HttpClientTest, TheIdleTimeoutCountsFromEachReadNotFromTheFirst) {
  RequestOptions options;
  options.idle_timeout = 250ms;  // each gap is 150 ms; the whole body takes 300 ms
  auto body = run([&]() -> asio::awaitable<std::string> {
    auto stream = co_await client_.stream({"GET", upstream_.url("/events"), {}, {}}, options);
    if (!stream) co_return stream.error().message;
    std::string received;
    for (;;) {
      auto piece = co_await stream->read();
      if (!piece) co_return piece.error().message;
      if (piece->empty()) co_return received;
      received += *piece;
    }
  }());
  EXPECT_EQ(body, "data: 1\n\ndata: 2\n\ndata: 3\n\n");
}

TEST_F(HttpClientTest, CancellingTheAwaitingCoroutineAbortsASlowRequestPromptly) {
  const auto start = Clock::now();
  auto winner = run([&]() -> asio::awaitable<std::size_t> {
    asio::steady_timer give_up(co_await asio::this_coro::executor, 50ms);
    auto outcome = co_await (client_.request({"GET", upstream_.url("/slow"), {}, {}}) ||
                             give_up.async_wait(asio::use_awaitable));
    co_return outcome.index();
  }());
  EXPECT_EQ(winner, 1u);
  // The race ends only once the request has given up: 50 ms plus the abort itself, far from
  // the 5 s the upstream would take (the margin is for a busy machine).
  EXPECT_LT(ms_since(start), 1000);
}

TEST_F(HttpClientTest, CancellingAStreamReadClosesTheUpstreamConnection) {
  g_producer_stopped = false;
  auto winner = run([&]() -> asio::awaitable<std::size_t> {
    auto stream = co_await client_.stream({"GET", upstream_.url("/stalls"), {}, {}});
    if (!stream) co_return 99;
    co_await stream->read();
    asio::steady_timer give_up(co_await asio::this_coro::executor, 50ms);
    auto outcome = co_await (stream->read() || give_up.async_wait(asio::use_awaitable));
    co_return outcome.index();
  }());
  EXPECT_EQ(winner, 1u);
  // The upstream sees the client leave and stops producing, long before its 5 s sleep ends.
  const auto start = Clock::now();
  while (!g_producer_stopped && Clock::now() - start < 2s) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(g_producer_stopped);
}

constexpr std::string_view kChunkedHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST_F(HttpClientTest, ChunksThatArrivedTogetherAreReadAsOnePiece) {
  CannedResponseServer upstream(
      std::string(kChunkedHead) +
      "9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n9\r\ndata: 3\n\n\r\n0\r\n\r\n");
  auto pieces = run([&]() -> asio::awaitable<std::vector<std::string>> {
    std::vector<std::string> read;
    auto stream = co_await client_.stream({"GET", upstream.url("/events"), {}, {}});
    if (!stream) co_return read;
    for (auto piece = co_await stream->read(); piece && !piece->empty();
         piece = co_await stream->read()) {
      read.push_back(*piece);
    }
    co_return read;
  }());
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0], "data: 1\n\ndata: 2\n\ndata: 3\n\n");
}

TEST_F(HttpClientTest, AMalformedChunkAfterGoodOnesFailsTheReadAfterThem) {
  CannedResponseServer upstream(std::string(kChunkedHead) + "9\r\ndata: 1\n\n\r\nzz\r\nbroken");
  auto outcome = run([&]() -> asio::awaitable<std::pair<std::string, bool>> {
    auto stream = co_await client_.stream({"GET", upstream.url("/events"), {}, {}});
    if (!stream) co_return std::pair{std::string("no stream"), true};
    auto first = co_await stream->read();
    auto second = co_await stream->read();
    co_return std::pair{first.ok() ? *first : first.error().message, second.ok()};
  }());
  EXPECT_EQ(outcome.first, "data: 1\n\n");
  EXPECT_FALSE(outcome.second);
}

TEST_F(HttpClientTest, AddressPolicyRefusesBeforeAnyConnectionIsMade) {
  CountingTcpProxy proxy(upstream_.port());
  RequestOptions options;
  options.address_policy = [](const asio::ip::address& address) -> Status {
    if (address.is_loopback())
      return Error{ErrorCode::forbidden, "no loopback", {}, "address_not_allowed"};
    return ok_status();
  };
  auto response = get("http://127.0.0.1:" + std::to_string(proxy.port()) + "/hello", options);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "address_not_allowed");
  EXPECT_EQ(proxy.connections(), 0);
}

TEST_F(HttpClientTest, BufferedBodyOverTheLimitIsRefused) {
  RequestOptions options;
  options.max_body_bytes = 10;
  auto response = get(upstream_.url("/large"), options);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(response.error().code, "upstream_response_too_large");
}

TEST_F(HttpClientTest, HeaderValueWithLineBreakIsRefused) {
  auto response = run(
      client_.request({"GET", upstream_.url("/hello"), {{"X-Note", "a\r\nX-Injected: yes"}}, {}}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorCode::invalid_request);
}

}  // namespace
}  // namespace agentd::net
