// Ends a response when its part of the run ends: records its status, where its output stops
// in the conversation, and what this part cost. Whichever replica ends the run records it.
#pragma once

#include <functional>

#include "application/conversations/run_part_observer.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/response_repository.h"

namespace agentd {

class ResponseTracker final : public RunPartObserver {
 public:
  // Told of each response that ended, once it is stored (for webhooks).
  using Ended = std::function<boost::asio::awaitable<void>(const StoredResponse&)>;

  ResponseTracker(ResponseRepository& responses, ConversationRepository& conversations,
                  const Clock& clock)
      : responses_(responses), conversations_(conversations), clock_(clock) {}

  void on_ended(Ended ended) { ended_ = std::move(ended); }

  boost::asio::awaitable<void> part_ended(const Run& run, const Error* error,
                                          bool cut_short) override;

 private:
  ResponseRepository& responses_;
  ConversationRepository& conversations_;
  const Clock& clock_;
  Ended ended_;
};

// What a part of a run cost: the run's usage now, less what it had used before the part.
Usage part_usage(const Usage& run_now, const Usage& before);

}  // namespace agentd
