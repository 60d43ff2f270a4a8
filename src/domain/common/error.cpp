#include "domain/common/error.h"

namespace agentd {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request:
      return "invalid_request";
    case ErrorCode::invalid_json:
      return "invalid_json";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::method_not_allowed:
      return "method_not_allowed";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::payload_too_large:
      return "payload_too_large";
    case ErrorCode::uri_too_long:
      return "uri_too_long";
    case ErrorCode::unsupported_media_type:
      return "unsupported_media_type";
    case ErrorCode::unprocessable:
      return "unprocessable";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::request_header_fields_too_large:
      return "request_header_fields_too_large";
    case ErrorCode::internal:
      return "internal_error";
    case ErrorCode::bad_gateway:
      return "bad_gateway";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::gateway_timeout:
      return "gateway_timeout";
  }
  return "internal_error";
}

}  // namespace agentd
