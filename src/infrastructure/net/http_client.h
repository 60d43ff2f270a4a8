// Outbound HTTP/1.1 over TCP or TLS, with kept-alive connections shared per origin.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "domain/common/result.h"
#include "infrastructure/net/http_stream.h"
#include "infrastructure/net/http_types.h"

namespace boost::asio::ssl {
class context;
}

namespace agentd::net {

class ConnectionPool;

struct HttpClientOptions {
  // A CA certificate (PEM) trusted in addition to the system store: private CAs, tests.
  std::string extra_ca_file;
  // Enough for a busy gateway: with too few, every request past the idle count opens and
  // closes its own connection to the provider (at 1,000 concurrent requests and 64 kept,
  // 11,000 sockets sat in TIME_WAIT after five seconds). An idle connection costs a socket
  // and a few hundred bytes.
  std::size_t max_idle_per_origin = 1024;
  std::chrono::milliseconds max_idle_time{30'000};  // below common server keep-alive limits
  std::string user_agent = "agentd/" AGENTD_VERSION;
};

// Operations run on the awaiting coroutine's executor and may be awaited from many threads at
// once; a pooled connection stays bound to the io_context that opened it, so one client serves
// one io_context and must be destroyed before it. Cancelling the awaiting coroutine (its
// cancellation slot) aborts the request at once and closes its connection. Failures are values:
// gateway_timeout "upstream_timeout", bad_gateway "upstream_unreachable" (DNS, TCP, TLS) or
// "upstream_error", or the address policy's error. Request bodies and headers are never logged.
class HttpClient {
 public:
  // Throws when extra_ca_file cannot be loaded: a start-up configuration error.
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The whole response; a body over options.max_body_bytes is a bad_gateway
  // "upstream_response_too_large". Redirects are returned, not followed.
  boost::asio::awaitable<Result<HttpResponse>> request(HttpRequest request,
                                                       RequestOptions options = {});

  // The response head, then its body through HttpStream::read. The client must outlive the
  // stream.
  boost::asio::awaitable<Result<HttpStream>> stream(HttpRequest request,
                                                    RequestOptions options = {});

 private:
  // Made on first use: loading the CA store costs megabytes a server that never calls an
  // HTTPS upstream should not pay. An extra CA file is loaded at once, so a bad one fails
  // the start.
  boost::asio::ssl::context& tls_context();

  HttpClientOptions options_;
  std::once_flag tls_once_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace agentd::net
