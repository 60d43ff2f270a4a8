// A response read piece by piece as it arrives (Server-Sent Events): the head at once, the
// body never buffered whole.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "domain/common/result.h"
#include "infrastructure/net/http_types.h"

namespace agentd::net {

class HttpExchange;

class HttpStream {
 public:
  explicit HttpStream(std::unique_ptr<HttpExchange> exchange);
  HttpStream(HttpStream&&) noexcept;
  HttpStream& operator=(HttpStream&&) noexcept;
  // Dropping a stream before its end closes the connection, which tells the upstream to stop.
  ~HttpStream();

  const HttpResponseHead& head() const;
  int status() const { return head().status; }

  // The next piece of the body as soon as any bytes of it arrive (chunked or with a length);
  // "" once the body is complete. Waits at most the request's idle_timeout for bytes.
  boost::asio::awaitable<Result<std::string>> read();

  // Reads and drops the rest of the body so the connection can serve another request; true
  // when it could. For callers that stop at an end marker of their own: what follows the
  // marker is framing, so the bounds are small and a misbehaving server costs little.
  boost::asio::awaitable<bool> discard_rest(
      std::size_t limit = 64 * 1024,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(250));

 private:
  std::unique_ptr<HttpExchange> exchange_;
};

}  // namespace agentd::net
