// What the use cases tell the operators' metrics: model calls, tool calls, runs ended and
// callers turned away. The adapter decides names and format; NoMetrics when none is wanted.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/common/error.h"
#include "domain/conversation/usage.h"
#include "domain/usage/usage_record.h"

namespace agentd {

struct ModelCall {
  std::string_view model;     // the name clients use
  std::string_view provider;  // "openai", "anthropic"
  bool stream = false;
  std::string_view outcome;  // "ok", or the error's code ("upstream_timeout", "cancelled")
  std::chrono::nanoseconds duration{};
  std::optional<std::chrono::nanoseconds> time_to_first_chunk;  // streams that sent one
  std::optional<Usage> usage;                                   // when the upstream told it
};

class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual void model_call(const ModelCall& call) = 0;
  // `tool` is a registered tool's name (never an arbitrary name a caller sent); `outcome` is
  // "ok" or the error's code.
  virtual void tool_call(std::string_view tool, std::string_view outcome,
                         std::chrono::nanoseconds duration) = 0;
  // A run reached an end or a pause: completed, failed, cancelled, awaiting_approval.
  virtual void run_ended(std::string_view status) = 0;
  // A request refused by a rate limit: "requests", "login", "register", or by a key's
  // "budget" or "tokens_per_minute".
  virtual void rate_limited(std::string_view limit) = 0;
  // A webhook delivery attempt's outcome ("delivered", "retrying", "failed"), or an event
  // that could not be stored for delivery ("publish_failed").
  virtual void webhook_delivery(std::string_view /*outcome*/) {}
  // A model call accounted: its tokens and cost by model and key.
  virtual void usage_recorded(const UsageRecord& record) = 0;
};

class NoMetrics final : public Metrics {
 public:
  void model_call(const ModelCall&) override {}
  void tool_call(std::string_view, std::string_view, std::chrono::nanoseconds) override {}
  void run_ended(std::string_view) override {}
  void rate_limited(std::string_view) override {}
  void usage_recorded(const UsageRecord&) override {}
};

// The outcome label of a failure: its code, else its kind ("bad_gateway").
inline std::string_view outcome_of(const Error& error) {
  return error.code.empty() ? to_string(error.kind) : std::string_view(error.code);
}

// For the objects whose metrics are optional: reports go nowhere.
inline Metrics& no_metrics() {
  static NoMetrics none;
  return none;
}

}  // namespace agentd
