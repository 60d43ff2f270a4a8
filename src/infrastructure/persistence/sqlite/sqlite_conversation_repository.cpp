#include "infrastructure/persistence/sqlite/sqlite_conversation_repository.h"

#include "domain/conversation/conversation_errors.h"
#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/owned_conversation.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kOwned = "WHERE id = ? AND user_id = ?";
constexpr std::string_view kInOrder = "WHERE conversation_id = ? ORDER BY position";
constexpr std::string_view kDelete = "DELETE FROM conversations WHERE id = ?";
constexpr std::string_view kCountMessage =
    "UPDATE conversations SET message_count = message_count + 1, updated_at = ? WHERE id = ? "
    "RETURNING message_count";
constexpr std::string_view kSetTitle =
    "UPDATE conversations SET title = ? WHERE id = ? AND title = ''";
constexpr std::string_view kExists = "SELECT 1 FROM conversations WHERE id = ?";

// Counts one more message and returns its position; nullopt when the conversation is gone.
std::optional<std::int64_t> count_message(sqlite3* connection, const std::string& conversation_id,
                                          Timestamp at) {
  Statement count(connection, kCountMessage);
  bind_time(count, 1, at).bind(2, conversation_id);
  if (!count.step()) return std::nullopt;
  return count.integer(0);
}

bool exists(sqlite3* connection, const std::string& conversation_id) {
  return find_one(connection, kExists, conversation_id, [](const Statement&) { return true; })
      .has_value();
}

}  // namespace

boost::asio::awaitable<Status> SqliteConversationRepository::create(Conversation conversation) {
  co_return co_await database_.transaction("create_conversation",
                                           [&](sqlite3* connection) -> Status {
                                             insert_conversation(connection, conversation);
                                             return ok_status();
                                           });
}

boost::asio::awaitable<Result<Conversation>> SqliteConversationRepository::find(
    std::string user_id, std::string conversation_id) {
  co_return co_await database_.read("find_conversation",
                                    [&](sqlite3* connection) -> Result<Conversation> {
                                      Statement query(connection, select_conversations(kOwned));
                                      query.bind(1, conversation_id).bind(2, user_id);
                                      // Another user's conversation is reported exactly like a
                                      // missing one.
                                      if (!query.step()) return conversation_not_found();
                                      return read_conversation(query);
                                    });
}

boost::asio::awaitable<Result<Page<Conversation>>> SqliteConversationRepository::list(
    std::string user_id, int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_conversations", [&](sqlite3* connection) {
    return newest_first_page(connection, select_conversations(""), user_id, limit, after,
                             read_conversation);
  });
}

boost::asio::awaitable<Status> SqliteConversationRepository::remove(std::string user_id,
                                                                    std::string conversation_id) {
  co_return co_await database_.transaction(
      "remove_conversation", [&](sqlite3* connection) -> Status {
        const auto status = owned_status(connection, user_id, conversation_id);
        if (!status) return conversation_not_found();
        if (*status == ConversationStatus::running) return run_in_progress();
        // Messages, runs and their checkpoints go with it (ON DELETE CASCADE).
        Statement remove(connection, kDelete);
        remove.bind(1, conversation_id).step();
        return ok_status();
      });
}

boost::asio::awaitable<Result<std::vector<Message>>> SqliteConversationRepository::messages(
    std::string conversation_id) {
  co_return co_await database_.read("list_messages",
                                    [&](sqlite3* connection) -> Result<std::vector<Message>> {
                                      std::vector<Message> messages;
                                      Statement query(connection, select_messages(kInOrder));
                                      query.bind(1, conversation_id);
                                      while (query.step()) messages.push_back(read_message(query));
                                      return messages;
                                    });
}

boost::asio::awaitable<Result<Message>> SqliteConversationRepository::append_message(
    Message message) {
  co_return co_await database_.transaction(
      "append_message", [&](sqlite3* connection) -> Result<Message> {
        const auto position =
            count_message(connection, message.conversation_id, message.created_at);
        if (!position) return conversation_not_found();
        message.position = *position;
        insert_message(connection, message);
        return std::move(message);
      });
}

boost::asio::awaitable<Status> SqliteConversationRepository::set_title_if_empty(
    std::string conversation_id, std::string title) {
  co_return co_await database_.transaction(
      "set_conversation_title", [&](sqlite3* connection) -> Status {
        Statement update(connection, kSetTitle);
        update.bind(1, title).bind(2, conversation_id).step();
        if (update.changed_rows() == 0 && !exists(connection, conversation_id)) {
          return conversation_not_found();
        }
        return ok_status();
      });
}

}  // namespace agentd::sqlite
