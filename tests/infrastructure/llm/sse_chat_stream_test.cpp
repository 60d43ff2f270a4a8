#include "infrastructure/llm/sse_chat_stream.h"

#include <gtest/gtest.h>

#include <vector>

#include "fakes/canned_response_server.h"
#include "fakes/counting_tcp_proxy.h"
#include "fakes/event_loop.h"
#include "fakes/local_http_server.h"
#include "infrastructure/net/http_client.h"

namespace agentd::llm {
namespace {

namespace asio = boost::asio;

http::Router upstream_routes() {
  http::Router router;
  router.add("POST", "/chat", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::event_stream([](http::BodyWriter& out) -> asio::awaitable<void> {
      co_await out.write("data: Hello\n\n");
      co_await out.write("data: world\n\ndata: [DONE]\n\n");
    });
  });
  return router;
}

// Content deltas until a "[DONE]" event, like the OpenAI translator.
Result<std::optional<ChatDelta>> translate(const net::SseEvent& event, bool& done) {
  if (event.data == "[DONE]") {
    done = true;
    return std::optional<ChatDelta>{};
  }
  ChatDelta delta;
  delta.content = event.data;
  return std::optional<ChatDelta>{std::move(delta)};
}

class SseChatStreamTest : public ::testing::Test {
 protected:
  // Reads one streamed answer to its end and returns its text.
  std::string answer(const std::string& url) {
    return loop_.run([&]() -> asio::awaitable<std::string> {
      auto http = co_await client_.stream({"POST", url, {}, "{}"});
      if (!http) co_return "no stream: " + http.error().message;
      SseChatStream stream(std::move(*http), translate);
      std::string text;
      for (;;) {
        auto delta = co_await stream.next();
        if (!delta) co_return "error: " + delta.error().message;
        if (!*delta) break;
        text += (*delta)->content;
      }
      co_return text;
    }());
  }

  EventLoop loop_;
  // next_is_ready() after each delta of a stream served as `response`, up to its end.
  std::vector<bool> readiness_after_each_delta(const std::string& response) {
    CannedResponseServer upstream(response);
    return loop_.run([&]() -> asio::awaitable<std::vector<bool>> {
      std::vector<bool> ready;
      auto http = co_await client_.stream({"POST", upstream.url("/chat"), {}, "{}"});
      if (!http) co_return ready;
      SseChatStream stream(std::move(*http), translate);
      for (;;) {
        auto delta = co_await stream.next();
        if (!delta || !*delta) co_return ready;
        ready.push_back(stream.next_is_ready());
      }
    }());
  }

  LocalHttpServer upstream_{upstream_routes()};
  net::HttpClient client_;
};

TEST_F(SseChatStreamTest, AnswersEndAtTheMarkerAndReuseTheirConnection) {
  CountingTcpProxy proxy(upstream_.port());
  const auto url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/chat";
  EXPECT_EQ(answer(url), "Helloworld");
  EXPECT_EQ(answer(url), "Helloworld");
  // Without reading the body's framing after [DONE], every answer would need a connection.
  EXPECT_EQ(proxy.connections(), 1);
}

TEST_F(SseChatStreamTest, DeltasThatArrivedTogetherAreReadyWithoutWaiting) {
  auto readiness = readiness_after_each_delta(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "9\r\ndata: a\n\n\r\n9\r\ndata: b\n\n\r\n0\r\n\r\n");
  // After "a", "b" is already parsed; after "b", the stream must wait for the upstream.
  EXPECT_EQ(readiness, (std::vector<bool>{true, false}));
}

TEST_F(SseChatStreamTest, TheEndThatArrivedWithTheLastDeltaIsReadyWithoutWaiting) {
  auto readiness = readiness_after_each_delta(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "9\r\ndata: a\n\n\r\n"
      "17\r\ndata: b\n\ndata: [DONE]\n\n\r\n0\r\n\r\n");
  // After "b" only the end is left, already read: the caller may finish in the same write.
  EXPECT_EQ(readiness, (std::vector<bool>{true, true}));
}

}  // namespace
}  // namespace agentd::llm
