// The status of a user's conversation, read inside a transaction: the question both the
// conversation and the run repository ask before they refuse a change.
#pragma once

#include <optional>
#include <string>

#include "domain/conversation/conversation.h"

struct sqlite3;

namespace agentd::sqlite {

// nullopt when the conversation is missing or someone else's.
std::optional<ConversationStatus> owned_status(sqlite3* connection, const std::string& user_id,
                                               const std::string& conversation_id);

}  // namespace agentd::sqlite
