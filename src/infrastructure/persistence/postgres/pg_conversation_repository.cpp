#include "infrastructure/persistence/postgres/pg_conversation_repository.h"

#include "domain/conversation/conversation_errors.h"
#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/postgres/pg_owned_conversation.h"
#include "infrastructure/persistence/postgres/pg_page.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kConversationOwned = "WHERE id = $1 AND user_id = $2";
constexpr std::string_view kConversationMessagesInOrder =
    "WHERE conversation_id = $1 ORDER BY position";
constexpr std::string_view kConversationDelete = "DELETE FROM conversations WHERE id = $1";
constexpr std::string_view kConversationSetTitle =
    "UPDATE conversations SET title = $1 WHERE id = $2 AND title = ''";
constexpr std::string_view kConversationExists = "SELECT 1 FROM conversations WHERE id = $1";

asio::awaitable<bool> conversation_exists(PgConnection& db, const std::string& conversation_id) {
  const auto rows = co_await db.execute(kConversationExists, PgParams(conversation_id));
  co_return !rows.empty();
}

}  // namespace

asio::awaitable<Status> PgConversationRepository::create(Conversation conversation) {
  co_return co_await pool_.transaction("create_conversation",
                                       [&](PgConnection& db) -> asio::awaitable<Status> {
                                         co_await insert_conversation(db, conversation);
                                         co_return ok_status();
                                       });
}

asio::awaitable<Result<Conversation>> PgConversationRepository::find(std::string user_id,
                                                                     std::string conversation_id) {
  // Another user's conversation, or an id that names nothing, is reported exactly like a
  // missing one.
  if (!is_uuid(conversation_id) || !is_uuid(user_id)) co_return conversation_not_found();
  co_return co_await pool_.read(
      "find_conversation", [&](PgConnection& db) -> asio::awaitable<Result<Conversation>> {
        const std::string sql = select_conversations(kConversationOwned);
        const auto rows = co_await db.execute(sql, PgParams(conversation_id, user_id));
        if (rows.empty()) co_return conversation_not_found();
        co_return read_conversation(rows, 0);
      });
}

asio::awaitable<Result<Page<Conversation>>> PgConversationRepository::list(
    std::string user_id, int limit, std::optional<std::string> after) {
  // The server refuses a negative LIMIT (a 500), and a page needs room for one item.
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_conversations", [&](PgConnection& db) -> asio::awaitable<Result<Page<Conversation>>> {
        const std::string select = select_conversations("");
        co_return co_await newest_first_page(db, select, "user_id", user_id, limit, after,
                                             read_conversation);
      });
}

asio::awaitable<Status> PgConversationRepository::remove(std::string user_id,
                                                         std::string conversation_id) {
  co_return co_await pool_.transaction(
      "remove_conversation", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto status = co_await owned_status(db, user_id, conversation_id);
        if (!status) co_return conversation_not_found();
        if (*status == ConversationStatus::running) co_return run_in_progress();
        // Messages, runs and their checkpoints go with it (ON DELETE CASCADE).
        co_await db.execute(kConversationDelete, PgParams(conversation_id));
        co_return ok_status();
      });
}

asio::awaitable<Result<std::vector<Message>>> PgConversationRepository::messages(
    std::string conversation_id) {
  // An id that is not a UUID names no conversation, which has no messages.
  if (!is_uuid(conversation_id)) co_return std::vector<Message>{};
  co_return co_await pool_.read(
      "list_messages", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<Message>>> {
        std::vector<Message> messages;
        const std::string sql = select_messages(kConversationMessagesInOrder);
        const auto rows = co_await db.execute(sql, PgParams(conversation_id));
        for (int row = 0; row < rows.size(); ++row) messages.push_back(read_message(rows, row));
        co_return messages;
      });
}

asio::awaitable<Result<Message>> PgConversationRepository::append_message(Message message) {
  if (!is_uuid(message.conversation_id)) co_return conversation_not_found();
  co_return co_await pool_.single("append_message",
                                  [&](PgConnection& db) -> asio::awaitable<Result<Message>> {
                                    const auto position = co_await append_message_row(db, message);
                                    if (!position) co_return conversation_not_found();
                                    message.position = *position;
                                    co_return std::move(message);
                                  });
}

asio::awaitable<Status> PgConversationRepository::set_title_if_empty(std::string conversation_id,
                                                                     std::string title) {
  if (!is_uuid(conversation_id)) co_return conversation_not_found();
  co_return co_await pool_.single(
      "set_conversation_title", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto updated =
            co_await db.execute(kConversationSetTitle, PgParams(title, conversation_id));
        // No change also means the title was set already; only a missing row is an error.
        if (updated.affected() > 0) co_return ok_status();
        const bool exists = co_await conversation_exists(db, conversation_id);
        if (!exists) co_return conversation_not_found();
        co_return ok_status();
      });
}

}  // namespace agentd::postgres
