#include "infrastructure/net/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <charconv>

#include "infrastructure/logging/log.h"
#include "infrastructure/net/connect.h"
#include "infrastructure/net/connection_pool.h"
#include "infrastructure/net/http_exchange.h"
#include "infrastructure/net/upstream_error.h"
#include "infrastructure/net/url.h"

namespace agentd::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const std::string& extra_ca_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_default_verify_paths();
  if (!extra_ca_file.empty()) context->load_verify_file(extra_ca_file);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  return context;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (c <= 32 || c >= 127 ||
        std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) !=
            std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// A CR or LF in a header value would let a caller's data split the request (smuggling).
Status check_request(const HttpRequest& request) {
  if (!is_token(request.method)) return Error::invalid("invalid HTTP method", "method");
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return Error::invalid("invalid HTTP header name", "headers");
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Error::invalid("invalid value for HTTP header " + name, "headers");
    }
  }
  return ok_status();
}

// Only requests that are safe to repeat are sent again after a stale connection (as browsers
// and Go's transport do): a POST might have reached the server after all.
bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
         method == "DELETE";
}

std::optional<std::size_t> content_length(const HttpResponseHead& head) {
  auto value = head.header("content-length");
  if (!value) return std::nullopt;
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), length);
  if (ec != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  return length;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)),
      pool_(
          std::make_unique<ConnectionPool>(options_.max_idle_per_origin, options_.max_idle_time)) {
  if (!options_.extra_ca_file.empty()) tls_context();
}

ssl::context& HttpClient::tls_context() {
  std::call_once(tls_once_, [this] { tls_ = make_tls_context(options_.extra_ca_file); });
  return *tls_;
}

HttpClient::~HttpClient() = default;

asio::awaitable<Result<HttpResponse>> HttpClient::request(HttpRequest request,
                                                          RequestOptions options) {
  const auto limit = options.max_body_bytes;
  auto too_large = [&] {
    return upstream_response_too_large("the response body is larger than " + std::to_string(limit) +
                                       " bytes");
  };
  try {
    auto stream = co_await this->stream(std::move(request), std::move(options));
    if (!stream) co_return stream.error();
    HttpResponse response;
    static_cast<HttpResponseHead&>(response) = stream->head();
    if (auto length = content_length(response); length && *length > limit) co_return too_large();
    for (;;) {
      auto piece = co_await stream->read();
      if (!piece) co_return piece.error();
      if (piece->empty()) break;
      if (response.body.size() + piece->size() > limit) co_return too_large();
      response.body += *piece;
    }
    co_return response;
  } catch (const boost::system::system_error& e) {
    // A coroutine cancelled between two operations throws at its next co_await.
    if (e.code() != asio::error::operation_aborted) throw;
  }
  co_return request_cancelled();
}

asio::awaitable<Result<HttpStream>> HttpClient::stream(HttpRequest request,
                                                       RequestOptions options) {
  auto url = parse_http_url(request.url);
  if (!url) co_return url.error();
  if (auto valid = check_request(request); !valid) co_return valid.error();
  const auto origin = url->origin();
  const auto started = std::chrono::steady_clock::now();
  try {
    for (int attempt = 0;; ++attempt) {
      auto connection = attempt == 0 ? pool_->take(origin) : nullptr;
      // The policy may be stricter than the one the pooled connection was opened under.
      if (connection && options.address_policy &&
          !options.address_policy(connection->remote_address())) {
        connection.reset();
      }
      const bool is_reused = connection != nullptr;
      const auto reuse = is_reused ? HttpExchange::Origin::reused : HttpExchange::Origin::fresh;
      if (!connection) {
        auto opened = co_await open_connection(*url, tls_context(), options.address_policy,
                                               options.connect_timeout);
        if (!opened) {
          log::debug("upstream_failed", {{"origin", origin}, {"error", opened.error().message}});
          co_return opened.error();
        }
        connection = std::move(*opened);
      }
      auto exchange = std::make_unique<HttpExchange>(std::move(connection), reuse, *pool_, *url,
                                                     options.idle_timeout);
      auto sent = co_await exchange->send(request, options_.user_agent, options.first_byte_timeout);
      if (sent) {
        const auto elapsed =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
        log::debug("upstream_response", {{"method", request.method},
                                         {"origin", origin},
                                         {"status", std::int64_t{exchange->head().status}},
                                         {"reused", is_reused},
                                         {"ms", elapsed.count()}});
        co_return HttpStream(std::move(exchange));
      }
      // A server may close a kept-alive connection just as a request is sent on it.
      if (exchange->is_stale_connection() && is_idempotent(request.method)) continue;
      log::debug("upstream_failed", {{"origin", origin}, {"error", sent.error().message}});
      co_return sent.error();
    }
  } catch (const boost::system::system_error& e) {
    // A coroutine cancelled between two operations throws at its next co_await.
    if (e.code() != asio::error::operation_aborted) throw;
  }
  co_return request_cancelled();
}

}  // namespace agentd::net
