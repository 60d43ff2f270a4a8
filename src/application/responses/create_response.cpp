#include "application/responses/create_response.h"

#include <algorithm>
#include <set>

namespace agentd {
namespace {

namespace asio = boost::asio;

// The calls of the conversation's latest tool turn that no tool message answers yet: those a
// client's function_call_output items may answer.
std::set<std::string> unanswered_calls(const std::vector<Message>& messages) {
  std::set<std::string> open;
  for (const auto& message : messages) {
    if (message.role == "assistant" && !message.tool_calls.empty()) {
      open.clear();
      for (const auto& call : message.tool_calls) open.insert(call.id);
    } else if (message.role == "tool") {
      open.erase(message.tool_call_id);
    } else if (message.role == "user") {
      open.clear();
    }
  }
  return open;
}

// Tool results first: they must follow the assistant turn that asked for them.
void answers_first(std::vector<ChatMessage>& input) {
  std::stable_partition(input.begin(), input.end(),
                        [](const ChatMessage& message) { return message.role == "tool"; });
}

}  // namespace

asio::awaitable<Result<StartedResponse>> CreateResponse::start(const Principal& caller,
                                                               ResponseRequest request) {
  if (request.previous_response_id && request.conversation_id) {
    co_return Error::invalid("previous_response_id and conversation cannot both be given",
                             "conversation");
  }
  if (request.background && !request.store) {
    co_return Error::invalid("background responses must be stored: store cannot be false", "store");
  }
  std::optional<StoredResponse> previous;
  if (request.previous_response_id) {
    auto found = co_await responses_.find(caller.user_id, *request.previous_response_id);
    if (!found) {
      auto error = std::move(found).take_error();
      error.param = "previous_response_id";
      co_return error;
    }
    if (!is_final(found->status)) {
      co_return Error{ErrorCode::conflict, "the previous response is still in progress",
                      "previous_response_id", "response_in_progress"};
    }
    auto latest = co_await responses_.latest_in_conversation(found->conversation_id);
    if (!latest) co_return latest.error();
    if (*latest && **latest != found->id) {
      co_return Error::invalid(
          "only the latest response of a conversation can be continued; continuing an older "
          "one (branching) is not supported",
          "previous_response_id", "previous_response_not_latest");
    }
    previous = std::move(*found);
  }
  if (!request.approvals.empty()) {
    if (!previous) {
      co_return Error::invalid(
          "an mcp_approval_response needs the previous_response_id of "
          "the response that asked for the approval",
          "previous_response_id");
    }
    if (!request.input.empty()) {
      co_return Error::invalid("mcp_approval_response items cannot be mixed with other input items",
                               "input");
    }
    co_return co_await resume(caller, std::move(request), std::move(*previous));
  }
  if (request.input.empty()) co_return Error::invalid("input must not be empty", "input");

  auto target_conversation = co_await target(caller, request, previous);
  if (!target_conversation) co_return target_conversation.error();
  const auto& conversation = target_conversation->conversation;
  if (!target_conversation->created) {
    auto outputs = co_await check_outputs(conversation, request.input);
    if (!outputs) co_return outputs.error();
  }
  answers_first(request.input);

  auto response = new_response(caller, request, conversation);
  // The run stores the input first, one message per item: the output begins after it.
  response.output_after += static_cast<std::int64_t>(request.input.size());
  response.run_id = ids_.new_id();
  response.previous_response_id = request.previous_response_id;
  auto created = co_await responses_.create(response);
  if (!created) co_return created.error();

  TurnRequest turn;
  turn.conversation_id = conversation.id;
  turn.input = std::move(request.input);
  turn.instructions = std::move(request.instructions);
  turn.client_tools = std::move(request.client_tools);
  turn.sampling = std::move(request.sampling);
  turn.run_id = response.run_id;
  turn.model = std::move(request.model);
  turn.tools = request.agentd_tools
                   ? std::move(request.allowed_tools)
                   : std::optional<std::vector<std::string>>(std::vector<std::string>{});
  turn.max_steps = request.max_steps;
  turn.truncation = request.truncation;
  turn.background = request.background;
  auto live = co_await conversation_runs_.start(caller, std::move(turn));
  if (!live) {
    // Nothing ran: nothing of it is kept.
    (void)co_await responses_.remove(caller.user_id, response.id);
    if (target_conversation->created) {
      (void)co_await conversations_.remove(caller.user_id, conversation.id);
    }
    co_return live.error();
  }
  co_return StartedResponse{std::move(response), std::move(*live), target_conversation->created};
}

asio::awaitable<Result<CreateResponse::Target>> CreateResponse::target(
    const Principal& caller, const ResponseRequest& request,
    const std::optional<StoredResponse>& previous) {
  if (previous || request.conversation_id) {
    const auto id = previous ? previous->conversation_id : *request.conversation_id;
    auto conversation = co_await conversations_.find(caller.user_id, id);
    if (!conversation) {
      auto error = std::move(conversation).take_error();
      if (!previous) error.param = "conversation";
      co_return error;
    }
    co_return Target{std::move(*conversation), false};
  }
  NewConversation fresh;
  fresh.model = request.model;
  fresh.truncation = request.truncation;
  auto conversation = co_await manage_conversations_.create(caller, std::move(fresh));
  if (!conversation) co_return conversation.error();
  co_return Target{std::move(*conversation), true};
}

asio::awaitable<Status> CreateResponse::check_outputs(const Conversation& conversation,
                                                      const std::vector<ChatMessage>& input) {
  const bool has_outputs = std::any_of(input.begin(), input.end(), [](const ChatMessage& message) {
    return message.role == "tool";
  });
  if (!has_outputs) co_return ok_status();
  auto messages = co_await conversations_.messages(conversation.id);
  if (!messages) co_return messages.error();
  const auto open = unanswered_calls(*messages);
  for (const auto& message : input) {
    if (message.role == "tool" && !open.contains(message.tool_call_id)) {
      co_return Error::invalid("function_call_output " + message.tool_call_id +
                                   " answers no function call awaiting its output",
                               "input", "invalid_function_call_output");
    }
  }
  co_return ok_status();
}

asio::awaitable<Result<StartedResponse>> CreateResponse::resume(const Principal& caller,
                                                                ResponseRequest request,
                                                                StoredResponse previous) {
  auto run = co_await runs_.find_run(previous.run_id);
  if (!run) co_return run.error();
  auto approvals = co_await runs_.run_approvals(run->id);
  if (!approvals) co_return approvals.error();
  ApproveRequest approve;
  approve.conversation_id = previous.conversation_id;
  approve.background = request.background;
  for (const auto& answer : request.approvals) {
    const auto approval =
        std::find_if(approvals->begin(), approvals->end(),
                     [&](const Approval& candidate) { return candidate.id == answer.approval_id; });
    if (approval == approvals->end()) {
      co_return Error::invalid("approval_request_id " + answer.approval_id +
                                   " names no approval request of the previous response",
                               "input", "approval_not_found");
    }
    ApprovalDecision decision;
    decision.tool_call_id = approval->tool_call_id;
    decision.approved = answer.approve;
    decision.reason = answer.reason;
    approve.decisions.push_back(std::move(decision));
  }
  auto conversation = co_await conversations_.find(caller.user_id, previous.conversation_id);
  if (!conversation) co_return conversation.error();

  auto response = new_response(caller, request, *conversation);
  response.run_id = run->id;
  response.previous_response_id = previous.id;
  response.model = run->model;
  response.events_after = run->last_event_id;
  response.usage_before = run->usage;
  auto created = co_await responses_.create(response);
  if (!created) co_return created.error();
  auto live = co_await conversation_runs_.approve(caller, std::move(approve));
  if (!live) {
    (void)co_await responses_.remove(caller.user_id, response.id);
    co_return live.error();
  }
  co_return StartedResponse{std::move(response), std::move(*live), false};
}

StoredResponse CreateResponse::new_response(const Principal& caller, const ResponseRequest& request,
                                            const Conversation& conversation) const {
  StoredResponse response;
  response.id = ids_.new_id();
  response.user_id = caller.user_id;
  response.api_key_id = caller.api_key_id;
  response.conversation_id = conversation.id;
  response.status = ResponseStatus::in_progress;
  response.model = request.model.value_or(conversation.model);
  response.background = request.background;
  response.request = request.echo;
  response.input_items = request.input_items;
  response.output_after = conversation.message_count;
  response.created_at = clock_.now();
  return response;
}

asio::awaitable<void> CreateResponse::forget(const Principal& caller,
                                             const StartedResponse& started) {
  if (started.new_conversation) {
    (void)co_await conversations_.remove(caller.user_id, started.response.conversation_id);
  } else {
    (void)co_await responses_.remove(caller.user_id, started.response.id);
  }
}

}  // namespace agentd
