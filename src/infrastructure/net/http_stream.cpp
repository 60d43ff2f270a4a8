#include "infrastructure/net/http_stream.h"

#include "infrastructure/net/http_exchange.h"

namespace agentd::net {

HttpStream::HttpStream(std::unique_ptr<HttpExchange> exchange) : exchange_(std::move(exchange)) {}
HttpStream::HttpStream(HttpStream&&) noexcept = default;
HttpStream& HttpStream::operator=(HttpStream&&) noexcept = default;
HttpStream::~HttpStream() = default;

const HttpResponseHead& HttpStream::head() const { return exchange_->head(); }

// Not a coroutine: the exchange lives on the heap, so a moved HttpStream cannot dangle.
boost::asio::awaitable<Result<std::string>> HttpStream::read() { return exchange_->read_some(); }

boost::asio::awaitable<bool> HttpStream::discard_rest(std::size_t limit,
                                                      std::chrono::milliseconds timeout) {
  return exchange_->discard_rest(limit, timeout);
}

}  // namespace agentd::net
