// One model call as it is accounted: who made it, with which model, what it consumed and cost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/identity/user.h"

namespace agentd {

struct UsageRecord {
  std::string id;
  Timestamp created_at;  // when the call ended
  std::string user_id;
  std::optional<std::string> api_key_id;  // null for a person's session
  std::string model;                      // the public name of the route that served it
  std::string provider;                   // "openai" | "anthropic"
  std::int64_t input_tokens = 0;          // cached ones included
  std::int64_t output_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::optional<std::int64_t> cost_nanos;  // null when the model has no price
  std::int64_t latency_ms = 0;             // upstream time, to the end of a stream
  std::string status;                      // "ok" | "error" | "cancelled"

  bool operator==(const UsageRecord&) const = default;
};

}  // namespace agentd
