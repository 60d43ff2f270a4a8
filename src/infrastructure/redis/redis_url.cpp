// redis://[user:password@]host:port[/db], the only form of Redis address agentd takes.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "infrastructure/redis/redis_client.h"
#include "infrastructure/text/ascii.h"

namespace agentd::redis {
namespace {

constexpr std::string_view kUrlParam = "AGENTD_REDIS_URL";
constexpr std::string_view kScheme = "redis://";
constexpr std::string_view kTlsScheme = "rediss://";

// Messages never repeat the URL: it may carry a password.
Error invalid_url(std::string why) {
  return Error::invalid(std::move(why), std::string(kUrlParam));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A user name or password may hold ':', '@' or '/' only percent-encoded.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

// A whole decimal number in [low, high].
std::optional<int> parse_number(std::string_view text, int low, int high) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value < low || value > high) {
    return std::nullopt;
  }
  return value;
}

// The host and port of `authority` (user info removed) into `url`.
std::optional<Error> parse_host_and_port(std::string_view authority, RedisUrl& url) {
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {  // an IPv6 address
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid_url("the Redis URL's host lacks its ]");
    url.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      return invalid_url("the Redis URL's host is followed by something other than :port");
    }
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    url.host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return invalid_url("the Redis URL has no host");
  if (has_port) {
    const auto number = parse_number(port, 1, 65535);
    if (!number) return invalid_url("the Redis URL's port must be a number from 1 to 65535");
    url.port = *number;
  }
  return std::nullopt;
}

}  // namespace

Result<RedisUrl> parse_redis_url(std::string_view text) {
  const std::string scheme = ascii_lower(text.substr(0, kTlsScheme.size()));
  if (scheme.starts_with(kTlsScheme)) {
    return invalid_url(
        "rediss:// (Redis over TLS) is not supported: Debian 12's hiredis 0.14 has no TLS; use "
        "redis:// on a trusted network or a TLS tunnel");
  }
  if (!scheme.starts_with(kScheme)) {
    return invalid_url("the Redis URL must look like redis://[user:password@]host:port[/db]");
  }
  std::string_view rest = text.substr(kScheme.size());
  RedisUrl url;

  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view path = rest.substr(slash + 1);
    if (!path.empty()) {
      const auto db = parse_number(path, 0, 1'000'000);
      if (!db) return invalid_url("the Redis URL's database (after the /) must be a number");
      url.db = *db;
    }
  }

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return invalid_url("the Redis URL's credentials must be user:password or :password");
    }
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) {
      return invalid_url("the Redis URL's credentials hold a malformed percent-encoding");
    }
    url.user = std::move(*user);
    url.password = std::move(*password);
  }

  if (auto error = parse_host_and_port(authority, url)) return std::move(*error);
  return url;
}

}  // namespace agentd::redis
