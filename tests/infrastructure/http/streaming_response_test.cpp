// Streaming responses through the real server, read back with the real client.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "fakes/event_loop.h"
#include "fakes/local_http_server.h"
#include "infrastructure/net/http_client.h"

namespace agentd::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// Set when the flood's producer is destroyed: the server gave up on its client.
std::atomic<bool> g_flood_stopped{false};
struct SetOnExit {
  std::atomic<bool>& flag;
  ~SetOnExit() { flag = true; }
};

// Set when a write after the last piece was refused.
std::atomic<bool> g_write_after_last_refused{false};

Router routes() {
  Router router;
  router.add("GET", "/held", [](Request&) -> asio::awaitable<Response> {
    auto response = Response::event_stream([](BodyWriter& out) -> asio::awaitable<void> {
      co_await sleep_for(200ms);
      co_await out.write("data: a\n\n");
      co_await out.write_last("data: b\n\n");
      try {
        co_await out.write("data: c\n\n");
      } catch (const boost::system::system_error&) {
        g_write_after_last_refused = true;
      }
    });
    response.first_piece_is_ready = true;
    co_return response;
  });
  router.add("GET", "/flood", [](Request&) -> asio::awaitable<Response> {
    co_return Response::event_stream([](BodyWriter& out) -> asio::awaitable<void> {
      SetOnExit on_exit{g_flood_stopped};
      const std::string block = "data: " + std::string(64 * 1024, 'x') + "\n\n";
      for (int i = 0; i < 10'000; ++i) {
        std::string piece = block;
        co_await out.write(std::move(piece));
      }
    });
  });
  router.add("GET", "/quiet", [](Request&) -> asio::awaitable<Response> {
    auto response = Response::event_stream([](BodyWriter& out) -> asio::awaitable<void> {
      co_await out.write("data: a\n\n");
      co_await sleep_for(350ms);
      co_await out.write("data: b\n\n");
    });
    response.heartbeat = 100ms;
    co_return response;
  });
  router.add("GET", "/burst", [](Request&) -> asio::awaitable<Response> {
    co_return Response::event_stream([](BodyWriter& out) -> asio::awaitable<void> {
      for (int i = 0; i < 200; ++i) {
        // An empty piece must not end the chunked body early. A named piece, not a temporary
        // in the co_await (docs/coroutines.md).
        std::string piece = i == 7 ? std::string() : "data: " + std::to_string(i) + "\n\n";
        co_await out.write(std::move(piece));
      }
    });
  });
  return router;
}

class StreamingResponseTest : public ::testing::Test {
 protected:
  std::string body_of(const std::string& path) {
    auto response = loop_.run(client_.request({"GET", server_.url(path), {}, {}}));
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response ? response->body : std::string();
  }

  EventLoop loop_;
  LocalHttpServer server_{routes()};
  net::HttpClient client_;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(StreamingResponseTest, HeartbeatsFillTheSilenceBetweenPieces) {
  const auto body = body_of("/quiet");
  ASSERT_TRUE(body.starts_with("data: a\n\n")) << body;
  ASSERT_TRUE(body.ends_with("data: b\n\n")) << body;
  // 350 ms of silence with a 100 ms heartbeat: three comments, give or take scheduling.
  const auto heartbeats = count(body, ": heartbeat\n\n");
  EXPECT_GE(heartbeats, 2u);
  EXPECT_LE(heartbeats, 4u);
  EXPECT_EQ(body.size(), 18 + heartbeats * 13);
}

TEST_F(StreamingResponseTest, PiecesSentInABurstArriveWholeAndInOrder) {
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    if (i != 7) expected += "data: " + std::to_string(i) + "\n\n";
  }
  EXPECT_EQ(body_of("/burst"), expected);
}

TEST_F(StreamingResponseTest, TheLastPieceEndsTheBodyAndNothingFollowsIt) {
  g_write_after_last_refused = false;
  EXPECT_EQ(body_of("/held"), "data: a\n\ndata: b\n\n");
  // The producer tries its extra write after the client has the whole body: wait for it.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!g_write_after_last_refused && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(g_write_after_last_refused);
}

TEST_F(StreamingResponseTest, AHeadThatWaitsForTheFirstPieceLeavesWithIt) {
  asio::io_context io;
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), server_.port()});
  const auto start = std::chrono::steady_clock::now();
  asio::write(client, asio::buffer(std::string("GET /held HTTP/1.1\r\nHost: test\r\n\r\n")));
  std::string first(4096, '\0');
  first.resize(client.read_some(asio::buffer(first)));
  // One write carried both: nothing arrived while the producer waited for its first piece.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_TRUE(first.starts_with("HTTP/1.1 200")) << first;
  EXPECT_NE(first.find("data: a"), std::string::npos) << first;
}

TEST(StreamingResponseWriteTimeout, AClientThatStopsReadingIsDroppedAfterTheWriteTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;  // also bounds each write of a stream
  LocalHttpServer server(routes(), options);
  g_flood_stopped = false;
  asio::io_context io;
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  // Never reads: the socket buffers fill up and the server's writes stall.
  asio::write(client, asio::buffer(std::string("GET /flood HTTP/1.1\r\nHost: test\r\n\r\n")));
  const auto start = std::chrono::steady_clock::now();
  while (!g_flood_stopped && std::chrono::steady_clock::now() - start < 5s) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(g_flood_stopped);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace agentd::http
