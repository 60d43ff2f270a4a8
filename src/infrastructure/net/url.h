// Absolute http(s) URLs, split into what a connection and a request line need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/common/result.h"

namespace agentd::net {

struct HttpUrl {
  bool is_https = false;
  std::string host;  // lower-case; an IPv6 literal without its brackets
  std::uint16_t port = 0;
  std::string target;  // path and query as sent on the request line, at least "/"

  // The Host header value: the port only when it is not the scheme's default.
  std::string host_header() const;
  // "https://host:port": connections are shared between requests with the same origin.
  std::string origin() const;
};

// Accepts only absolute http and https URLs with a host. Credentials in the URL are refused:
// they would never be sent and would leak into anything that prints the URL.
Result<HttpUrl> parse_http_url(std::string_view text);

// Resolves a Location header value against the URL of the response that carried it.
Result<std::string> resolve_url(std::string_view base, std::string_view reference);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// `base_url` with `path` appended to its path and `query` set, percent-encoded here, so a
// configured base URL may carry a path prefix ("https://host/searx").
Result<std::string> build_url(std::string_view base_url, std::string_view path,
                              const QueryParams& query);

}  // namespace agentd::net
