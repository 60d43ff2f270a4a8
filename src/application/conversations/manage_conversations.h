// A user's conversations: create, list, read with messages, delete. Strictly per owner:
// another user's conversation does not exist for them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/live_run.h"
#include "application/chat/model_router.h"
#include "application/conversations/manage_runs.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/id_generator.h"
#include "application/ports/run_repository.h"

namespace agentd {

struct NewConversation {
  std::optional<std::string> title;
  std::optional<std::string> model;
  std::optional<std::string> system_prompt;
  std::optional<Truncation> truncation;
};

struct ConversationDetail {
  Conversation conversation;
  std::vector<Message> messages;
};

inline constexpr std::size_t kMaxTitleInputBytes = 1000;

class ManageConversations {
 public:
  ManageConversations(ConversationRepository& conversations, RunRepository& runs,
                      const ModelRouter& models, LiveRuns& live_runs, ManageRuns& manage_runs,
                      IdGenerator& ids, const Clock& clock)
      : conversations_(conversations),
        runs_(runs),
        models_(models),
        live_runs_(live_runs),
        manage_runs_(manage_runs),
        ids_(ids),
        clock_(clock) {}

  boost::asio::awaitable<Result<Conversation>> create(const Principal& caller,
                                                      NewConversation request);
  boost::asio::awaitable<Result<Page<Conversation>>> list(const Principal& caller, int limit,
                                                          std::optional<std::string> after);
  boost::asio::awaitable<Result<ConversationDetail>> get(const Principal& caller,
                                                         std::string conversation_id);
  // The conversation without its messages.
  boost::asio::awaitable<Result<Conversation>> find(const Principal& caller,
                                                    std::string conversation_id);
  // A run still going (or paused) is cancelled first; 409 run_in_progress if it does not
  // stop in time.
  boost::asio::awaitable<Status> remove(const Principal& caller, std::string conversation_id);
  // The approvals across the caller's conversations, newest first; all when no status.
  boost::asio::awaitable<Result<Page<Approval>>> list_approvals(
      const Principal& caller, std::optional<ApprovalStatus> status, int limit,
      std::optional<std::string> after);

 private:
  ConversationRepository& conversations_;
  RunRepository& runs_;
  const ModelRouter& models_;
  LiveRuns& live_runs_;
  ManageRuns& manage_runs_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
