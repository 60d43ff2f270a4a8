#include "infrastructure/tools/builtin/web_search_tool.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fakes/event_loop.h"
#include "fakes/local_http_server.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

http::Response json_answer(int status, const json::value& body) {
  return http::Response::json(status, json::serialize(body));
}

// n results shaped like the provider's: {"title","url",<snippet_key>}.
json::array results(int n, std::string_view snippet_key) {
  json::array list;
  for (int i = 1; i <= n; ++i) {
    list.push_back(json::object{{"title", "Result " + std::to_string(i)},
                                {"url", "https://example.org/" + std::to_string(i)},
                                {snippet_key, "About result " + std::to_string(i)}});
  }
  return list;
}

// Each fake checks the request the way the real API would and answers 4xx when it is wrong,
// so a successful search proves the request's shape.
http::Router search_routes() {
  http::Router router;
  router.add("GET", "/searx/search", [](http::Request& request) -> asio::awaitable<http::Response> {
    // The raw query: '+' must be escaped, or a server would read "c++" as "c  ".
    if (request.query != "q=c%2B%2B%20coroutines&format=json") {
      co_return json_answer(400, json::object{{"error", "bad query"}});
    }
    co_return json_answer(
        200, json::object{{"query", "c++ coroutines"}, {"results", results(7, "content")}});
  });
  router.add("GET", "/res/v1/web/search",
             [](http::Request& request) -> asio::awaitable<http::Response> {
               if (request.header("x-subscription-token") != "brave-key") {
                 co_return json_answer(401, json::object{{"error", "bad token"}});
               }
               if (request.query_param("count") != "2" || request.query_param("q") != "asio") {
                 co_return json_answer(422, json::object{{"error", "bad query"}});
               }
               auto list = results(2, "description");
               list[0].as_object()["description"] = "All about <strong>asio</strong>";
               co_return json_answer(
                   200, json::object{{"web", json::object{{"results", std::move(list)}}}});
             });
  router.add("POST", "/tavily/search",
             [](http::Request& request) -> asio::awaitable<http::Response> {
               if (request.header("authorization") != "Bearer tavily-key") {
                 co_return json_answer(401, json::object{{"detail", "bad key"}});
               }
               auto body = json::parse(request.body).as_object();
               if (body.at("query") != "beast" || body.at("max_results") != 3) {
                 co_return json_answer(400, json::object{{"detail", "bad body"}});
               }
               co_return json_answer(
                   200, json::object{{"query", "beast"}, {"results", results(3, "content")}});
             });
  router.add("GET", "/broken/search", [](http::Request&) -> asio::awaitable<http::Response> {
    co_return json_answer(500, json::object{{"error", "down"}});
  });
  return router;
}

// As the configuration gives them: the key already read from its variable.
WebSearchProviderSettings provider(std::string name, std::string base_url = {},
                                   std::string api_key = {}) {
  WebSearchProviderSettings settings;
  settings.provider = std::move(name);
  settings.base_url = std::move(base_url);
  settings.api_key_env = "SEARCH_KEY";
  settings.api_key = std::move(api_key);
  return settings;
}

class WebSearchToolTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Tool>> make(const WebSearchProviderSettings& settings) {
    return make_web_search_tool(WebSearchTool::default_spec(), settings, client_);
  }

  Result<json::value> search(const WebSearchProviderSettings& settings, json::object arguments) {
    auto tool = make(settings);
    if (!tool) return tool.error();
    return loop_.run((*tool)->execute(std::move(arguments), ToolContext{"user-1", std::nullopt}));
  }

  EventLoop loop_;
  LocalHttpServer api_{search_routes()};
  net::HttpClient client_;
};

TEST_F(WebSearchToolTest, SearxngResultsAreMappedAndCappedToMaxResults) {
  auto result = search(provider("searxng", api_.url("/searx")),
                       {{"query", "c++ coroutines"}, {"max_results", 3}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->at("query"), "c++ coroutines");
  const auto& hits = result->at("results").as_array();
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0], (json::value{{"title", "Result 1"},
                                  {"url", "https://example.org/1"},
                                  {"snippet", "About result 1"}}));
}

TEST_F(WebSearchToolTest, ReturnsFiveResultsByDefault) {
  auto result = search(provider("searxng", api_.url("/searx")), {{"query", "c++ coroutines"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->at("results").as_array().size(), 5u);
}

TEST_F(WebSearchToolTest, BraveSendsTheConfiguredKeyAndLosesMarkup) {
  auto result = search(provider("brave", api_.url("/"), "brave-key"),
                       {{"query", "asio"}, {"max_results", 2}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& hits = result->at("results").as_array();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].at("snippet"), "All about asio");
  EXPECT_EQ(hits[1].at("url"), "https://example.org/2");
}

TEST_F(WebSearchToolTest, TavilyPostsTheQueryWithABearerToken) {
  auto result = search(provider("tavily", api_.url("/tavily"), "tavily-key"),
                       {{"query", "beast"}, {"max_results", 3}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& hits = result->at("results").as_array();
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[2].at("title"), "Result 3");
  EXPECT_EQ(hits[2].at("snippet"), "About result 3");
}

TEST_F(WebSearchToolTest, UpstreamErrorIsAToolErrorWithItsStatus) {
  auto result = search(provider("searxng", api_.url("/broken")), {{"query", "anything"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_NE(result.error().message.find("HTTP 500"), std::string::npos) << result.error().message;
}

TEST_F(WebSearchToolTest, WrongKeyIsAToolErrorWithItsStatus) {
  auto result =
      search(provider("brave", api_.url("/"), "wrong"), {{"query", "asio"}, {"max_results", 2}});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("HTTP 401"), std::string::npos) << result.error().message;
}

TEST_F(WebSearchToolTest, FactoryOffersNoToolWithoutAProvider) {
  auto tool = make(provider(""));
  ASSERT_TRUE(tool.ok());
  EXPECT_EQ(*tool, nullptr);
}

TEST_F(WebSearchToolTest, FactoryRefusesIncompleteSettings) {
  auto keyless = make(provider("brave"));
  ASSERT_FALSE(keyless.ok());
  EXPECT_NE(keyless.error().message.find("SEARCH_KEY"), std::string::npos);
  EXPECT_EQ(keyless.error().param, "tools.web_search");
  EXPECT_FALSE(make(provider("searxng")).ok());
  EXPECT_FALSE(make(provider("bing")).ok());
}

}  // namespace
}  // namespace agentd
