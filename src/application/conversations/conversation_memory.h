// A run's memory in a stored conversation: the history comes from the store, and every
// message the run produces is stored at once, in order.
#pragma once

#include <optional>
#include <string>

#include "application/agent/agent_memory.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/id_generator.h"

namespace agentd {

class ConversationMemory final : public AgentMemory {
 public:
  ConversationMemory(ConversationRepository& conversations, IdGenerator& ids, const Clock& clock,
                     Conversation conversation, std::string run_id)
      : conversations_(conversations),
        ids_(ids),
        clock_(clock),
        conversation_(std::move(conversation)),
        run_id_(std::move(run_id)) {}

  boost::asio::awaitable<Result<std::vector<ChatMessage>>> load_history() override;
  boost::asio::awaitable<Status> keep(const ChatMessage& message,
                                      std::optional<Usage> usage) override;

  // The last assistant message stored by this run.
  const std::optional<Message>& last_answer() const { return last_answer_; }

 private:
  ConversationRepository& conversations_;
  IdGenerator& ids_;
  const Clock& clock_;
  Conversation conversation_;
  std::string run_id_;
  std::optional<Message> last_answer_;
};

ChatMessage to_chat_message(const Message& message);

}  // namespace agentd
