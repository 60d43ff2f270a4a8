// A response of the Responses API: one part of a run in a conversation, seen from the client
// that asked for it. Its output is not copied: it is the conversation's messages between two
// positions, so a response ended by any replica (or taken over) reads the same.
//
//   queued ──> in_progress ──> completed | failed | cancelled | incomplete
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/conversation/run.h"
#include "domain/conversation/usage.h"
#include "domain/identity/user.h"

namespace agentd {

enum class ResponseStatus { queued, in_progress, completed, failed, cancelled, incomplete };

std::string_view to_string(ResponseStatus status);
std::optional<ResponseStatus> parse_response_status(std::string_view text);
bool is_final(ResponseStatus status);
// How a response ends when its part of the run ended as `run` did: a pause for approval
// completes the response (its output asks for the approval), as OpenAI's MCP approvals do.
ResponseStatus response_status_for(RunStatus run);

struct StoredResponse {
  std::string id;  // "resp_" + id on the wire
  std::string user_id;
  std::optional<std::string> api_key_id;  // the key that created it, if any
  std::string conversation_id;
  std::string run_id;
  std::optional<std::string> previous_response_id;
  ResponseStatus status = ResponseStatus::in_progress;
  std::string model;  // the public model name
  bool background = false;
  std::string request;      // JSON object: the request's settings the response echoes
  std::string input_items;  // JSON array: the input items, each with its id
  // The output: the conversation's messages at positions (output_after, output_until], and
  // the approvals asked for by calls among them. output_until is set when the part ended.
  std::int64_t output_after = 0;
  std::optional<std::int64_t> output_until;
  std::int64_t events_after = 0;  // the run's last event id before this part began
  Usage usage_before;             // the run's usage before this part began
  Usage usage;                    // this part's own usage, once it ended
  // Why it failed; for an incomplete response, error_code is why it stopped short
  // ("max_output_tokens").
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  Timestamp created_at;
  std::optional<Timestamp> completed_at;

  bool operator==(const StoredResponse&) const = default;
};

// How a response's part ended.
struct ResponseEnd {
  ResponseStatus status = ResponseStatus::completed;
  std::int64_t output_until = 0;
  Usage usage;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  Timestamp completed_at;
};

// The response as it is once `end` is recorded.
void record_end(StoredResponse& response, const ResponseEnd& end);

}  // namespace agentd
