// POST /v1/responses: a client's turn as the Responses API sends it, taken through the agent
// on a stored conversation. A new response starts a run (on a new conversation, the one named,
// or the previous response's); answers to approval requests resume the paused run instead.
// The response is stored before its run starts, so whoever ends the run finds it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "application/ports/response_repository.h"

namespace agentd {

// An mcp_approval_response input item.
struct ApprovalAnswer {
  std::string approval_id;
  bool approve = false;
  std::optional<std::string> reason;
};

struct ResponseRequest {
  std::optional<std::string> model;
  std::optional<std::string> instructions;
  // Input messages, and tool messages answering the client's function calls, in order.
  std::vector<ChatMessage> input;
  std::vector<ApprovalAnswer> approvals;
  std::vector<ToolDefinition> client_tools;
  // agentd's own tools, offered through an mcp tool with server_label "agentd": none unless
  // asked for; then `allowed_tools`, or every tool the caller may use.
  bool agentd_tools = false;
  std::optional<std::vector<std::string>> allowed_tools;
  SamplingOptions sampling;
  std::optional<int> max_steps;
  std::optional<Truncation> truncation;
  std::optional<std::string> previous_response_id;
  std::optional<std::string> conversation_id;
  bool background = false;
  bool store = true;
  std::string echo;         // JSON object: the settings the response object shows back
  std::string input_items;  // JSON array: the input items as sent
};

struct StartedResponse {
  StoredResponse response;
  std::shared_ptr<LiveRun> live;
  bool new_conversation = false;  // made for this response alone
};

class CreateResponse {
 public:
  CreateResponse(ConversationRepository& conversations, RunRepository& runs,
                 ResponseRepository& responses, ConversationRuns& conversation_runs,
                 ManageConversations& manage_conversations, IdGenerator& ids, const Clock& clock)
      : conversations_(conversations),
        runs_(runs),
        responses_(responses),
        conversation_runs_(conversation_runs),
        manage_conversations_(manage_conversations),
        ids_(ids),
        clock_(clock) {}

  // 404 for a previous response or conversation that is not the caller's; 400 for a previous
  // response that is not its conversation's latest, answers that match no pending approval,
  // or tool outputs that answer no call; 409 when the conversation has a run going.
  boost::asio::awaitable<Result<StartedResponse>> start(const Principal& caller,
                                                        ResponseRequest request);
  // A response asked with store=false leaves nothing behind once answered: the response, and
  // the conversation made for it.
  boost::asio::awaitable<void> forget(const Principal& caller, const StartedResponse& started);

 private:
  struct Target {
    Conversation conversation;
    bool created = false;
  };
  boost::asio::awaitable<Result<Target>> target(const Principal& caller,
                                                const ResponseRequest& request,
                                                const std::optional<StoredResponse>& previous);
  boost::asio::awaitable<Status> check_outputs(const Conversation& conversation,
                                               const std::vector<ChatMessage>& input);
  boost::asio::awaitable<Result<StartedResponse>> resume(const Principal& caller,
                                                         ResponseRequest request,
                                                         StoredResponse previous);
  StoredResponse new_response(const Principal& caller, const ResponseRequest& request,
                              const Conversation& conversation) const;

  ConversationRepository& conversations_;
  RunRepository& runs_;
  ResponseRepository& responses_;
  ConversationRuns& conversation_runs_;
  ManageConversations& manage_conversations_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
