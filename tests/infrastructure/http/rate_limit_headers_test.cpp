#include "infrastructure/http/middleware/rate_limit_headers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace agentd::http {
namespace {

std::optional<std::string> rate_limit_header(const Response& response, std::string_view name) {
  for (const auto& [header, value] : response.headers) {
    if (header == name) return value;
  }
  return std::nullopt;
}

boost::json::object rate_limit_error_body(const Response& response) {
  return boost::json::parse(response.body).as_object().at("error").as_object();
}

TEST(RateLimitHeaders, AnExhaustedBucketIs429WithRetryAfterAndTheLimitHeaders) {
  RateLimitDecision decision;
  decision.allowed = false;
  decision.limit = 3;
  decision.remaining = 0;
  decision.retry_after = std::chrono::milliseconds(19'200);
  decision.reset_after = std::chrono::seconds(59);

  auto response = too_many_requests(decision, "this credential");

  EXPECT_EQ(response.status, 429);
  auto error = rate_limit_error_body(response);
  EXPECT_EQ(error.at("type"), "rate_limit_error");
  EXPECT_EQ(error.at("code"), "rate_limit_exceeded");
  EXPECT_EQ(rate_limit_header(response, "Retry-After"), "20");
  EXPECT_EQ(rate_limit_header(response, "X-RateLimit-Limit"), "3");
  EXPECT_EQ(rate_limit_header(response, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(rate_limit_header(response, "X-RateLimit-Reset"), "59");
}

TEST(RateLimitHeaders, AnUnavailableLimiterIs503RetryAfterOneSecondWithoutLimitHeaders) {
  RateLimitDecision decision;
  decision.allowed = false;
  decision.unavailable = true;
  decision.limit = 60;

  auto response = too_many_requests(decision, "this credential");

  EXPECT_EQ(response.status, 503);
  auto error = rate_limit_error_body(response);
  EXPECT_EQ(error.at("type"), "api_error");
  EXPECT_EQ(error.at("code"), "rate_limiter_unavailable");
  EXPECT_TRUE(error.at("param").is_null());
  EXPECT_NE(std::string(error.at("message").as_string()).find("this credential"),
            std::string::npos);
  EXPECT_EQ(rate_limit_header(response, "Retry-After"), "1");
  EXPECT_EQ(rate_limit_header(response, "X-RateLimit-Limit"), std::nullopt);
  EXPECT_EQ(rate_limit_header(response, "X-RateLimit-Remaining"), std::nullopt);
}

}  // namespace
}  // namespace agentd::http
