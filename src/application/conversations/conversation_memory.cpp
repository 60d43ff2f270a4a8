#include "application/conversations/conversation_memory.h"

#include "application/agent/history.h"

namespace agentd {

ChatMessage to_chat_message(const Message& message) {
  ChatMessage chat;
  chat.role = message.role;
  chat.content = message.content;
  chat.tool_calls = message.tool_calls;
  chat.tool_call_id = message.tool_call_id;
  chat.name = message.name;
  return chat;
}

boost::asio::awaitable<Result<std::vector<ChatMessage>>> ConversationMemory::load_history() {
  auto stored = co_await conversations_.messages(conversation_.id);
  if (!stored) co_return stored.error();
  std::vector<ChatMessage> history;
  history.reserve(stored->size() + 1);
  if (!conversation_.system_prompt.empty()) {
    ChatMessage system;
    system.role = "system";
    system.content = conversation_.system_prompt;
    history.push_back(std::move(system));
  }
  for (const auto& message : *stored) history.push_back(to_chat_message(message));
  // A process that died mid-run can leave a call unanswered; the model must not see that.
  answer_unanswered_calls(history);
  co_return history;
}

boost::asio::awaitable<Status> ConversationMemory::keep(const ChatMessage& chat,
                                                        std::optional<Usage> usage) {
  Message message;
  message.id = ids_.new_id();
  message.conversation_id = conversation_.id;
  message.run_id = run_id_;
  message.role = chat.role;
  message.content = chat.content;
  message.tool_calls = chat.tool_calls;
  message.tool_call_id = chat.tool_call_id;
  message.name = chat.name;
  message.usage = usage;
  message.created_at = clock_.now();
  auto stored = co_await conversations_.append_message(std::move(message));
  if (!stored) co_return stored.error();
  if (stored->role == "assistant") last_answer_ = std::move(*stored);
  co_return ok_status();
}

}  // namespace agentd
