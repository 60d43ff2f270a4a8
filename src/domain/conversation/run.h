// One agent run: a user's message taken through the model and tools to an answer.
//
//   running ──> completed | failed | cancelled
//      └──────> awaiting_approval ──> running (resumed)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/conversation/conversation.h"
#include "domain/conversation/usage.h"
#include "domain/identity/user.h"

namespace agentd {

enum class RunStatus { running, awaiting_approval, completed, failed, cancelled };

std::string_view to_string(RunStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);
// completed, failed and cancelled never change again.
bool is_final(RunStatus status);
// A run keeps its conversation busy while it runs or waits for approval; a finished one
// frees it.
ConversationStatus conversation_status_for(RunStatus status);

struct Run {
  std::string id;
  std::string conversation_id;
  std::string user_id;
  RunStatus status = RunStatus::running;
  int steps = 0;                     // model calls made
  Usage usage;                       // summed over every model call
  std::optional<std::string> error;  // why it failed
  std::string model;                 // the public model name it runs on
  // What its latest model call was sent of the history (system prompt included), and how
  // many older messages were left out to fit the model's context window.
  int messages_sent = 0;
  int messages_left_out = 0;
  // The upstream's prompt tokens per estimated token, learned from its latest call (0: not
  // known yet); the conversation's next run starts from it.
  double token_ratio = 0;
  // The id of the last event it streamed: a resumed run numbers on from here, so
  // Last-Event-ID never repeats an id.
  std::int64_t last_event_id = 0;
  int attempts = 1;
  // Set by a cancel request; whichever process runs the run sees it and stops.
  std::optional<Timestamp> cancel_requested_at;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> finished_at;  // set once it completed, failed or was cancelled

  bool operator==(const Run&) const = default;
};

}  // namespace agentd
