#include "infrastructure/http/error_response.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace agentd::http {
namespace {

boost::json::object error_of(const Response& response) {
  return boost::json::parse(response.body).as_object().at("error").as_object();
}

TEST(ErrorResponse, HasOpenAiShapeWithParamAndCode) {
  auto response = error_response(Error::invalid("email is not valid", "email", "invalid_email"));
  EXPECT_EQ(response.status, 400);
  auto error = error_of(response);
  EXPECT_EQ(error.at("message"), "email is not valid");
  EXPECT_EQ(error.at("type"), "invalid_request_error");
  EXPECT_EQ(error.at("param"), "email");
  EXPECT_EQ(error.at("code"), "invalid_email");
}

TEST(ErrorResponse, MissingParamIsNullAndCodeDefaultsToKind) {
  auto error = error_of(error_response(Error::not_found("no such thing")));
  EXPECT_TRUE(error.at("param").is_null());
  EXPECT_EQ(error.at("code"), "not_found");
}

TEST(ErrorResponse, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  auto response = error_response(Error::invalid("no route for GET /v1/\xFF\xFE",
                                                "fi\xC0"
                                                "eld",
                                                "route_not_found"));

  boost::system::error_code ec;
  auto body = boost::json::parse(response.body, ec);  // refuses invalid UTF-8
  ASSERT_FALSE(ec) << ec.message();
  const auto& error = body.as_object().at("error").as_object();
  EXPECT_EQ(error.at("message"), "no route for GET /v1/\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(error.at("param"),
            "fi\xEF\xBF\xBD"
            "eld");
}

TEST(ErrorResponse, MapsEveryKindToStatusAndType) {
  struct Case {
    ErrorCode code;
    int status;
    const char* type;
  };
  const Case cases[] = {
      {ErrorCode::invalid_json, 400, "invalid_request_error"},
      {ErrorCode::unauthenticated, 401, "authentication_error"},
      {ErrorCode::forbidden, 403, "permission_error"},
      {ErrorCode::method_not_allowed, 405, "invalid_request_error"},
      {ErrorCode::conflict, 409, "invalid_request_error"},
      {ErrorCode::payload_too_large, 413, "invalid_request_error"},
      {ErrorCode::uri_too_long, 414, "invalid_request_error"},
      {ErrorCode::request_header_fields_too_large, 431, "invalid_request_error"},
      {ErrorCode::unsupported_media_type, 415, "invalid_request_error"},
      {ErrorCode::unprocessable, 422, "invalid_request_error"},
      {ErrorCode::rate_limited, 429, "rate_limit_error"},
      {ErrorCode::bad_gateway, 502, "upstream_error"},
      {ErrorCode::gateway_timeout, 504, "upstream_error"},
      {ErrorCode::internal, 500, "api_error"},
      {ErrorCode::unavailable, 503, "api_error"},
  };
  for (const auto& c : cases) {
    auto response = error_response({c.code, "m", {}, {}});
    EXPECT_EQ(response.status, c.status) << to_string(c.code);
    EXPECT_EQ(error_of(response).at("type"), c.type) << to_string(c.code);
  }
}

TEST(ErrorResponse, UnauthenticatedCarriesBearerChallenge) {
  auto response = error_response({ErrorCode::unauthenticated, "no token", {}, {}});
  ASSERT_FALSE(response.headers.empty());
  bool found = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "WWW-Authenticate") found = value == "Bearer";
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace agentd::http
