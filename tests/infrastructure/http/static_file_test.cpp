#include "infrastructure/http/static_file.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace agentd::http {
namespace {

std::optional<std::string> header_of(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Request get(std::optional<std::string> if_none_match = std::nullopt) {
  Request request;
  request.method = "GET";
  if (if_none_match) request.headers.emplace_back("if-none-match", *if_none_match);
  return request;
}

TEST(StaticFile, ServesTheBytesWithTheirTypeAVersionTagAndTheExtraHeaders) {
  const StaticFile file{
      "text/css; charset=utf-8", "body{}", {{"X-Content-Type-Options", "nosniff"}}};
  const auto response = file.serve(get());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "body{}");
  EXPECT_EQ(header_of(response, "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(header_of(response, "Cache-Control"), "no-cache");
  EXPECT_EQ(header_of(response, "ETag"), file.etag());
  EXPECT_EQ(header_of(response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(file.etag().front(), '"');
  EXPECT_EQ(file.etag().back(), '"');
}

TEST(StaticFile, TheCurrentTagGets304WithoutABodyAnOldOneTheFile) {
  const StaticFile file{"text/javascript", "let a = 1;"};
  const auto cached = file.serve(get(file.etag()));
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(header_of(cached, "ETag"), file.etag());
  EXPECT_FALSE(header_of(cached, "Content-Type"));

  const auto changed = file.serve(get("\"0000000000000000\""));
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, "let a = 1;");
}

TEST(StaticFile, DifferentBytesHaveDifferentTags) {
  EXPECT_NE(StaticFile("text/plain", "a").etag(), StaticFile("text/plain", "b").etag());
  EXPECT_EQ(StaticFile("text/plain", "a").etag(), StaticFile("text/html", "a").etag());
}

}  // namespace
}  // namespace agentd::http
