#include "infrastructure/persistence/postgres/pg_owned_conversation.h"

#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kOwnedConversationStatus =
    "SELECT status FROM conversations WHERE id = $1 AND user_id = $2";

}  // namespace

asio::awaitable<std::optional<ConversationStatus>> owned_status(
    PgConnection& db, const std::string& user_id, const std::string& conversation_id) {
  if (!is_uuid(conversation_id) || !is_uuid(user_id)) co_return std::nullopt;
  const auto rows =
      co_await db.execute(kOwnedConversationStatus, PgParams(conversation_id, user_id));
  if (rows.empty()) co_return std::nullopt;
  co_return parsed_status_column(rows, 0, 0, parse_conversation_status, "conversation");
}

}  // namespace agentd::postgres
