#include "infrastructure/tools/builtin/http_get_tool.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fakes/event_loop.h"
#include "fakes/local_http_server.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

http::Response answer(int status, std::string content_type, std::string body) {
  http::Response response;
  response.status = status;
  response.set_header("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

http::Response redirect(std::string location) {
  http::Response response;
  response.status = 302;
  response.set_header("Location", std::move(location));
  return response;
}

http::Router site_routes() {
  http::Router router;
  router.add("GET", "/page", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return answer(200, "text/html; charset=utf-8", "<h1>hello</h1>");
  });
  // /hop/3 -> /hop/2 -> /hop/1 -> /hop/0: n redirects before the page.
  router.add("GET", "/hop/{n}", [](http::Request& request) -> asio::awaitable<http::Response> {
    const int n = std::stoi(std::string(request.path_param("n")));
    if (n == 0) co_return answer(200, "text/plain", "arrived");
    co_return redirect(std::to_string(n - 1));
  });
  // Same server, other name: only the allow-list tells them apart.
  router.add("GET", "/elsewhere", [](http::Request& request) -> asio::awaitable<http::Response> {
    const auto host = request.header("host").value_or("");
    co_return redirect("http://localhost" + std::string(host.substr(host.find(':'))) + "/page");
  });
  router.add("GET", "/big", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return answer(200, "text/plain", std::string(600 * 1024, 'a'));
  });
  router.add("GET", "/image", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return answer(200, "image/png", "\x89PNG");
  });
  router.add("GET", "/missing", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return answer(404, "text/plain", "no such page");
  });
  return router;
}

class HttpGetToolTest : public ::testing::Test {
 protected:
  Result<boost::json::value> fetch(std::string url, HttpGetRules rules) {
    HttpGetTool tool(HttpGetTool::default_spec(rules.allow_hosts), client_, std::move(rules));
    return loop_.run(tool.execute({{"url", url}}, ToolContext{"user-1", std::nullopt}));
  }

  // The defaults a test starts from: only the fake site, reachable on loopback.
  static HttpGetRules loopback_site() {
    HttpGetRules rules;
    rules.allow_hosts = {"127.0.0.1"};
    rules.allows_loopback = true;
    return rules;
  }

  static void expect_tool_error(const Result<boost::json::value>& result, std::string_view says) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
    EXPECT_EQ(result.error().code, "tool_error");
    EXPECT_NE(result.error().message.find(says), std::string::npos) << result.error().message;
  }

  EventLoop loop_;
  LocalHttpServer site_{site_routes()};
  net::HttpClient client_;
};

TEST_F(HttpGetToolTest, FetchesTextFromAnAllowedHost) {
  auto result = fetch(site_.url("/page"), loopback_site());
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& object = result->as_object();
  EXPECT_EQ(object.at("url").as_string(), site_.url("/page"));
  EXPECT_EQ(object.at("status").as_int64(), 200);
  EXPECT_EQ(object.at("content_type").as_string(), "text/html; charset=utf-8");
  EXPECT_EQ(object.at("text").as_string(), "<h1>hello</h1>");
  EXPECT_FALSE(object.at("truncated").as_bool());
}

TEST_F(HttpGetToolTest, HostNotOnTheAllowListIsRefused) {
  auto rules = loopback_site();
  rules.allow_hosts = {"example.org"};
  expect_tool_error(fetch(site_.url("/page"), rules),
                    "host '127.0.0.1' is not on the http_get allow-list");
}

TEST_F(HttpGetToolTest, LoopbackAddressIsRefusedWithoutTheTestFlag) {
  HttpGetRules rules;
  rules.allow_hosts = {"127.0.0.1", "localhost"};
  expect_tool_error(fetch(site_.url("/page"), rules), "not a public address");
  // A name is judged by what it resolves to.
  expect_tool_error(fetch("http://localhost:" + std::to_string(site_.port()) + "/page", rules),
                    "not a public address");
}

TEST_F(HttpGetToolTest, FollowsUpToThreeRedirects) {
  auto result = fetch(site_.url("/hop/3"), loopback_site());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->as_object().at("text").as_string(), "arrived");
  EXPECT_EQ(result->as_object().at("url").as_string(), site_.url("/hop/0"));
}

TEST_F(HttpGetToolTest, RedirectChainLongerThanThreeIsRefused) {
  expect_tool_error(fetch(site_.url("/hop/4"), loopback_site()), "too many redirects");
}

TEST_F(HttpGetToolTest, RedirectToAHostNotAllowedIsRefused) {
  expect_tool_error(fetch(site_.url("/elsewhere"), loopback_site()),
                    "host 'localhost' is not on the http_get allow-list");
}

TEST_F(HttpGetToolTest, LongTextIsTruncatedAndFlagged) {
  auto result = fetch(site_.url("/big"), loopback_site());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->as_object().at("text").as_string().size(), 512u * 1024);
  EXPECT_TRUE(result->as_object().at("truncated").as_bool());
}

TEST_F(HttpGetToolTest, NonTextContentIsRefused) {
  expect_tool_error(fetch(site_.url("/image"), loopback_site()), "image/png");
}

TEST_F(HttpGetToolTest, ErrorStatusIsReported) {
  expect_tool_error(fetch(site_.url("/missing"), loopback_site()), "HTTP 404");
}

}  // namespace
}  // namespace agentd
