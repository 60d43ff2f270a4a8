#include "infrastructure/http/streaming_response.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <tuple>
#include <utility>

#include "infrastructure/http/response_head.h"
#include "infrastructure/logging/log.h"

namespace agentd::http {
namespace {

namespace asio = boost::asio;
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

// What a cancelled asynchronous operation throws: an aborted operation, or a wait on a
// channel (a run's events) cut short.
bool is_cancellation(const std::exception& failure) {
  const auto* system = dynamic_cast<const boost::system::system_error*>(&failure);
  return system != nullptr && (system->code() == asio::error::operation_aborted ||
                               system->code() == asio::experimental::error::channel_cancelled);
}

// Writes `bytes` within `timeout`; past it the watchdog cancels the write (and the read that
// watches for a disconnect), which ends the stream. Between writes nothing is bounded: a
// producer may think as long as it needs.
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_within(
    boost::beast::tcp_stream& stream, net::SocketWatchdog& watchdog,
    const asio::any_io_executor& executor, std::chrono::milliseconds timeout,
    std::string_view bytes) {
  watchdog.arm(executor, stream.socket(), Clock::now() + timeout);
  auto outcome =
      co_await asio::async_write(stream, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
  watchdog.arm(executor, stream.socket(), net::Deadline::max());
  co_return outcome;
}

// Writes each piece to the socket the moment the producer hands it over: no queue, no hop
// between coroutines. Heartbeats share the socket, so a write waits for one in flight. The
// response head goes out with the first write, or alone through send_head().
class SocketWriter : public BodyWriter {
 public:
  SocketWriter(boost::beast::tcp_stream& stream, net::SocketWatchdog& watchdog,
               std::chrono::milliseconds write_timeout, const asio::any_io_executor& executor,
               std::string head)
      : stream_(stream),
        watchdog_(watchdog),
        write_timeout_(write_timeout),
        executor_(executor),
        heartbeat_done_(executor),
        head_(std::move(head)) {}

  asio::awaitable<void> write(std::string piece) override {
    return write_piece(std::move(piece), false);
  }

  asio::awaitable<void> write_last(std::string piece) override {
    return write_piece(std::move(piece), true);
  }

  asio::awaitable<bool> send_head() {
    const std::string_view nothing_more;
    co_return co_await send(nothing_more);
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

  // Ends the body, unless write_last already did.
  asio::awaitable<bool> finish() {
    if (failed_ || is_ended_) co_return !failed_;
    co_return co_await send(kLastChunk);
  }

  std::int64_t bytes() const { return bytes_; }
  bool failed() const { return failed_; }

 private:
  // The last piece carries the end of the body in the same write.
  asio::awaitable<void> write_piece(std::string piece, bool is_last) {
    if (is_ended_ || failed_) throw boost::system::system_error(asio::error::broken_pipe);
    std::string framed;
    if (!piece.empty()) framed = chunk(piece);  // an empty chunk would end the body
    if (is_last) framed.append(kLastChunk);
    if (framed.empty()) co_return;
    while (is_writing_) {
      heartbeat_done_.expires_at(Clock::time_point::max());
      co_await heartbeat_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!co_await send(framed)) throw boost::system::system_error(asio::error::broken_pipe);
    bytes_ += static_cast<std::int64_t>(piece.size());
    if (is_last) is_ended_ = true;
  }

  // Writes `bytes`, preceded by the head while it has not gone out yet.
  asio::awaitable<bool> send(std::string_view bytes) {
    std::string with_head;
    if (!head_.empty()) {
      with_head = std::exchange(head_, std::string());
      with_head.append(bytes);
      bytes = with_head;
    }
    if (bytes.empty()) co_return !failed_;
    is_writing_ = true;
    auto [ec, n] = co_await write_within(stream_, watchdog_, executor_, write_timeout_, bytes);
    is_writing_ = false;
    last_sent_ = Clock::now();
    if (ec) failed_ = true;
    co_return !ec;
  }

  boost::beast::tcp_stream& stream_;
  net::SocketWatchdog& watchdog_;
  const std::chrono::milliseconds write_timeout_;
  const asio::any_io_executor executor_;
  asio::steady_timer heartbeat_done_;  // cancelled when a heartbeat's write completes
  std::string head_;                   // the response head, until the first write takes it
  Clock::time_point last_sent_ = Clock::now();
  bool is_writing_ = false;
  bool failed_ = false;    // the client is gone or stopped reading: nothing more goes out
  bool is_ended_ = false;  // write_last sent the end of the body
  std::int64_t bytes_ = 0;
};

}  // namespace

asio::awaitable<StreamOutcome> send_streaming(boost::beast::tcp_stream& stream,
                                              net::SocketWatchdog& watchdog, Response response,
                                              unsigned version, KeepAlive keep_alive,
                                              boost::beast::flat_buffer& incoming,
                                              std::chrono::milliseconds write_timeout) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  const auto executor = co_await asio::this_coro::executor;
  SocketWriter writer(
      stream, watchdog, write_timeout, executor,
      response_head(response, version, keep_alive, "Transfer-Encoding: chunked\r\n"));
  // A producer with its first piece in hand sends the head along with it, in one write.
  if (!response.first_piece_is_ready) {
    if (!co_await writer.send_head()) co_return StreamOutcome{};
  }
  bool complete = false;
  // Set when the watch below sees the client go (or misbehave): the producer is then
  // cancelled, and what it throws on the way out, whatever its type, is not its failure.
  bool client_left = false;

  auto produce = [&]() -> asio::awaitable<void> {
    try {
      co_await response.stream(writer);
    } catch (const std::exception& e) {
      if (writer.failed() || client_left || is_cancellation(e)) {
        log::debug("stream_producer_failed", {{"error", e.what()}, {"cause", "client_left"}});
      } else {
        log::error("stream_producer_failed", {{"error", e.what()}});
      }
    }
    complete = co_await writer.finish();
  };

  // Completes when the client closes its side (or the connection breaks), or sends too much
  // ahead; what it sends is kept for the connection's next request.
  auto watch_disconnect = [&]() -> asio::awaitable<void> {
    while (incoming.size() < kMaxReadAhead) {
      auto [ec, n] = co_await stream.socket().async_read_some(incoming.prepare(1024), token);
      if (ec) break;
      incoming.commit(n);
    }
    client_left = true;
  };

  auto finished =
      co_await (produce() || watch_disconnect() || writer.send_heartbeats(response.heartbeat));
  co_return StreamOutcome{writer.bytes(), finished.index() == 0 && complete};
}

}  // namespace agentd::http
