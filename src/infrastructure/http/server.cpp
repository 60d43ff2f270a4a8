#include "infrastructure/http/server.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>
#include <random>

#include "infrastructure/http/error_response.h"
#include "infrastructure/http/response_head.h"
#include "infrastructure/http/streaming_response.h"
#include "infrastructure/logging/log.h"
#include "infrastructure/net/socket_watchdog.h"

namespace agentd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  // The idle, request and write timeouts: one timer for the connection's whole life.
  net::SocketWatchdog watchdog;
  // True while waiting for the first byte of the next request: such a connection can be
  // closed at shutdown without losing work. Only touched on the connection's executor.
  bool is_idle = true;
};

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
// The first read of a request. Small: the buffer keeps its size for the connection's life,
// and most requests fit; a longer head is read on in steps up to kHeaderLimit.
constexpr std::size_t kFirstRead = 1024;
// The most one read asks for.
constexpr std::size_t kLargestRead = 64 * 1024;
constexpr std::size_t kMaxRequestIdLength = 128;
// The most connections taken from the listen queue at once, before the loop yields.
constexpr int kAcceptBurst = 256;
// The longest request target served; longer ones get 414, as from common proxies.
constexpr std::size_t kMaxTargetLength = 8 * 1024;

std::string new_request_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  auto high = engine();
  auto low = engine();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(high >> (i * 4)) & 0xf];
    id[16 + i] = kHex[(low >> (i * 4)) & 0xf];
  }
  return id;
}

// A client-supplied request id is kept only when it is short and printable, so it cannot
// inject anything into logs or headers.
bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

// The client's X-Request-Id when acceptable, a fresh one otherwise.
std::string request_id_from(std::optional<std::string_view> supplied) {
  return supplied && is_acceptable_request_id(*supplied) ? std::string(*supplied)
                                                         : new_request_id();
}

Request to_request(bhttp::request<bhttp::string_body>&& message, std::string remote_address) {
  Request request;
  request.method = std::string(message.method_string());
  std::string_view target = message.target();
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote_address);
  auto id = request.header("x-request-id");
  request.request_id = request_id_from(id);
  return request;
}

enum class Until { header, message };

// How much the next read asks for: what is left of a body of known length (or what the
// buffer already holds room for), at least kFirstRead and at most kLargestRead. A 150 KB
// body read 1 KB at a time cost 150 system calls and as many coroutine resumptions.
std::size_t read_size(const bhttp::request_parser<bhttp::string_body>& parser,
                      const beast::flat_buffer& buffer) {
  std::size_t wanted = buffer.capacity() - buffer.size();
  if (parser.is_header_done()) {
    if (auto left = parser.content_length_remaining()) {
      wanted = std::max<std::size_t>(wanted, static_cast<std::size_t>(*left));
    }
  }
  return std::clamp(wanted, kFirstRead, kLargestRead);
}

// Feeds the parser from the buffer and reads from the socket only when it needs more bytes:
// a request that arrived whole, as most do, costs no further asynchronous operation.
asio::awaitable<beast::error_code> read_request(beast::tcp_stream& stream,
                                                beast::flat_buffer& buffer,
                                                bhttp::request_parser<bhttp::string_body>& parser,
                                                Until until) {
  for (;;) {
    if (until == Until::header ? parser.is_header_done() : parser.is_done()) {
      co_return beast::error_code{};
    }
    if (buffer.size() > 0) {
      beast::error_code ec;
      const auto used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec && ec != bhttp::error::need_more) co_return ec;
      if (!ec && used > 0) continue;
    }
    auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(read_size(parser, buffer)),
                                                        asio::as_tuple(asio::use_awaitable));
    if (read_ec == asio::error::eof) {
      // Requests end by their length, never by the connection closing.
      co_return parser.got_some() ? beast::error_code(bhttp::error::partial_message)
                                  : beast::error_code(bhttp::error::end_of_stream);
    }
    if (read_ec) co_return read_ec;
    buffer.commit(n);
  }
}

Error uri_too_long() {
  return {ErrorCode::uri_too_long,
          "request target exceeds " + std::to_string(kMaxTargetLength) + " bytes",
          {},
          "uri_too_long"};
}

// Which part of a head over the limit is to blame. The parser consumes the request line as
// soon as it is whole, so a target is known unless the line itself never ended.
Error oversized_head(std::string_view parsed_target) {
  if (parsed_target.empty() || parsed_target.size() > kMaxTargetLength) return uri_too_long();
  return {ErrorCode::request_header_fields_too_large,
          "request headers exceed " + std::to_string(kHeaderLimit) + " bytes",
          {},
          "request_header_fields_too_large"};
}

bool has_no_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The whole response in one buffer, for one write: cheaper than a serializer's buffer
// sequence for the small answers that make up most traffic.
std::string serialize(const Response& response, unsigned version, KeepAlive keep_alive) {
  if (has_no_body(response.status)) return response_head(response, version, keep_alive, "");
  const auto length = "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  return response_head(response, version, keep_alive, length).append(response.body);
}

// The phases of serving a connection, in the order Server::serve goes through them.

using Parser = bhttp::request_parser<bhttp::string_body>;

std::string remote_address_of(beast::tcp_stream& stream) {
  beast::error_code ec;
  auto remote = stream.socket().remote_endpoint(ec);
  return ec ? std::string{} : remote.address().to_string();
}

void expire_after(Server::Connection& connection, const asio::any_io_executor& executor,
                  std::chrono::milliseconds timeout) {
  connection.watchdog.arm(executor, connection.stream.socket(),
                          std::chrono::steady_clock::now() + timeout);
}

// Idle phase: a kept-alive connection may wait `idle_timeout` for its next request. False
// when the connection closed or timed out instead.
asio::awaitable<bool> wait_for_request(Server::Connection& connection, beast::flat_buffer& buffer,
                                       std::chrono::milliseconds idle_timeout) {
  connection.is_idle = true;
  if (buffer.size() == 0) {
    const auto executor = co_await asio::this_coro::executor;
    expire_after(connection, executor, idle_timeout);
    auto [read_ec, n] = co_await connection.stream.async_read_some(
        buffer.prepare(kFirstRead), asio::as_tuple(asio::use_awaitable));
    if (read_ec) co_return false;
    buffer.commit(n);
  }
  connection.is_idle = false;
  co_return true;
}

// How reading a request ended: read whole, to be refused with `rejection`, or with the
// connection gone (closed, reset, timed out).
struct RequestRead {
  bool is_connection_gone = false;
  Error rejection;  // no message: the request was read whole
};

// Request phase: head and body must arrive within the header timeout (no slowloris).
asio::awaitable<RequestRead> read_whole_request(Server::Connection& connection,
                                                beast::flat_buffer& buffer, Parser& parser,
                                                const ServerOptions& options) {
  const auto executor = co_await asio::this_coro::executor;
  expire_after(connection, executor, options.header_timeout);
  parser.header_limit(kHeaderLimit);
  parser.body_limit(options.max_body_bytes);
  auto header_ec = co_await read_request(connection.stream, buffer, parser, Until::header);
  bool rejected = false;
  const bool is_target_too_long = !header_ec && parser.get().target().size() > kMaxTargetLength;
  if (!header_ec && !is_target_too_long) {
    auto length = parser.content_length();
    if (length && *length > options.max_body_bytes) {
      rejected = true;
    } else {
      header_ec = co_await read_request(connection.stream, buffer, parser, Until::message);
    }
  }
  RequestRead read;
  if (is_target_too_long) {
    read.rejection = uri_too_long();
  } else if (rejected || header_ec == bhttp::error::body_limit) {
    read.rejection = {ErrorCode::payload_too_large,
                      "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes",
                      {},
                      "request_too_large"};
  } else if (header_ec == bhttp::error::header_limit) {
    read.rejection = oversized_head(parser.get().target());
  } else if (header_ec == beast::error::timeout || header_ec == asio::error::eof ||
             header_ec == asio::error::connection_reset ||
             header_ec == asio::error::operation_aborted ||
             header_ec == bhttp::error::end_of_stream) {
    read.is_connection_gone = true;
  } else if (header_ec) {
    read.rejection =
        Error::invalid("malformed HTTP request: " + header_ec.message(), {}, "bad_request");
  }
  co_return read;
}

// What the log and the X-Request-Id need of a refused request: as much as was parsed.
Request rejected_request(Parser& parser, const Error& rejection) {
  Request request;
  auto& partial = parser.get();
  auto id = partial.find("x-request-id");
  request.request_id = request_id_from(
      id == partial.end() ? std::nullopt : std::optional<std::string_view>(id->value()));
  request.method = std::string(partial.method_string());
  if (rejection.kind != ErrorCode::uri_too_long) {
    request.path = std::string(partial.target().substr(0, partial.target().find('?')));
  }
  return request;
}

struct Written {
  std::int64_t bytes = 0;
  bool is_complete = true;
};

// Write phase: a whole response in one write within `write_timeout`, or a streamed one that
// bounds each of its writes.
asio::awaitable<Written> write_response(Server::Connection& connection, Response response,
                                        unsigned version, KeepAlive keep_alive,
                                        beast::flat_buffer& buffer,
                                        std::chrono::milliseconds write_timeout,
                                        ServerObserver* observer) {
  Written written;
  if (response.stream) {
    if (observer) observer->stream_opened();
    auto sent = co_await send_streaming(connection.stream, connection.watchdog, std::move(response),
                                        version, keep_alive, buffer, write_timeout);
    if (observer) observer->stream_closed();
    written.bytes = sent.bytes;
    written.is_complete = sent.complete;
    co_return written;
  }
  written.bytes = static_cast<std::int64_t>(response.body.size());
  const auto message = serialize(response, version, keep_alive);
  const auto executor = co_await asio::this_coro::executor;
  expire_after(connection, executor, write_timeout);
  auto [write_ec, n] = co_await asio::async_write(connection.stream, asio::buffer(message),
                                                  asio::as_tuple(asio::use_awaitable));
  written.is_complete = !write_ec;
  co_return written;
}

void log_request(const Request& request, int status, std::chrono::steady_clock::time_point started,
                 std::int64_t bytes, const std::string& remote_address) {
  const auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  log::info("request", {{"method", request.method},
                        {"path", request.path},
                        {"status", std::int64_t{status}},
                        {"ms", elapsed.count()},
                        {"bytes", bytes},
                        {"request_id", request.request_id},
                        {"remote", remote_address}});
}

enum class Closing { at_once, after_draining };

// After a refused request the client may still be sending the rejected body; closing at once
// would reset the connection and could destroy the error response before the client reads it.
asio::awaitable<void> close_connection(Server::Connection& connection, beast::flat_buffer& buffer,
                                       Closing closing, std::size_t max_body_bytes) {
  auto& stream = connection.stream;
  connection.watchdog.disarm();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (closing == Closing::after_draining) {
    stream.expires_after(std::chrono::milliseconds(500));
    for (std::size_t drained = 0; drained < 4 * max_body_bytes;) {
      auto [drain_ec, n] = co_await stream.async_read_some(buffer.prepare(64 * 1024),
                                                           asio::as_tuple(asio::use_awaitable));
      if (drain_ec) break;
      drained += n;
    }
  }
  stream.socket().close(ec);
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, const Router& router)
    : io_(io), options_(std::move(options)), router_(router), acceptor_(io) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  tcp::endpoint endpoint{asio::ip::make_address(options_.host), options_.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  // accept_loop takes the connections that wait beside the one it awaited without blocking.
  acceptor_.non_blocking(true);
  return acceptor_.local_endpoint().port();
}

void Server::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(),
                 log::failure_handler("accept_loop_failed"));
}

asio::awaitable<void> Server::accept_loop() {
  // A strand per connection only when several threads could run its handlers at once.
  auto next_executor = [this] {
    return options_.threads > 1 ? asio::any_io_executor(asio::make_strand(io_))
                                : asio::any_io_executor(io_.get_executor());
  };
  while (!stopping_) {
    auto [ec, socket] =
        co_await acceptor_.async_accept(next_executor(), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      log::warn("accept_failed", {{"error", ec.message()}});
      continue;
    }
    adopt(std::move(socket));
    // Connections that arrived together are taken together. One accept per turn of the event
    // loop left a burst waiting behind every busy connection's work: with 1,000 connections
    // opened at once, the last were served seconds late.
    for (int more = 0; more < kAcceptBurst; ++more) {
      beast::error_code next_ec;
      auto next = acceptor_.accept(next_executor(), next_ec);
      if (next_ec) break;  // would_block: none waiting
      adopt(std::move(next));
    }
  }
}

void Server::adopt(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto connection = std::make_shared<Connection>(std::move(socket));
  if (options_.observer) options_.observer->connection_opened();
  {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(connection);
  }
  auto executor = connection->stream.get_executor();
  asio::co_spawn(executor, serve(connection), [this, connection](std::exception_ptr failure) {
    if (failure) log::error("connection_failed", {{"error", log::describe(failure)}});
    if (options_.observer) options_.observer->connection_closed();
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
  });
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  const std::string remote_address = remote_address_of(connection->stream);
  const auto executor = co_await asio::this_coro::executor;
  auto closing = Closing::at_once;
  while (!stopping_) {
    if (!co_await wait_for_request(*connection, buffer, options_.idle_timeout)) break;
    Parser parser;
    auto read = co_await read_whole_request(*connection, buffer, parser, options_);
    if (read.is_connection_gone) break;
    // A large body grew the buffer; an idle connection (there may be thousands) keeps a small one.
    if (buffer.size() == 0 && buffer.capacity() > 4 * kFirstRead) buffer.shrink_to_fit();

    const auto started = std::chrono::steady_clock::now();
    Response response;
    Request request;
    bool keep_alive = false;
    unsigned version = 11;
    if (!read.rejection.message.empty()) {
      closing = Closing::after_draining;
      response = error_response(read.rejection);
      request = rejected_request(parser, read.rejection);
    } else {
      auto message = parser.release();
      keep_alive = message.keep_alive();
      version = message.version();
      request = to_request(std::move(message), remote_address);
      // A handler takes the time it needs; a streamed answer bounds its own writes.
      connection->watchdog.arm(executor, connection->stream.socket(), net::Deadline::max());
      response = co_await dispatch(request);
    }
    response.set_header("X-Request-Id", request.request_id);
    const int status = response.status;
    const bool streamed = static_cast<bool>(response.stream);
    keep_alive = keep_alive && !stopping_;
    const auto persistence = keep_alive ? KeepAlive::yes : KeepAlive::no;
    auto written = co_await write_response(*connection, std::move(response), version, persistence,
                                           buffer, options_.header_timeout, options_.observer);
    if (options_.observer) {
      options_.observer->request_finished({request.method, request.route, status,
                                           std::chrono::steady_clock::now() - started,
                                           request.upstream_wait, streamed});
    }
    log_request(request, status, started, written.bytes, remote_address);
    if (!written.is_complete || !keep_alive) break;
  }
  co_await close_connection(*connection, buffer, closing, options_.max_body_bytes);
}

asio::awaitable<Response> Server::dispatch(Request& request) {
  auto match = router_.match(request);
  switch (match.kind) {
    case Router::Match::Kind::not_found:
      co_return error_response(Error::not_found(
          "no route for " + request.method + " " + request.path, "route_not_found"));
    case Router::Match::Kind::method_not_allowed: {
      auto response = error_response(
          {ErrorCode::method_not_allowed,
           request.method + " is not allowed on " + request.path + "; allowed: " + match.allow,
           {},
           "method_not_allowed"});
      response.set_header("Allow", match.allow);
      co_return response;
    }
    case Router::Match::Kind::found:
      break;
  }
  try {
    co_return co_await (*match.handler)(request);
  } catch (const std::exception& e) {
    // A bug, not an expected failure: log it, answer 500 without internals.
    log::error("handler_failed",
               {{"path", request.path}, {"request_id", request.request_id}, {"error", e.what()}});
  }
  co_return error_response(Error::internal("internal server error"));
}

asio::awaitable<void> Server::shutdown(std::chrono::milliseconds deadline) {
  stopping_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto& connection : connections_) {
      // Runs on the connection's executor (a strand with several threads), so is_idle cannot
      // change underneath it.
      asio::post(connection->stream.get_executor(), [connection] {
        if (connection->is_idle) connection->stream.cancel();
      });
    }
  }
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < give_up) {
    {
      std::lock_guard lock(connections_mutex_);
      if (connections_.empty()) co_return;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  log::warn("shutdown_deadline_passed",
            {{"open_connections", static_cast<std::int64_t>(connections_.size())}});
}

}  // namespace agentd::http
