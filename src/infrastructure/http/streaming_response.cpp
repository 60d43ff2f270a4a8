#include "infrastructure/http/streaming_response.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

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

// One piece in chunked framing: its size in hex, the bytes, CRLF.
void append_chunk(std::string& out, std::string_view piece, StreamOutcome& outcome) {
  if (piece.empty()) return;  // an empty chunk would end the body
  char size[20];
  auto [end, ec] = std::to_chars(size, size + sizeof size, piece.size(), 16);
  (void)ec;
  out.append(size, end).append("\r\n").append(piece).append("\r\n");
  outcome.bytes += static_cast<std::int64_t>(piece.size());
}

constexpr std::string_view kLastChunk = "0\r\n\r\n";

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

  auto last_sent = std::chrono::steady_clock::now();
  auto send = [&](std::string_view bytes) -> asio::awaitable<bool> {
    stream.expires_after(write_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), token);
    stream.expires_never();
    last_sent = std::chrono::steady_clock::now();
    co_return !ec;
  };

  // Every piece already queued leaves in one write: events that arrive together (several in
  // one upstream read) cost one system call, and nothing ever waits for more to come.
  auto deliver = [&]() -> asio::awaitable<void> {
    std::string batch;
    for (;;) {
      auto [ec, piece] = co_await pieces.async_receive(token);
      bool ended = static_cast<bool>(ec);  // the producer's end marker
      batch.clear();
      if (!ended) append_chunk(batch, piece, outcome);
      while (!ended && pieces.try_receive([&](boost::system::error_code more_ec, std::string more) {
        if (more_ec) {
          ended = true;
        } else {
          append_chunk(batch, more, outcome);
        }
      })) {
      }
      if (ended) batch += kLastChunk;
      const bool sent = co_await send(batch);
      if (!sent || ended) {
        outcome.complete = sent && ended;
        co_return;
      }
    }
  };

  // A comment after `heartbeat` of silence keeps proxies from closing a quiet stream. When
  // the queue is full there is data to send anyway, so a heartbeat that does not fit is
  // dropped.
  auto heartbeat = [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(executor);
    for (;;) {
      timer.expires_at(last_sent + response.heartbeat);
      auto [ec] = co_await timer.async_wait(token);
      if (ec) co_return;  // the stream is over
      if (std::chrono::steady_clock::now() - last_sent >= response.heartbeat) {
        pieces.try_send(boost::system::error_code{}, std::string(": heartbeat\n\n"));
        // Counts as sent: the next heartbeat is due one interval after this one.
        last_sent = std::chrono::steady_clock::now();
      }
    }
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

  auto finished = co_await ((produce() && deliver()) || watch_disconnect() || heartbeat());
  if (finished.index() != 0) outcome.complete = false;
  co_return outcome;
}

}  // namespace agentd::http
