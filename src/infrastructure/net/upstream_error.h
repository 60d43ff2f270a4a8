// The errors an outbound HTTP exchange ends with: one code per kind of upstream failure.
#pragma once

#include <string>

#include "domain/common/error.h"

namespace agentd::net {

// A connect, first-byte or idle timeout passed.
inline Error upstream_timeout(std::string message) {
  return {ErrorCode::gateway_timeout, std::move(message), {}, "upstream_timeout"};
}

// DNS, TCP or TLS failed: no connection to talk over.
inline Error upstream_unreachable(std::string message) {
  return {ErrorCode::bad_gateway, std::move(message), {}, "upstream_unreachable"};
}

// The connection broke or the upstream answered something that is not HTTP.
inline Error upstream_failed(std::string message) {
  return {ErrorCode::bad_gateway, std::move(message), {}, "upstream_error"};
}

inline Error upstream_response_too_large(std::string message) {
  return {ErrorCode::bad_gateway, std::move(message), {}, "upstream_response_too_large"};
}

// The awaiting coroutine was cancelled (its client left, or its own deadline passed).
inline Error request_cancelled() {
  return {ErrorCode::unavailable, "the upstream request was cancelled", {}, "cancelled"};
}

}  // namespace agentd::net
