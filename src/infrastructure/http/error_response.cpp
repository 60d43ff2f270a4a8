#include "infrastructure/http/error_response.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "infrastructure/text/utf8.h"

namespace agentd::http {

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request:
    case ErrorCode::invalid_json:
      return 400;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::payload_too_large:
      return 413;
    case ErrorCode::uri_too_long:
      return 414;
    case ErrorCode::unsupported_media_type:
      return 415;
    case ErrorCode::unprocessable:
      return 422;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::request_header_fields_too_large:
      return 431;
    case ErrorCode::internal:
      return 500;
    case ErrorCode::bad_gateway:
      return 502;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::gateway_timeout:
      return 504;
  }
  return 500;
}

std::string_view error_type_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::unauthenticated:
      return "authentication_error";
    case ErrorCode::forbidden:
      return "permission_error";
    case ErrorCode::rate_limited:
      return "rate_limit_error";
    case ErrorCode::internal:
    case ErrorCode::unavailable:
      return "api_error";
    case ErrorCode::bad_gateway:
    case ErrorCode::gateway_timeout:
      return "upstream_error";
    default:
      return "invalid_request_error";
  }
}

// Messages and params quote what the client sent (a path, a field name), which may not be
// UTF-8; Boost.JSON would copy such bytes into the body and make it invalid JSON.
boost::json::object error_json(const Error& error) {
  boost::json::object detail;
  detail["message"] = to_valid_utf8(error.message);
  detail["type"] = error_type_for(error.kind);
  detail["param"] = error.param.empty() ? boost::json::value(nullptr)
                                        : boost::json::value(to_valid_utf8(error.param));
  detail["code"] = error.code.empty() ? to_string(error.kind) : std::string_view(error.code);
  boost::json::object body;
  body["error"] = std::move(detail);
  return body;
}

Response error_response(const Error& error) {
  auto response = Response::json(status_for(error.kind), boost::json::serialize(error_json(error)));
  if (error.kind == ErrorCode::unauthenticated) {
    response.set_header("WWW-Authenticate", "Bearer");
  }
  // A refusal that knows when it ends (a budget's reset) says so, in whole seconds.
  if (error.kind == ErrorCode::rate_limited && error.retry_after) {
    const auto seconds = (error.retry_after->count() + 999) / 1000;
    response.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, seconds)));
  }
  return response;
}

}  // namespace agentd::http
