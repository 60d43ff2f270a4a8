#include "infrastructure/http/streaming_response.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

#include "infrastructure/logging/log.h"

namespace agentd::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

// What a client may send ahead while its stream runs (a pipelined request) before the
// connection is treated as abusive and dropped.
constexpr std::size_t kMaxReadAhead = 64 * 1024;

constexpr std::string_view kLastChunk = "0\r\n\r\n";

// One piece in chunked framing: its size in hex, the bytes, CRLF.
std::string chunk(std::string_view piece) {
  char size[20];
  auto [end, ec] = std::to_chars(size, size + sizeof size, piece.size(), 16);
  (void)ec;
  std::string out;
  out.reserve(piece.size() + 24);
  out.append(size, end).append("\r\n").append(piece).append("\r\n");
  return out;
}

// Writes each piece to the socket the moment the producer hands it over: no queue, no hop
// between coroutines. Heartbeats share the socket, so a write waits for one in flight.
class SocketWriter : public BodyWriter {
 public:
  SocketWriter(boost::beast::tcp_stream& stream, std::chrono::milliseconds write_timeout,
               const asio::any_io_executor& executor)
      : stream_(stream), write_timeout_(write_timeout), heartbeat_done_(executor) {}

  asio::awaitable<void> write(std::string piece) override {
    if (piece.empty()) co_return;  // an empty chunk would end the body
    if (failed_) throw boost::system::system_error(asio::error::broken_pipe);
    while (is_writing_) {
      heartbeat_done_.expires_at(Clock::time_point::max());
      co_await heartbeat_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    const auto framed = chunk(piece);
    if (!co_await send(framed)) throw boost::system::system_error(asio::error::broken_pipe);
    bytes_ += static_cast<std::int64_t>(piece.size());
  }

  // A comment after `interval` of silence keeps proxies from closing a quiet stream.
  asio::awaitable<void> send_heartbeats(std::chrono::milliseconds interval) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto framed = chunk(": heartbeat\n\n");
    auto due = last_sent_ + interval;
    for (;;) {
      timer.expires_at(due);
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;  // the stream is over
      if (is_writing_) {
        // A piece is on its way (to a slow reader, perhaps): better than a heartbeat.
        due = Clock::now() + interval;
        continue;
      }
      if (Clock::now() - last_sent_ >= interval) {
        const bool sent = co_await send(framed);
        heartbeat_done_.cancel();
        if (!sent) co_return;
      }
      due = last_sent_ + interval;
    }
  }

  asio::awaitable<bool> finish() { co_return !failed_ && co_await send(kLastChunk); }

  std::int64_t bytes() const { return bytes_; }
  bool failed() const { return failed_; }

 private:
  asio::awaitable<bool> send(std::string_view bytes) {
    is_writing_ = true;
    stream_.expires_after(write_timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes),
                                              asio::as_tuple(asio::use_awaitable));
    stream_.expires_never();
    is_writing_ = false;
    last_sent_ = Clock::now();
    if (ec) failed_ = true;
    co_return !ec;
  }

  boost::beast::tcp_stream& stream_;
  const std::chrono::milliseconds write_timeout_;
  asio::steady_timer heartbeat_done_;  // cancelled when a heartbeat's write completes
  Clock::time_point last_sent_ = Clock::now();
  bool is_writing_ = false;
  bool failed_ = false;  // the client is gone or stopped reading: nothing more goes out
  std::int64_t bytes_ = 0;
};

}  // namespace

asio::awaitable<StreamOutcome> send_streaming(boost::beast::tcp_stream& stream, Response response,
                                              unsigned version, bool keep_alive,
                                              boost::beast::flat_buffer& incoming,
                                              std::chrono::milliseconds write_timeout) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  bhttp::response<bhttp::empty_body> header{static_cast<bhttp::status>(response.status), version};
  for (auto& [name, value] : response.headers) header.set(name, value);
  header.chunked(true);
  header.keep_alive(keep_alive);
  bhttp::response_serializer<bhttp::empty_body> serializer{header};
  stream.expires_after(write_timeout);
  auto [header_ec, header_bytes] = co_await bhttp::async_write_header(stream, serializer, token);
  if (header_ec) co_return StreamOutcome{};
  stream.expires_never();

  SocketWriter writer(stream, write_timeout, co_await asio::this_coro::executor);
  bool complete = false;

  auto produce = [&]() -> asio::awaitable<void> {
    try {
      co_await response.stream(writer);
    } catch (const boost::system::system_error& e) {
      // A client that left is not the producer's failure.
      if (!writer.failed() && e.code() != asio::error::operation_aborted) {
        log::error("stream_producer_failed", {{"error", e.what()}});
      }
    } catch (const std::exception& e) {
      log::error("stream_producer_failed", {{"error", e.what()}});
    }
    complete = co_await writer.finish();
  };

  // Completes when the client closes its side (or the connection breaks), or sends too much
  // ahead; what it sends is kept for the connection's next request.
  auto watch_disconnect = [&]() -> asio::awaitable<void> {
    while (incoming.size() < kMaxReadAhead) {
      auto [ec, n] = co_await stream.socket().async_read_some(incoming.prepare(1024), token);
      if (ec) co_return;
      incoming.commit(n);
    }
  };

  auto finished =
      co_await (produce() || watch_disconnect() || writer.send_heartbeats(response.heartbeat));
  co_return StreamOutcome{writer.bytes(), finished.index() == 0 && complete};
}

}  // namespace agentd::http
