// A run's memory when nothing is stored (agent mode of chat completions): the history is
// the request's messages, and the run's messages live only in its state.
#pragma once

#include <optional>
#include <vector>

#include "application/agent/agent_memory.h"
#include "domain/conversation/message.h"

namespace agentd {

class RequestMemory final : public AgentMemory {
 public:
  explicit RequestMemory(std::vector<ChatMessage> messages) : messages_(std::move(messages)) {}

  boost::asio::awaitable<Result<std::vector<ChatMessage>>> load_history() override {
    co_return messages_;
  }
  boost::asio::awaitable<Status> keep(const ChatMessage& message,
                                      std::optional<Usage> usage) override {
    if (message.role == "assistant") {
      Message answer;
      answer.role = message.role;
      answer.content = message.content;
      answer.tool_calls = message.tool_calls;
      answer.usage = usage;
      last_answer_ = std::move(answer);
    }
    co_return ok_status();
  }

  const std::optional<Message>& last_answer() const { return last_answer_; }

 private:
  std::vector<ChatMessage> messages_;
  std::optional<Message> last_answer_;
};

}  // namespace agentd
