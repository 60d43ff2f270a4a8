// Storage of conversations and their messages. Every read and write that a caller reaches is
// scoped to the owner: another user's conversation is not_found. Runs and approvals are
// RunRepository's, over the same store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/conversation/conversation.h"
#include "domain/conversation/message.h"

namespace agentd {

class ConversationRepository {
 public:
  virtual ~ConversationRepository() = default;

  virtual boost::asio::awaitable<Status> create(Conversation conversation) = 0;
  // not_found unless it exists and belongs to `user_id`.
  virtual boost::asio::awaitable<Result<Conversation>> find(std::string user_id,
                                                            std::string conversation_id) = 0;
  // The user's conversations, newest first (ids are time-ordered), after the cursor `after`;
  // invalid_cursor when `after` is none of theirs.
  virtual boost::asio::awaitable<Result<Page<Conversation>>> list(
      std::string user_id, int limit, std::optional<std::string> after) = 0;
  // Deletes it with its messages and runs. not_found unless it belongs to `user_id`;
  // conflict "run_in_progress" while a run is running.
  virtual boost::asio::awaitable<Status> remove(std::string user_id,
                                                std::string conversation_id) = 0;

  // In order. The caller has already checked ownership.
  virtual boost::asio::awaitable<Result<std::vector<Message>>> messages(
      std::string conversation_id) = 0;
  // Stores it as the conversation's next message: sets `position`, increments the
  // conversation's message_count and its updated_at (= message.created_at). Returns it.
  virtual boost::asio::awaitable<Result<Message>> append_message(Message message) = 0;
  // Sets the title when the conversation has none yet (titles come from first messages).
  virtual boost::asio::awaitable<Status> set_title_if_empty(std::string conversation_id,
                                                            std::string title) = 0;
};

}  // namespace agentd
