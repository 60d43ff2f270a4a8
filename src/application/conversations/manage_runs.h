// A user's runs: list a conversation's runs, read one, cancel one. A cancel is stored, so
// whichever process runs the run sees it; this process also stops its own runs at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "application/agent/live_run.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/delay.h"
#include "application/ports/id_generator.h"
#include "application/ports/notices.h"
#include "application/ports/run_repository.h"

namespace agentd {

class ManageRuns {
 public:
  // How long cancel waits for a run another process runs to stop before answering with its
  // state (that process sees the request within its follow period).
  static constexpr std::chrono::milliseconds kCancelWait{5'000};
  static constexpr std::chrono::milliseconds kCancelPoll{100};

  ManageRuns(ConversationRepository& conversations, RunRepository& runs, LiveRuns& live_runs,
             IdGenerator& ids, const Clock& clock, Delay& delay)
      : conversations_(conversations),
        runs_(runs),
        live_runs_(live_runs),
        ids_(ids),
        clock_(clock),
        delay_(delay) {}

  // Newest first; 404 for another user's conversation.
  boost::asio::awaitable<Result<Page<Run>>> list(const Principal& caller,
                                                 std::string conversation_id, int limit,
                                                 std::optional<std::string> after);
  // 404 for another user's run.
  boost::asio::awaitable<Result<Run>> get(const Principal& caller, std::string run_id);
  // A paused run ends cancelled at once (its pending approvals closed as rejected
  // "cancelled", each call answered in the history); a running one is asked to stop and
  // awaited for up to kCancelWait. 404 for another user's run, 409 run_not_active when it
  // already ended.
  boost::asio::awaitable<Result<Run>> cancel(const Principal& caller, std::string run_id);

  // Stops this process's runs whose cancellation another process stored; checks every
  // `period` while runs are going, until the loop's executor stops.
  boost::asio::awaitable<void> follow_cancel_requests(std::chrono::milliseconds period);

  // Cancels meant for another replica are announced through `notices` from now on.
  void announce_to(Notices& notices) { notices_ = &notices; }

 private:
  boost::asio::awaitable<Result<Run>> cancel_paused(const Principal& caller, Run run);
  boost::asio::awaitable<Result<Run>> wait_until_final(std::string run_id);

  ConversationRepository& conversations_;
  RunRepository& runs_;
  LiveRuns& live_runs_;
  IdGenerator& ids_;
  const Clock& clock_;
  Delay& delay_;
  Notices* notices_ = nullptr;
};

}  // namespace agentd
