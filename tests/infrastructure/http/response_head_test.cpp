#include "infrastructure/http/response_head.h"

#include <gtest/gtest.h>

namespace agentd::http {
namespace {

TEST(ResponseHead, StatusLineFieldsFramingAndTheBlankLine) {
  auto response = Response::json(201, "{}");
  response.set_header("X-Request-Id", "abc");
  EXPECT_EQ(response_head(response, 11, KeepAlive::yes, "Content-Length: 2\r\n"),
            "HTTP/1.1 201 Created\r\n"
            "Content-Type: application/json\r\n"
            "X-Request-Id: abc\r\n"
            "Content-Length: 2\r\n"
            "\r\n");
}

TEST(ResponseHead, ConnectionIsNamedOnlyWhenItDiffersFromTheVersionsDefault) {
  const auto response = Response::no_content();
  EXPECT_EQ(response_head(response, 11, KeepAlive::yes, ""), "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(response_head(response, 11, KeepAlive::no, ""),
            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response_head(response, 10, KeepAlive::yes, ""),
            "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(response_head(response, 10, KeepAlive::no, ""), "HTTP/1.0 204 No Content\r\n\r\n");
}

}  // namespace
}  // namespace agentd::http
