// Readable gtest failures for the values repositories store: EXPECT_EQ on two of them prints
// each field by name instead of their bytes.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string_view>

#include "application/ports/checkpoint_store.h"
#include "domain/conversation/approval.h"
#include "domain/conversation/conversation.h"
#include "domain/conversation/message.h"
#include "domain/conversation/run.h"
#include "domain/identity/api_key.h"
#include "domain/identity/session.h"
#include "domain/identity/user.h"

namespace agentd {
namespace printing {

// Writes "Type{name=value, ...}": statuses by name, times in milliseconds since the epoch.
class Fields {
 public:
  Fields(std::ostream* out, std::string_view type) : out_(out) { *out_ << type << '{'; }
  ~Fields() { *out_ << '}'; }
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;

  template <typename T>
  Fields& operator()(std::string_view name, const T& value) {
    *out_ << (first_ ? "" : ", ") << name << '=' << text(value);
    first_ = false;
    return *this;
  }

 private:
  static std::string text(Timestamp time) {
    using std::chrono::milliseconds;
    return std::to_string(
        std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count());
  }
  static std::string text(const std::optional<Timestamp>& time) {
    return time ? text(*time) : "none";
  }
  template <typename T>
  static std::string text(const T& value) {
    if constexpr (requires { to_string(value); } && std::is_enum_v<T>) {
      return std::string(to_string(value));
    } else {
      return ::testing::PrintToString(value);
    }
  }

  std::ostream* out_;
  bool first_ = true;
};

}  // namespace printing

inline void PrintTo(const Decider& d, std::ostream* out) {
  printing::Fields(out, "Decider")("user_id", d.user_id)("api_key_id", d.api_key_id);
}

inline void PrintTo(const Conversation& c, std::ostream* out) {
  printing::Fields(out, "Conversation")("id", c.id)("user_id", c.user_id)("title", c.title)(
      "model", c.model)("system_prompt", c.system_prompt)("status", c.status)(
      "message_count", c.message_count)("created_at", c.created_at)("updated_at", c.updated_at);
}

inline void PrintTo(const Message& m, std::ostream* out) {
  printing::Fields(out, "Message")("id", m.id)("conversation_id", m.conversation_id)(
      "run_id", m.run_id)("position", m.position)("role", m.role)("content", m.content)(
      "tool_calls", m.tool_calls.size())("tool_call_id", m.tool_call_id)("name", m.name)(
      "has_usage", m.usage.has_value())("created_at", m.created_at);
}

inline void PrintTo(const Run& r, std::ostream* out) {
  printing::Fields(out, "Run")("id", r.id)("conversation_id", r.conversation_id)(
      "user_id", r.user_id)("status", r.status)("steps", r.steps)(
      "total_tokens", r.usage.total_tokens)("error", r.error)("model", r.model)(
      "last_event_id", r.last_event_id)("attempts", r.attempts)(
      "cancel_requested_at", r.cancel_requested_at)("created_at", r.created_at)(
      "updated_at", r.updated_at)("finished_at", r.finished_at);
}

inline void PrintTo(const Approval& a, std::ostream* out) {
  printing::Fields(out, "Approval")("id", a.id)("conversation_id", a.conversation_id)(
      "run_id", a.run_id)("user_id", a.user_id)("tool_call_id", a.tool_call_id)("tool", a.tool)(
      "arguments", a.arguments)("status", a.status)("reason", a.reason)(
      "edited_arguments", a.edited_arguments)("required_by_api_key_id", a.required_by_api_key_id)(
      "decided_by", a.decided_by)("created_at", a.created_at)("expires_at", a.expires_at)(
      "decided_at", a.decided_at);
}

inline void PrintTo(const Checkpoint& c, std::ostream* out) {
  printing::Fields(out, "Checkpoint")("run_id", c.run_id)("next_node", c.next_node)(
      "steps", c.steps)("state", c.state)("saved_at", c.saved_at);
}

inline void PrintTo(const User& u, std::ostream* out) {
  printing::Fields(out, "User")("id", u.id)("email", u.email)("name", u.name)("role", u.role)(
      "password_hash", u.password_hash)("created_at", u.created_at)("disabled_at", u.disabled_at);
}

inline void PrintTo(const Session& s, std::ostream* out) {
  printing::Fields(out, "Session")("id", s.id)("user_id", s.user_id)("created_at", s.created_at)(
      "expires_at", s.expires_at)("revoked_at", s.revoked_at);
}

inline void PrintTo(const ApiKey& k, std::ostream* out) {
  printing::Fields(out, "ApiKey")("id", k.id)("user_id", k.user_id)("name", k.name)(
      "prefix", k.prefix)("secret_hash", k.secret_hash)("allowed_tools", k.allowed_tools)(
      "allowed_models", k.allowed_models)("approval_required_tools", k.approval_required_tools)(
      "can_approve", k.can_approve)("expires_at", k.expires_at)(
      "rate_limit_per_minute", k.rate_limit_per_minute)("created_at", k.created_at)(
      "last_used_at", k.last_used_at)("revoked_at", k.revoked_at);
}

}  // namespace agentd
