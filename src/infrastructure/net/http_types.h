// The values an outbound HTTP exchange is described by: request, response, per-call limits.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/common/result.h"

namespace agentd::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// HttpRequest and RequestOptions have constructors on purpose: GCC 12 miscompiles aggregate
// temporaries with non-trivial members inside a co_await expression (a double free), and
// `co_await client.request({"GET", url})` is exactly where they are built.
struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string verb, std::string target, HttpHeaders fields = {},
              std::string content = {})
      : method(std::move(verb)),
        url(std::move(target)),
        headers(std::move(fields)),
        body(std::move(content)) {}

  std::string method = "GET";
  std::string url;  // absolute http or https URL
  HttpHeaders headers;
  std::string body;
};

struct HttpResponseHead {
  int status = 0;
  HttpHeaders headers;  // names lower-cased
  bool is_reused_connection = false;

  std::optional<std::string_view> header(std::string_view lower_name) const;
};

struct HttpResponse : HttpResponseHead {
  std::string body;
};

// Decides, after DNS resolution, whether the client may connect to one of the host's
// addresses; its error is returned as the request's error. A request is refused when any
// address is: DNS answers can mix addresses to slip a private one in.
using AddressPolicy = std::function<Status(const boost::asio::ip::address&)>;

struct RequestOptions {
  RequestOptions() = default;  // see HttpRequest

  std::chrono::milliseconds connect_timeout{10'000};          // DNS, TCP and TLS together
  std::chrono::milliseconds first_byte_timeout{60'000};       // request sent to response head read
  std::chrono::milliseconds idle_timeout{60'000};             // silence between two body pieces
  std::size_t max_body_bytes = std::size_t{8} * 1024 * 1024;  // buffered requests only
  AddressPolicy address_policy;                               // empty: every address
};

}  // namespace agentd::net
