// Conversations and their messages in PostgreSQL; an appended message and the conversation's
// count change in one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "application/ports/conversation_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgConversationRepository final : public ConversationRepository {
 public:
  explicit PgConversationRepository(PgPool& pool) : pool_(pool) {}

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
  PgPool& pool_;
};

}  // namespace agentd::postgres
