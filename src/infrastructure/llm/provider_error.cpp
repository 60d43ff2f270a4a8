#include "infrastructure/llm/provider_error.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "infrastructure/llm/wire_json.h"

namespace agentd::llm {
namespace {

struct UpstreamDetail {
  std::string message;
  std::string type;
  std::string code;
  std::string param;
};

// OpenAI sends {"error":{"message","type","param","code"}}, Anthropic
// {"type":"error","error":{"type","message"}}; like the OpenAI SDK, a body without an "error"
// object is read as the error itself.
UpstreamDetail read_detail(const boost::json::object& body) {
  const auto* error = object_at(body, "error");
  const auto& detail = error != nullptr ? *error : body;
  UpstreamDetail result;
  result.message = string_at(detail, "message").value_or("");
  result.type = string_at(detail, "type").value_or("");
  result.param = string_at(detail, "param").value_or("");
  if (const auto* code = detail.if_contains("code")) {
    if (code->is_string()) {
      result.code = std::string(code->get_string());
    } else if (code->is_number()) {
      result.code = boost::json::serialize(*code);
    }
  }
  return result;
}

Error failure(ErrorCode kind, std::string message, std::string code) {
  return {kind, std::move(message), {}, std::move(code)};
}

// OpenAI says so with its code; Anthropic only in its message ("prompt is too long: 210000
// tokens > 200000 maximum"), as do OpenAI-compatible servers that set no code.
bool is_context_length(const UpstreamDetail& detail) {
  if (detail.code == "context_length_exceeded") return true;
  const auto& text = detail.message;
  return text.find("prompt is too long") != std::string::npos ||
         text.find("maximum context length") != std::string::npos ||
         text.find("context_length_exceeded") != std::string::npos;
}

// `what` names the failure in a message without quoting the upstream: "HTTP 503" or a type.
Error map_error(int status, const UpstreamDetail& detail, const std::string& what) {
  switch (status) {
    case 400:
    case 404:
    case 409:
    case 413:
    case 422: {
      std::string message = detail.message.empty()
                                ? "the upstream provider rejected the request (" + what + ")"
                                : detail.message;
      if (is_context_length(detail)) {
        return Error::invalid(std::move(message), "messages", "context_length_exceeded");
      }
      return Error::invalid(std::move(message), detail.param,
                            detail.code.empty() ? detail.type : detail.code);
    }
    case 401:
    case 403:
      return failure(ErrorCode::bad_gateway, "the upstream provider rejected agentd's credentials",
                     "upstream_auth_failed");
    case 429:
      // OpenAI's rate-limit messages name the organisation, so they are not passed on.
      if (detail.code == "insufficient_quota" || detail.type == "insufficient_quota") {
        return failure(ErrorCode::rate_limited, "the upstream provider's quota is exhausted",
                       "upstream_quota_exceeded");
      }
      return failure(ErrorCode::rate_limited, "the upstream provider is rate limiting requests",
                     "upstream_rate_limited");
    case 529:
      return failure(ErrorCode::bad_gateway, "the upstream provider is overloaded",
                     "upstream_overloaded");
    default:
      return failure(ErrorCode::bad_gateway, "the upstream provider failed (" + what + ")",
                     "upstream_error");
  }
}

// The status each provider error type is sent with when it is not mid-stream.
int status_for_type(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error" || type == "insufficient_quota") return 429;
  if (type == "overloaded_error") return 529;
  return 500;
}

}  // namespace

Error upstream_http_error(int status, std::string_view body) {
  boost::system::error_code parse_error;
  const auto json = boost::json::parse(body, parse_error);
  UpstreamDetail detail;
  if (!parse_error && json.is_object()) detail = read_detail(json.get_object());
  return map_error(status, detail, "HTTP " + std::to_string(status));
}

Error upstream_reported_error(const boost::json::object& body) {
  const auto detail = read_detail(body);
  return map_error(status_for_type(detail.type), detail,
                   detail.type.empty() ? std::string("no error type") : detail.type);
}

Error invalid_upstream_response(std::string message) {
  return failure(ErrorCode::bad_gateway, std::move(message), "upstream_invalid_response");
}

}  // namespace agentd::llm
