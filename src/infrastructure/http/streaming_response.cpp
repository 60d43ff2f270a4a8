#include "infrastructure/http/streaming_response.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "infrastructure/logging/log.h"

namespace agentd::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace boost::asio::experimental::awaitable_operators;
using Pieces = asio::experimental::channel<void(boost::system::error_code, std::string)>;

constexpr std::size_t kQueuedPieces = 64;
// What a client may send ahead while its stream runs (a pipelined request) before the
// connection is treated as abusive and dropped.
constexpr std::size_t kMaxReadAhead = 64 * 1024;

class ChannelWriter : public BodyWriter {
 public:
  explicit ChannelWriter(Pieces& pieces) : pieces_(pieces) {}
  asio::awaitable<void> write(std::string piece) override {
    co_await pieces_.async_send(boost::system::error_code{}, std::move(piece), asio::use_awaitable);
  }

 private:
  Pieces& pieces_;
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

  auto executor = co_await asio::this_coro::executor;
  Pieces pieces(executor, kQueuedPieces);
  ChannelWriter writer(pieces);
  StreamOutcome outcome;

  auto produce = [&]() -> asio::awaitable<void> {
    try {
      co_await response.stream(writer);
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::operation_aborted && e.code() != asio::experimental::error::channel_cancelled) {
        log::error("stream_producer_failed", {{"error", e.what()}});
      }
    } catch (const std::exception& e) {
      log::error("stream_producer_failed", {{"error", e.what()}});
    }
    // An end marker rather than close(): closing would drop the pieces still queued.
    auto [ec] = co_await pieces.async_send(asio::error::eof, std::string{}, token);
    (void)ec;
  };

  auto write_chunk = [&](std::string_view piece) -> asio::awaitable<bool> {
    stream.expires_after(write_timeout);
    auto [ec, n] = co_await asio::async_write(
        stream, bhttp::make_chunk(asio::buffer(piece.data(), piece.size())), token);
    stream.expires_never();
    outcome.bytes += static_cast<std::int64_t>(piece.size());
    co_return !ec;
  };

  auto deliver = [&]() -> asio::awaitable<void> {
    asio::steady_timer heartbeat(executor);
    for (;;) {
      heartbeat.expires_after(response.heartbeat);
      auto next = co_await (pieces.async_receive(token) || heartbeat.async_wait(token));
      if (next.index() == 1) {
        if (!co_await write_chunk(": heartbeat\n\n")) co_return;
        continue;
      }
      auto [ec, piece] = std::get<0>(std::move(next));
      if (ec) break;  // the producer's end marker
      if (!co_await write_chunk(piece)) co_return;
    }
    stream.expires_after(write_timeout);
    auto [last_ec, last_bytes] = co_await asio::async_write(stream, bhttp::make_chunk_last(), token);
    stream.expires_never();
    outcome.complete = !last_ec;
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

  auto finished = co_await ((produce() && deliver()) || watch_disconnect());
  if (finished.index() == 1) outcome.complete = false;
  co_return outcome;
}

}  // namespace agentd::http
