#include "infrastructure/persistence/sqlite/owned_conversation.h"

#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kOwnedStatus =
    "SELECT status FROM conversations WHERE id = ? AND user_id = ?";

}  // namespace

std::optional<ConversationStatus> owned_status(sqlite3* connection, const std::string& user_id,
                                               const std::string& conversation_id) {
  Statement query(connection, kOwnedStatus);
  query.bind(1, conversation_id).bind(2, user_id);
  if (!query.step()) return std::nullopt;
  return status_column(query, 0, parse_conversation_status, "conversation");
}

}  // namespace agentd::sqlite
