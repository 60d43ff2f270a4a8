// The status of a user's conversation, read inside a transaction: the question both the
// conversation and the run repository ask before they refuse a change.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/conversation/conversation.h"
#include "infrastructure/persistence/postgres/pg_connection.h"

namespace agentd::postgres {

// nullopt when the conversation is missing or someone else's (or an id is not a UUID).
boost::asio::awaitable<std::optional<ConversationStatus>> owned_status(
    PgConnection& db, const std::string& user_id, const std::string& conversation_id);

}  // namespace agentd::postgres
