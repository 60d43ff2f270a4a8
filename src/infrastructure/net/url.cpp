#include "infrastructure/net/url.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <charconv>

#include "infrastructure/text/ascii.h"

namespace agentd::net {
namespace {

namespace urls = boost::urls;

Error invalid_url(std::string message) {
  return Error::invalid(std::move(message), "url", "invalid_url");
}

}  // namespace

std::string HttpUrl::host_header() const {
  const bool is_default_port = port == (is_https ? 443 : 80);
  std::string header = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (!is_default_port) header += ":" + std::to_string(port);
  return header;
}

std::string HttpUrl::origin() const {
  const std::string bracketed = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return std::string(is_https ? "https://" : "http://") + bracketed + ":" + std::to_string(port);
}

Result<HttpUrl> parse_http_url(std::string_view text) {
  // A fragment is allowed and ignored: it is never sent.
  auto parsed = urls::parse_uri(text);
  if (!parsed) return invalid_url("not a valid absolute URL");
  const urls::url_view& url = *parsed;
  HttpUrl result;
  if (url.scheme_id() == urls::scheme::https) {
    result.is_https = true;
  } else if (url.scheme_id() != urls::scheme::http) {
    return invalid_url("only http and https URLs are supported");
  }
  if (url.has_userinfo()) return invalid_url("URLs with credentials are not supported");
  if (url.host_type() == urls::host_type::none || url.host_type() == urls::host_type::ipvfuture ||
      url.encoded_host().empty()) {
    return invalid_url("the URL has no usable host");
  }
  result.host = ascii_lower(url.host_address());
  if (url.has_port() && !url.port().empty()) {
    // port_number() wraps values above 65535 silently, so the digits are read here.
    const auto digits = url.port();
    unsigned port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return invalid_url("the URL's port is out of range");
    }
    result.port = static_cast<std::uint16_t>(port);
  } else {
    result.port = result.is_https ? 443 : 80;
  }
  result.target = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (url.has_query()) result.target += "?" + std::string(url.encoded_query());
  return result;
}

Result<std::string> resolve_url(std::string_view base, std::string_view reference) {
  auto base_url = urls::parse_uri(base);
  auto reference_url = urls::parse_uri_reference(reference);
  if (!base_url || !reference_url) return invalid_url("cannot resolve redirect target");
  urls::url resolved;
  if (auto ok = urls::resolve(*base_url, *reference_url, resolved); !ok) {
    return invalid_url("cannot resolve redirect target");
  }
  resolved.remove_fragment();
  return std::string(resolved.buffer());
}

Result<std::string> build_url(std::string_view base_url, std::string_view path,
                              const QueryParams& query) {
  auto parsed = urls::parse_uri(base_url);
  if (!parsed) return invalid_url("base URL is not a valid absolute URL");
  urls::url url(*parsed);
  std::string joined(url.encoded_path());
  while (!joined.empty() && joined.back() == '/') joined.pop_back();
  joined += path;
  url.set_encoded_path(joined);
  // Everything but unreserved characters is escaped: servers decode '+' in a query as a
  // space, so "c++" must travel as "c%2B%2B".
  std::string encoded;
  for (const auto& [name, value] : query) {
    if (!encoded.empty()) encoded += '&';
    encoded += urls::encode(name, urls::unreserved_chars);
    encoded += '=';
    encoded += urls::encode(value, urls::unreserved_chars);
  }
  if (encoded.empty()) {
    url.remove_query();
  } else {
    url.set_encoded_query(encoded);
  }
  return std::string(url.buffer());
}

}  // namespace agentd::net
