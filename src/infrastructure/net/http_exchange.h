// One request and its response on one connection: the request written, the head read, then
// the body piece by piece; an exchange that ends cleanly gives its connection back to the pool.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/common/result.h"
#include "infrastructure/net/connection_pool.h"
#include "infrastructure/net/deadline.h"
#include "infrastructure/net/http_connection.h"
#include "infrastructure/net/http_types.h"
#include "infrastructure/net/socket_watchdog.h"
#include "infrastructure/net/url.h"

namespace agentd::net {

class HttpExchange {
 public:
  // A reused connection may have been closed by the peer while idle: its first failure is
  // reported as stale, so the request can be retried on a fresh one.
  enum class Origin { fresh, reused };

  HttpExchange(std::unique_ptr<HttpConnection> connection, Origin origin, ConnectionPool& pool,
               const HttpUrl& url, std::chrono::milliseconds idle_timeout);
  HttpExchange(const HttpExchange&) = delete;
  HttpExchange& operator=(const HttpExchange&) = delete;

  // Writes the request and reads the response head, both within `first_byte_timeout`.
  boost::asio::awaitable<Status> send(const HttpRequest& request, std::string_view user_agent,
                                      std::chrono::milliseconds first_byte_timeout);

  // After a failed send: the server had closed this reused connection before answering, so
  // the request never reached it and may be sent again on a new connection.
  bool is_stale_connection() const { return is_stale_connection_; }

  const HttpResponseHead& head() const { return head_; }

  // The next piece of the body as soon as any bytes of it arrive, waiting at most the idle
  // timeout; "" once the body is complete.
  boost::asio::awaitable<Result<std::string>> read_some();

  // Reads and drops what is left of the body, at most `limit` bytes within `timeout`, so that
  // a caller done with the content (an SSE stream past its end marker) still gets the
  // connection reused. True when the body ended within both bounds.
  boost::asio::awaitable<bool> discard_rest(std::size_t limit, std::chrono::milliseconds timeout);

 private:
  // Each read waits until `until`, or the idle timeout from its start when there is none.
  boost::asio::awaitable<Result<std::string>> read_piece(std::optional<Deadline> until);
  // Parses body bytes already in the buffer into the current piece, without reading more.
  void parse_buffered();
  Error failure(const boost::system::error_code& ec, std::string_view while_doing,
                std::chrono::milliseconds timeout);
  void finish();
  void drop_connection();
  // An operation the watchdog cancelled timed out; any other cancellation came from outside.
  boost::system::error_code timed_out_if_fired(const boost::system::error_code& ec) const;

  std::unique_ptr<HttpConnection> connection_;
  const bool is_reused_;
  ConnectionPool& pool_;
  const HttpUrl url_;
  const std::string where_;  // host:port, for messages
  const std::chrono::milliseconds idle_timeout_;
  boost::beast::flat_buffer buffer_;
  // Body bytes land here, then are copied into a piece of their exact size. 16 KiB holds an
  // SSE event or two; larger bodies simply take more reads.
  std::array<char, std::size_t{16} * 1024> piece_buffer_;
  boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
  HttpResponseHead head_;
  bool is_keep_alive_requested_ = true;
  bool is_stale_connection_ = false;
  std::optional<Error> failed_;  // once the connection broke, every later read says so
  SocketWatchdog watchdog_;      // the exchange's timeouts; declared last, so destroyed first
};

}  // namespace agentd::net
