// A user's conversation with the agent: its settings and where its current run stands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd {

enum class ConversationStatus { idle, running, awaiting_approval };

std::string_view to_string(ConversationStatus status);
std::optional<ConversationStatus> parse_conversation_status(std::string_view text);

// What a run does with a history longer than its model's context window: `automatic` leaves
// out the oldest whole turns from what it sends (the stored history never changes);
// `disabled` sends everything and fails with context_length_exceeded when the model refuses.
enum class Truncation { automatic, disabled };

std::string_view to_string(Truncation truncation);
std::optional<Truncation> parse_truncation(std::string_view text);

struct Conversation {
  std::string id;
  std::string user_id;  // the owner: nobody else ever sees it
  std::string title;
  std::string model;          // public model name; empty means the server's default
  std::string system_prompt;  // empty means none
  Truncation truncation = Truncation::automatic;  // runs may override it
  ConversationStatus status = ConversationStatus::idle;
  std::int64_t message_count = 0;
  Timestamp created_at;
  Timestamp updated_at;

  bool operator==(const Conversation&) const = default;
};

// A title from the first message: whitespace collapsed, at most kMaxTitleBytes of UTF-8,
// cut on a character boundary with an ellipsis. Any length and any bytes are accepted.
inline constexpr std::size_t kMaxTitleBytes = 80;
std::string derive_title(std::string_view first_message);

}  // namespace agentd
