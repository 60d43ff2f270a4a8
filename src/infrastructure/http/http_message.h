// Transport-neutral request and response: handlers see these, never Beast types.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentd::http {

struct Request {
  std::string method;
  std::string path;   // percent-encoded path without the query
  std::string query;  // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;
  std::string request_id;
  std::string remote_address;
  std::string_view route;  // the matched route's pattern, set by the router
  // Time spent waiting on an upstream, added up by the handler that calls one; the server
  // subtracts it to measure its own overhead. A streamed response's producer may add to it
  // until the body is written: the request outlives the response.
  std::optional<std::chrono::nanoseconds> upstream_wait;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  std::string_view path_param(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
};

// Where a streaming response writes its body, piece by piece, as the pieces are ready.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  // Queues one piece for the client; waits while the client is slow to read (back-pressure).
  virtual boost::asio::awaitable<void> write(std::string piece) = 0;
  // Writes the last piece and ends the body in the same write; nothing may follow it.
  virtual boost::asio::awaitable<void> write_last(std::string piece) = 0;
};

using BodyProducer = std::function<boost::asio::awaitable<void>(BodyWriter&)>;

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is produced while it is sent (Server-Sent Events): sent chunked, each
  // piece flushed at once, a heartbeat comment after `heartbeat` of silence, and the
  // producer cancelled as soon as the client disconnects.
  BodyProducer stream;
  std::chrono::milliseconds heartbeat{15'000};
  // The producer writes its first piece without waiting on anything slow, so the head may
  // wait for it and both go out in one write.
  bool first_piece_is_ready = false;

  void set_header(std::string name, std::string value);
  static Response json(int status, std::string body);
  static Response no_content();
  static Response event_stream(BodyProducer producer);
};

}  // namespace agentd::http
