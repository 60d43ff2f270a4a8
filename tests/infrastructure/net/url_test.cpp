#include "infrastructure/net/url.h"

#include <gtest/gtest.h>

namespace agentd::net {
namespace {

TEST(HttpUrl, HttpsUrlGetsDefaultPortAndTarget) {
  auto url = parse_http_url("https://API.Example.com/v1/chat?x=1#ignored");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->is_https);
  EXPECT_EQ(url->host, "api.example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/v1/chat?x=1");
  EXPECT_EQ(url->host_header(), "api.example.com");
  EXPECT_EQ(url->origin(), "https://api.example.com:443");
}

TEST(HttpUrl, ExplicitPortAppearsInHostHeader) {
  auto url = parse_http_url("http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->is_https);
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->host_header(), "127.0.0.1:8080");
}

TEST(HttpUrl, Ipv6LiteralLosesItsBracketsButKeepsThemInHeaders) {
  auto url = parse_http_url("http://[::1]:9000/x");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header(), "[::1]:9000");
}

TEST(HttpUrl, RefusesOtherSchemesCredentialsAndRelativeUrls) {
  EXPECT_FALSE(parse_http_url("ftp://example.org/").ok());
  EXPECT_FALSE(parse_http_url("file:///etc/passwd").ok());
  EXPECT_FALSE(parse_http_url("http://user:pw@example.org/").ok());
  EXPECT_FALSE(parse_http_url("/relative").ok());
  EXPECT_FALSE(parse_http_url("http://example.org:99999/").ok());
}

TEST(HttpUrl, ResolvesRedirectTargetsAgainstTheCurrentUrl) {
  EXPECT_EQ(*resolve_url("http://a.org/x/y?q=1", "/z"), "http://a.org/z");
  EXPECT_EQ(*resolve_url("http://a.org/x/y", "w"), "http://a.org/x/w");
  EXPECT_EQ(*resolve_url("http://a.org/x", "https://b.org/p#frag"), "https://b.org/p");
}

TEST(HttpUrl, BuildUrlAppendsPathToBasePathAndEncodesQuery) {
  auto url = build_url("http://127.0.0.1:8888/searx/", "/search",
                       {{"q", "c++ & rust"}, {"format", "json"}});
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "http://127.0.0.1:8888/searx/search?q=c%2B%2B%20%26%20rust&format=json");
}

}  // namespace
}  // namespace agentd::net
