// The one error vocabulary: every expected failure in agentd is one of these codes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agentd {

enum class ErrorCode {
  invalid_request,         // 400: a field is missing or has the wrong type or value
  invalid_json,            // 400: the body is not JSON
  unauthenticated,         // 401
  forbidden,               // 403
  not_found,               // 404
  method_not_allowed,      // 405
  conflict,                // 409
  payload_too_large,       // 413
  uri_too_long,            // 414: the request target is longer than the server reads
  unsupported_media_type,  // 415
  unprocessable,           // 422: the request was valid but the operation failed (a tool error)
  rate_limited,            // 429
  request_header_fields_too_large,  // 431
  internal,                         // 500
  bad_gateway,                      // 502: an upstream failed or could not be reached
  unavailable,                      // 503
  gateway_timeout,                  // 504: an upstream or a tool took too long
};

// `code` is the machine-readable string clients see in error.code ("invalid_email");
// when empty, the ErrorCode's own name is used.
struct Error {
  ErrorCode kind = ErrorCode::internal;
  std::string message;
  std::string param;
  std::string code;
  // When the failure is temporary and its source said how long to wait (Retry-After).
  std::optional<std::chrono::milliseconds> retry_after = std::nullopt;

  static Error invalid(std::string message, std::string param = {}, std::string code = {}) {
    return {ErrorCode::invalid_request, std::move(message), std::move(param), std::move(code)};
  }
  static Error not_found(std::string message, std::string code = {}) {
    return {ErrorCode::not_found, std::move(message), {}, std::move(code)};
  }
  static Error internal(std::string message) {
    return {ErrorCode::internal, std::move(message), {}, {}};
  }
  static Error unavailable(std::string message, std::string code = {}) {
    return {ErrorCode::unavailable, std::move(message), {}, std::move(code)};
  }
};

std::string_view to_string(ErrorCode code);

}  // namespace agentd
