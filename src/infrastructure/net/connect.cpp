#include "infrastructure/net/connect.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include "infrastructure/net/deadline.h"
#include "infrastructure/net/upstream_error.h"

namespace agentd::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

// getaddrinfo cannot be interrupted, so the lookup runs detached and reports through a
// channel: the caller can stop waiting (deadline, cancellation) without waiting for DNS.
asio::awaitable<std::tuple<error_code, tcp::resolver::results_type>> resolve(std::string host,
                                                                             std::uint16_t port) {
  using Answer =
      asio::experimental::concurrent_channel<void(error_code, tcp::resolver::results_type)>;
  auto executor = co_await asio::this_coro::executor;
  auto answer = std::make_shared<Answer>(executor, 1);
  auto resolver = std::make_shared<tcp::resolver>(executor);
  resolver->async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                          [answer, resolver](error_code ec, tcp::resolver::results_type results) {
                            answer->try_send(ec, std::move(results));
                          });
  co_return co_await answer->async_receive(kAsTuple);
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

Error connect_error(const error_code& ec, const std::string& what,
                    std::chrono::milliseconds timeout) {
  if (ec == asio::error::timed_out) {
    return upstream_timeout(what + ": no connection within " + std::to_string(timeout.count()) +
                            " ms");
  }
  if (ec == asio::error::operation_aborted) return request_cancelled();
  std::string reason = ec.message();
  // OpenSSL's reason strings ("certificate verify failed") are what an operator needs.
  if (ec.category() == asio::error::get_ssl_category()) {
    reason = "TLS: " + reason;
  }
  return upstream_unreachable(what + ": " + reason);
}

// The host's addresses, refused when `policy` refuses any of them.
asio::awaitable<Result<tcp::resolver::results_type>> resolve_allowed(
    const HttpUrl& url, const AddressPolicy& policy, std::chrono::steady_clock::time_point deadline,
    std::chrono::milliseconds timeout) {
  auto [resolve_ec, endpoints] = co_await before(deadline, resolve(url.host, url.port));
  if (resolve_ec) co_return connect_error(resolve_ec, "cannot resolve " + url.host, timeout);
  if (policy) {
    for (const auto& entry : endpoints) {
      if (auto allowed = policy(entry.endpoint().address()); !allowed) co_return allowed.error();
    }
  }
  co_return endpoints;
}

}  // namespace

asio::awaitable<Status> check_addresses(const HttpUrl& url, const AddressPolicy& policy,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto endpoints = co_await resolve_allowed(url, policy, deadline, timeout);
  if (!endpoints) co_return endpoints.error();
  co_return ok_status();
}

asio::awaitable<Result<std::unique_ptr<HttpConnection>>> open_connection(
    const HttpUrl& url, ssl::context& tls, const AddressPolicy& policy,
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string where = url.host + ":" + std::to_string(url.port);

  auto endpoints = co_await resolve_allowed(url, policy, deadline, timeout);
  if (!endpoints) co_return endpoints.error();

  tcp::socket socket(co_await asio::this_coro::executor);
  auto [connect_ec, endpoint] =
      co_await before(deadline, asio::async_connect(socket, *endpoints, kAsTuple));
  if (connect_ec) co_return connect_error(connect_ec, "cannot connect to " + where, timeout);
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (!url.is_https) co_return std::make_unique<HttpConnection>(std::move(socket));

  auto connection = std::make_unique<HttpConnection>(std::move(socket), tls);
  auto& stream = connection->tls_stream();
  // SNI: name-based virtual hosts pick their certificate by it; IP literals are not sent.
  if (!is_ip_literal(url.host) &&
      !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    co_return upstream_unreachable("cannot set the TLS server name for " + url.host);
  }
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  auto [handshake_ec] =
      co_await before(deadline, stream.async_handshake(ssl::stream_base::client, kAsTuple));
  if (handshake_ec) {
    co_return connect_error(handshake_ec, "TLS handshake with " + where + " failed", timeout);
  }
  co_return std::move(connection);
}

}  // namespace agentd::net
