#include "infrastructure/http/router.h"

#include <gtest/gtest.h>

namespace agentd::http {
namespace {

Handler answer(int status) {
  return [status](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::json(status, "");
  };
}

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/health", answer(200));
    router.add("GET", "/v1/conversations", answer(200));
    router.add("POST", "/v1/conversations", answer(201));
    router.add("GET", "/v1/conversations/{id}", answer(200));
    router.add("DELETE", "/v1/conversations/{id}", answer(204));
    router.add("POST", "/v1/conversations/{id}/messages", answer(200));
  }
  Router router;
};

TEST_F(RouterTest, MatchesStaticPath) {
  auto r = request("GET", "/health");
  EXPECT_EQ(router.match(r).kind, Router::Match::Kind::found);
}

TEST_F(RouterTest, ExtractsPathParameter) {
  auto r = request("POST", "/v1/conversations/c-123/messages");
  auto match = router.match(r);
  ASSERT_EQ(match.kind, Router::Match::Kind::found);
  EXPECT_EQ(r.path_param("id"), "c-123");
}

TEST_F(RouterTest, ChoosesRouteByMethod) {
  auto r = request("DELETE", "/v1/conversations/abc");
  auto match = router.match(r);
  ASSERT_EQ(match.kind, Router::Match::Kind::found);
  EXPECT_EQ(r.path_param("id"), "abc");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  auto r = request("GET", "/v1/nothing");
  EXPECT_EQ(router.match(r).kind, Router::Match::Kind::not_found);
}

TEST_F(RouterTest, ParameterDoesNotMatchExtraSegments) {
  auto r = request("GET", "/v1/conversations/abc/extra");
  EXPECT_EQ(router.match(r).kind, Router::Match::Kind::not_found);
}

TEST_F(RouterTest, KnownPathWithWrongMethodListsAllowedMethods) {
  auto r = request("PUT", "/v1/conversations/abc");
  auto match = router.match(r);
  EXPECT_EQ(match.kind, Router::Match::Kind::method_not_allowed);
  EXPECT_EQ(match.allow, "DELETE, GET");
}

TEST_F(RouterTest, TrailingSlashMatchesSamePath) {
  auto r = request("GET", "/health/");
  EXPECT_EQ(router.match(r).kind, Router::Match::Kind::found);
}

}  // namespace
}  // namespace agentd::http
