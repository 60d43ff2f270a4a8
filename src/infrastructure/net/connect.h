// Opens a connection to a URL's origin: resolve, check the addresses, connect, TLS handshake.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>

#include "domain/common/result.h"
#include "infrastructure/net/http_connection.h"
#include "infrastructure/net/http_types.h"
#include "infrastructure/net/url.h"

namespace agentd::net {

// All steps together must finish within `timeout`. For https the server's certificate is
// verified against `tls`'s trust store and must name url.host.
boost::asio::awaitable<Result<std::unique_ptr<HttpConnection>>> open_connection(
    const HttpUrl& url, boost::asio::ssl::context& tls, const AddressPolicy& policy,
    std::chrono::milliseconds timeout);

// Resolves url.host and checks every address against `policy` without connecting, for a URL
// accepted now and fetched later. DNS failures are bad_gateway "upstream_unreachable".
boost::asio::awaitable<Status> check_addresses(const HttpUrl& url, const AddressPolicy& policy,
                                               std::chrono::milliseconds timeout);

}  // namespace agentd::net
