// Conversations and their messages in SQLite; an appended message and the conversation's
// count change in one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "application/ports/conversation_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteConversationRepository final : public ConversationRepository {
 public:
  SqliteConversationRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> create(Conversation conversation) override;
  boost::asio::awaitable<Result<Conversation>> find(std::string user_id,
                                                    std::string conversation_id) override;
  boost::asio::awaitable<Result<Page<Conversation>>> list(
      std::string user_id, int limit, std::optional<std::string> after) override;
  boost::asio::awaitable<Status> remove(std::string user_id, std::string conversation_id) override;

  boost::asio::awaitable<Result<std::vector<Message>>> messages(
      std::string conversation_id) override;
  boost::asio::awaitable<Result<Message>> append_message(Message message) override;
  boost::asio::awaitable<Status> set_title_if_empty(std::string conversation_id,
                                                    std::string title) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
