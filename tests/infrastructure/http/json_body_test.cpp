// parse_json_body: deep but reasonable documents are accepted, and the refusal of deeper ones
// names the limit.
#include "infrastructure/http/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace agentd::http {
namespace {

// `levels` arrays, one inside the other, around a number.
std::string nested_arrays(int levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

Request json_request(std::string body) {
  Request request;
  request.headers.emplace_back("content-type", "application/json");
  request.body = std::move(body);
  return request;
}

TEST(ParseJsonBody, AcceptsSixtyFourLevelsOfNesting) {
  auto parsed = parse_json_body(json_request(nested_arrays(64)));

  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->is_array());
}

TEST(ParseJsonBody, RefusesDeeperNestingNamingTheLimit) {
  auto parsed = parse_json_body(json_request(nested_arrays(65)));

  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorCode::invalid_json);
  EXPECT_EQ(parsed.error().code, "invalid_json");
  EXPECT_NE(parsed.error().message.find("nesting deeper than 64"), std::string::npos)
      << parsed.error().message;
}

TEST(ParseJsonBody, MalformedJsonIsStillInvalidJson) {
  auto parsed = parse_json_body(json_request("{\"a\":"));

  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorCode::invalid_json);
  EXPECT_EQ(parsed.error().message.find("nesting"), std::string::npos);
}

}  // namespace
}  // namespace agentd::http
