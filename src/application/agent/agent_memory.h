// Where a run's conversation comes from and where its new messages go: a stored
// conversation, or only the request (stateless agent mode).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd {

class AgentMemory {
 public:
  virtual ~AgentMemory() = default;
  // The messages the model sees first (system prompt included).
  virtual boost::asio::awaitable<Result<std::vector<ChatMessage>>> load_history() = 0;
  // Keeps a message the run produced (an assistant answer or a tool result), in order.
  virtual boost::asio::awaitable<Status> keep(const ChatMessage& message,
                                              std::optional<Usage> usage) = 0;
};

}  // namespace agentd
