#include "infrastructure/net/http_exchange.h"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>

#include "infrastructure/net/upstream_error.h"
#include "infrastructure/text/ascii.h"

namespace agentd::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

// Beast's 8 KiB default refuses real responses with many cookies or long CSP headers.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kReadSize = 4096;

bool is_closed_by_peer(const error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

std::string host_and_port(const HttpUrl& url) { return url.host + ":" + std::to_string(url.port); }

}  // namespace

HttpExchange::HttpExchange(std::unique_ptr<HttpConnection> connection, Origin origin,
                           ConnectionPool& pool, const HttpUrl& url,
                           std::chrono::milliseconds idle_timeout)
    : connection_(std::move(connection)),
      is_reused_(origin == Origin::reused),
      pool_(pool),
      url_(url),
      where_(host_and_port(url)),
      idle_timeout_(idle_timeout) {
  parser_.header_limit(kHeaderLimit);
  // Beast reads at most the buffer's free capacity, 512 bytes when empty: a typical head with
  // its short body, or several SSE events that arrived together, then take one read, not three.
  buffer_.reserve(kReadSize);
  // Streams (Server-Sent Events) have no natural size; buffered callers set their own cap.
  parser_.body_limit(boost::none);
  head_.is_reused_connection = is_reused_;
}

asio::awaitable<Status> HttpExchange::send(const HttpRequest& request, std::string_view user_agent,
                                           std::chrono::milliseconds first_byte_timeout) {
  // The body is written from the caller's string, not copied: a 150 KB prompt would
  // otherwise be held twice while it is sent.
  http::request<http::span_body<const char>> message;
  message.version(11);
  message.method_string(request.method);
  message.target(url_.target);
  message.set(http::field::host, url_.host_header());
  message.set(http::field::user_agent, user_agent);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = {request.body.data(), request.body.size()};
  message.prepare_payload();
  is_keep_alive_requested_ = message.keep_alive();
  // A HEAD response announces a body length but carries no body.
  if (request.method == "HEAD") parser_.skip(true);

  const auto executor = co_await asio::this_coro::executor;
  watchdog_.arm(executor, connection_->socket(),
                std::chrono::steady_clock::now() + first_byte_timeout);
  auto [write_ec, written] = co_await connection_->with_stream(
      [&](auto& stream) { return http::async_write(stream, message, kAsTuple); });
  write_ec = timed_out_if_fired(write_ec);
  if (write_ec) {
    is_stale_connection_ = is_reused_ && is_closed_by_peer(write_ec);
    co_return failure(write_ec, "sending the request", first_byte_timeout);
  }
  auto [read_ec, read] = co_await connection_->with_stream(
      [&](auto& stream) { return http::async_read_header(stream, buffer_, parser_, kAsTuple); });
  read_ec = timed_out_if_fired(read_ec);
  if (read_ec) {
    is_stale_connection_ = is_reused_ && !parser_.got_some() && is_closed_by_peer(read_ec);
    co_return failure(read_ec, "waiting for the response", first_byte_timeout);
  }
  const auto& response = parser_.get();
  head_.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    head_.headers.emplace_back(ascii_lower(field.name_string()), std::string(field.value()));
  }
  if (parser_.is_done()) finish();
  co_return ok_status();
}

asio::awaitable<Result<std::string>> HttpExchange::read_some() {
  try {
    co_return co_await read_piece(std::nullopt);
  } catch (const boost::system::system_error& e) {
    // A coroutine cancelled between two reads throws at its next co_await.
    if (e.code() != asio::error::operation_aborted) throw;
    drop_connection();
    failed_ = request_cancelled();
    co_return *failed_;
  }
}

asio::awaitable<bool> HttpExchange::discard_rest(std::size_t limit,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t discarded = 0;
  try {
    while (discarded <= limit) {
      auto piece = co_await read_piece(deadline);
      if (!piece) co_return false;
      if (piece->empty()) co_return true;
      discarded += piece->size();
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
  }
  // Too much is left, or it is too slow to come: a new connection is cheaper. A later read
  // must not touch the dropped connection.
  drop_connection();
  if (!failed_) failed_ = upstream_failed(where_ + ": the rest of the response was dropped");
  co_return false;
}

asio::awaitable<Result<std::string>> HttpExchange::read_piece(std::optional<Deadline> until) {
  if (failed_) co_return *failed_;
  while (!parser_.is_done()) {
    auto& body = parser_.get().body();
    body.data = piece_buffer_.data();
    body.size = piece_buffer_.size();
    const auto deadline = until.value_or(std::chrono::steady_clock::now() + idle_timeout_);
    const auto executor = co_await asio::this_coro::executor;
    watchdog_.arm(executor, connection_->socket(), deadline);
    auto [ec, n] = co_await connection_->with_stream(
        [&](auto& stream) { return http::async_read_some(stream, buffer_, parser_, kAsTuple); });
    // need_buffer only says the piece is full: a normal end of one read.
    if (ec == http::error::need_buffer) ec = {};
    ec = timed_out_if_fired(ec);
    if (ec) {
      failed_ = failure(ec, "reading the response body", idle_timeout_);
      drop_connection();
      co_return *failed_;
    }
    parse_buffered();
    const std::size_t filled = piece_buffer_.size() - parser_.get().body().size;
    parser_.get().body().data = nullptr;
    if (parser_.is_done()) finish();
    // A read may consume only framing (a chunk header); keep reading until body bytes come.
    if (filled > 0) co_return std::string(piece_buffer_.data(), filled);
    if (failed_) co_return *failed_;
  }
  co_return std::string{};
}

void HttpExchange::parse_buffered() {
  // Beast's read stops after one chunk of a chunked body; what else already arrived (more
  // SSE events) joins this piece, so its reader sees them together. Stops, without waiting,
  // at an element only partly received or when the piece is full.
  while (!parser_.is_done() && buffer_.size() > 0 && parser_.get().body().size > 0) {
    error_code ec;
    const auto used = parser_.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more || ec == http::error::need_buffer) return;
    if (ec) {
      // The bytes before the error are still delivered; the next read reports it.
      failed_ = failure(ec, "reading the response body", idle_timeout_);
      drop_connection();
      return;
    }
    if (used == 0) return;
  }
}

Error HttpExchange::failure(const error_code& ec, std::string_view while_doing,
                            std::chrono::milliseconds timeout) {
  if (ec == asio::error::timed_out) {
    return upstream_timeout(where_ + " did not answer for " + std::to_string(timeout.count()) +
                            " ms while " + std::string(while_doing));
  }
  if (ec == asio::error::operation_aborted) return request_cancelled();
  if (is_closed_by_peer(ec)) {
    return upstream_failed(where_ + " closed the connection while " + std::string(while_doing));
  }
  return upstream_failed("exchange with " + where_ + " failed while " + std::string(while_doing) +
                         ": " + ec.message());
}

error_code HttpExchange::timed_out_if_fired(const error_code& ec) const {
  return ec == asio::error::operation_aborted && watchdog_.fired()
             ? error_code(asio::error::timed_out)
             : ec;
}

void HttpExchange::drop_connection() {
  watchdog_.disarm();
  connection_.reset();
}

void HttpExchange::finish() {
  watchdog_.disarm();
  auto connection = std::move(connection_);
  // Leftover bytes after a complete response mean the server does not speak HTTP/1.1 as
  // agreed; such a connection cannot be trusted with another request.
  if (connection && is_keep_alive_requested_ && parser_.keep_alive() && buffer_.size() == 0) {
    pool_.give_back(url_.origin(), std::move(connection));
  }
}

}  // namespace agentd::net
