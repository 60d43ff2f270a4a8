#include "application/agent/react_agent.h"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <set>

#include "application/agent/agent_state_codec.h"
#include "application/agent/context_fit.h"
#include "application/chat/tool_call_accumulator.h"
#include "application/common/run_bounded.h"
#include "application/tools/approval_gate.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kLoadHistory = "load_history";
constexpr std::string_view kCallModel = "call_model";
constexpr std::string_view kCheckApproval = "check_approval";
constexpr std::string_view kExecuteTools = "execute_tools";
constexpr std::string_view kPause = "pause";

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_abort(const boost::system::system_error& e) {
  return e.code() == asio::error::operation_aborted;
}

// Asked to stop, by the flag or through Asio's cancellation of the coroutine. Not itself a
// coroutine: awaiting one in a cancelled coroutine would throw.
bool is_cancelled(const AgentContext& context, const asio::cancellation_state& state) {
  if (context.cancellation != nullptr && context.cancellation->requested()) return true;
  return state.cancelled() != asio::cancellation_type::none;
}

constexpr std::string_view kContextLengthExceeded = "context_length_exceeded";

double ratio_or_one(const AgentState& state) {
  return state.token_ratio > 0 ? state.token_ratio : 1.0;
}

// The upstream refused the prompt's length, after any trimming this run could do.
Error context_too_long(const AgentState& state, const std::optional<ContextLimits>& window,
                       const Error& upstream) {
  std::string message = "context_length_exceeded: the model " + state.model +
                        " refused the prompt as longer than its context window";
  if (window) message += " (" + std::to_string(window->context_window) + " tokens)";
  message += "; it held " + std::to_string(state.messages_sent) + " messages";
  if (state.truncation == Truncation::disabled) {
    message +=
        ", all of them, because truncation is disabled: send with \"truncation\": "
        "\"auto\" to leave out the oldest turns";
  } else {
    message += ", the oldest turns already left out: the newest turn alone is too long";
  }
  if (!upstream.message.empty()) message += " (upstream: " + upstream.message + ")";
  return Error::invalid(std::move(message), {}, std::string(kContextLengthExceeded));
}

}  // namespace

ReactAgent::ReactAgent(ModelRouter& models, ExecuteTool& tools, const ToolRegistry& registry,
                       CheckpointStore* checkpoints, IdGenerator& ids, const Clock& clock,
                       AgentSettings settings)
    : models_(models),
      tools_(tools),
      registry_(registry),
      checkpoints_(checkpoints),
      ids_(ids),
      clock_(clock),
      settings_(settings) {}

std::vector<std::string> ReactAgent::default_tools(const Principal& caller,
                                                   WithApproval with_approval) const {
  std::vector<std::string> names;
  for (const auto& entry : registry_.list_for(caller)) {
    if (with_approval == WithApproval::yes || !requires_approval(caller, entry.tool->spec())) {
      names.push_back(entry.tool->spec().name);
    }
  }
  return names;
}

Result<std::vector<std::string>> ReactAgent::choose_tools(const Principal& caller,
                                                          const std::vector<std::string>& requested,
                                                          WithApproval with_approval) const {
  std::vector<std::string> chosen;
  std::set<std::string, std::less<>> seen;
  for (const auto& name : requested) {
    if (!seen.insert(name).second) continue;
    auto entry = registry_.find(name);
    if (!entry) return Error::invalid("no tool named " + name, "tools", "tool_not_found");
    if (!caller.may_use_tool(name)) {
      return Error{ErrorCode::forbidden, "this credential may not use tool " + name, "tools",
                   "tool_not_allowed"};
    }
    if (with_approval == WithApproval::no && requires_approval(caller, entry->tool->spec())) {
      return Error::invalid("tool " + name + " needs approval and cannot run in this mode", "tools",
                            "tool_requires_approval");
    }
    chosen.push_back(name);
  }
  return chosen;
}

Result<AgentState> ReactAgent::initial_state(const Principal& caller, std::string model,
                                             const std::optional<std::vector<std::string>>& tools,
                                             std::optional<int> max_steps,
                                             WithApproval with_approval,
                                             std::string_view param_prefix) const {
  const std::string prefix(param_prefix);
  AgentState state;
  state.model = std::move(model);
  if (tools) {
    auto chosen = choose_tools(caller, *tools, with_approval);
    if (!chosen) {
      auto error = std::move(chosen).take_error();
      error.param = prefix + error.param;
      return error;
    }
    state.tools = std::move(*chosen);
  } else {
    state.tools = default_tools(caller, with_approval);
  }
  state.max_steps = max_steps.value_or(settings_.default_max_steps);
  if (state.max_steps < 1 || state.max_steps > settings_.max_steps_limit) {
    return Error::invalid(
        prefix + "max_steps must be between 1 and " + std::to_string(settings_.max_steps_limit),
        prefix + "max_steps");
  }
  return state;
}

int ReactAgent::node_limit(const AgentState& state) const {
  // load_history, then per step a model call and a tool round (check, run, maybe pause),
  // then the last model call.
  return 1 + 4 * (state.max_steps + 1) + 1;
}

AgentGraph ReactAgent::build(AgentContext& context) {
  AgentGraph graph;
  graph
      .add_node(std::string(kLoadHistory),
                [this, &context](AgentState& state, graph::EventSink<RunEvent>&) {
                  return load_history(context, state);
                })
      .add_node(std::string(kCallModel),
                [this, &context](AgentState& state, graph::EventSink<RunEvent>&) {
                  return call_model(context, state);
                })
      .add_node(std::string(kCheckApproval),
                [this, &context](AgentState& state, graph::EventSink<RunEvent>&) {
                  return check_approval(context, state);
                })
      .add_node(std::string(kExecuteTools),
                [this, &context](AgentState& state, graph::EventSink<RunEvent>&) {
                  return execute_tools(context, state);
                })
      // The run's owner stores the pause (approvals, checkpoint) once the graph has ended.
      .add_node(std::string(kPause),
                [](AgentState&, graph::EventSink<RunEvent>&) -> asio::awaitable<Status> {
                  co_return ok_status();
                })
      .add_edge(std::string(kLoadHistory), std::string(kCallModel))
      .add_conditional_edge(std::string(kCallModel),
                            [](const AgentState& state) {
                              return state.pending_calls.empty() ? std::string(graph::kEnd)
                                                                 : std::string(kCheckApproval);
                            })
      .add_edge(std::string(kCheckApproval), std::string(kExecuteTools))
      // What is still pending after a tool round without a pause is for the client to run.
      .add_conditional_edge(std::string(kExecuteTools),
                            [](const AgentState& state) {
                              if (!state.awaiting_approval.empty()) return std::string(kPause);
                              return state.pending_calls.empty() ? std::string(kCallModel)
                                                                 : std::string(graph::kEnd);
                            })
      .add_edge(std::string(kPause), std::string(graph::kEnd))
      .set_entry(std::string(kLoadHistory));
  return graph;
}

asio::awaitable<graph::Report> ReactAgent::run(AgentContext& context, AgentState& state,
                                               graph::Start start) {
  auto graph = build(context);
  graph::GraphRunner<AgentState, RunEvent> runner(
      graph, context.checkpointed ? checkpoints_ : nullptr, encode_agent_state, clock_);
  // A resumed run gets a fresh budget on top of the nodes it ran before.
  const int limit = start.steps + node_limit(state);
  if (context.checkpointed && checkpoints_ != nullptr) {
    context.save_progress = [&runner, &context](const AgentState& progress) {
      return runner.save_progress(context.run_id, progress);
    };
  }
  auto report = co_await runner.run(context.run_id, state, context.events, std::move(start), limit,
                                    context.cancellation);
  context.save_progress = nullptr;  // the runner is gone with this frame
  co_return report;
}

graph::Start ReactAgent::resume_point(int steps) {
  return graph::Start{std::string(kCheckApproval), steps};
}

asio::awaitable<Status> ReactAgent::check_approval(AgentContext& context, AgentState& state) {
  state.awaiting_approval.clear();
  for (const auto& call : state.pending_calls) {
    if (state.decisions.contains(call.id) || !contains(state.tools, call.name)) continue;
    auto entry = registry_.find(call.name);
    if (entry && requires_approval(context.caller, entry->tool->spec())) {
      state.awaiting_approval.push_back(call.id);
    }
  }
  co_return ok_status();
}

asio::awaitable<Status> ReactAgent::load_history(AgentContext& context, AgentState& state) {
  if (!state.messages.empty()) co_return ok_status();  // loaded by the run's owner
  auto history = co_await context.memory.load_history();
  if (!history) co_return history.error();
  state.messages = std::move(*history);
  co_return ok_status();
}

std::optional<ContextLimits> ReactAgent::context_window_of(const Principal& caller,
                                                           const AgentState& state) const {
  auto route = models_.resolve(caller, state.model);
  // Unresolved, the call itself reports it; without a window, nothing is fitted.
  if (!route || (*route)->limits.context_window <= 0) return std::nullopt;
  return (*route)->limits;
}

int ReactAgent::keep_what_fits(const Principal& caller, AgentState& state) const {
  const auto tool_tokens = estimated_tokens(offered_tools(state));
  auto fitted = fit_for_call(state, context_window_of(caller, state), tool_tokens);
  if (fitted.left_out > 0) {
    state.history_left_out += fitted.left_out;
    state.messages = std::move(fitted.messages);
  }
  return state.history_left_out;
}

FittedHistory ReactAgent::fit_for_call(const AgentState& state,
                                       const std::optional<ContextLimits>& window,
                                       std::int64_t tool_tokens) const {
  if (state.truncation == Truncation::disabled || !window) {
    return FittedHistory{state.messages, 0, estimated_tokens(state.messages)};
  }
  const auto max_tokens = state.sampling.max_tokens.value_or(0);
  const auto tools =
      static_cast<std::int64_t>(static_cast<double>(tool_tokens) * ratio_or_one(state));
  return fit_history(state.messages, history_budget(*window, max_tokens, tools), state.token_ratio);
}

std::vector<ToolDefinition> ReactAgent::offered_tools(const AgentState& state) const {
  auto offered = definitions(state.tools);
  offered.insert(offered.end(), state.client_tools.begin(), state.client_tools.end());
  return offered;
}

std::vector<ToolDefinition> ReactAgent::definitions(const std::vector<std::string>& names) const {
  std::vector<ToolDefinition> definitions;
  for (const auto& name : names) {
    auto entry = registry_.find(name);
    if (!entry) continue;  // gone since the run started (an MCP server went away)
    const auto& spec = entry->tool->spec();
    definitions.push_back(ToolDefinition{spec.name, spec.description, spec.parameters});
  }
  return definitions;
}

asio::awaitable<Status> ReactAgent::call_model(AgentContext& context, AgentState& state) {
  // Past the step limit the model gets no tools: it must answer with what it has.
  const bool last_call = state.steps >= state.max_steps;
  ChatRequest request;
  request.model = state.model;
  request.temperature = state.sampling.temperature;
  request.top_p = state.sampling.top_p;
  request.max_tokens = state.sampling.max_tokens;
  request.seed = state.sampling.seed;
  request.user = state.sampling.user;
  request.response_format = state.sampling.response_format;
  if (!last_call) {
    request.tools = offered_tools(state);
    if (!request.tools.empty()) {
      request.tool_choice = state.sampling.tool_choice;
      request.parallel_tool_calls = state.sampling.parallel_tool_calls;
    }
  }

  const auto window = context_window_of(context.caller, state);
  const auto tool_tokens = estimated_tokens(request.tools);
  auto fitted = fit_for_call(state, window, tool_tokens);
  request.messages = std::move(fitted.messages);
  auto routed = co_await models_.stream(context.caller, request);
  if (!routed && routed.error().code == kContextLengthExceeded &&
      state.truncation == Truncation::automatic) {
    // The estimate was short: once, send a quarter less than what was refused.
    const auto budget = static_cast<std::int64_t>(static_cast<double>(fitted.estimated) *
                                                  ratio_or_one(state) * 0.75);
    auto shorter = fit_history(state.messages, budget, state.token_ratio);
    if (shorter.left_out > fitted.left_out) {
      ++state.context_retries;
      fitted = std::move(shorter);
      request.messages = std::move(fitted.messages);
      routed = co_await models_.stream(context.caller, request);
    }
  }
  state.messages_sent = static_cast<int>(request.messages.size());
  state.messages_left_out = state.history_left_out + fitted.left_out;
  if (!routed && routed.error().code == kContextLengthExceeded) {
    co_return context_too_long(state, window, routed.error());
  }
  if (!routed) {
    if (is_cancelled(context, co_await asio::this_coro::cancellation_state)) {
      throw boost::system::system_error(asio::error::operation_aborted);
    }
    co_return routed.error();
  }
  state.answered_by = routed->model;

  ChatMessage answer;
  answer.role = "assistant";
  ToolCallAccumulator calls;
  std::optional<Usage> usage;
  std::string finish_reason;
  std::optional<Error> failure;
  bool interrupted = false;
  try {
    for (;;) {
      auto delta = co_await routed->stream->next();
      if (!delta) {
        failure = std::move(delta).take_error();
        break;
      }
      if (!*delta) break;
      if (!(*delta)->content.empty()) {
        answer.content += (*delta)->content;
        context.events.emit(MessageDelta{(*delta)->content});
      }
      calls.add((*delta)->tool_calls);
      if ((*delta)->usage) usage = (*delta)->usage;
      if ((*delta)->finish_reason) finish_reason = *(*delta)->finish_reason;
    }
  } catch (const boost::system::system_error& e) {
    if (!is_abort(e)) throw;
    interrupted = true;
  }
  // A cancelled stream may end with an error value rather than an exception.
  if (failure && !interrupted) {
    interrupted = is_cancelled(context, co_await asio::this_coro::cancellation_state);
    if (!interrupted) co_return *failure;
  }
  if (interrupted) {
    // What the client already saw is kept, then the run stops.
    co_await asio::this_coro::reset_cancellation_state();
    if (!answer.content.empty()) {
      state.messages.push_back(answer);
      (void)co_await context.memory.keep(answer, usage);
    }
    throw boost::system::system_error(asio::error::operation_aborted);
  }

  ++state.steps;
  state.cut_short = finish_reason == "length";
  if (usage) {
    state.usage += *usage;
    // The next call's estimate is corrected by what this one really cost.
    if (auto ratio = learned_token_ratio(usage->prompt_tokens, fitted.estimated + tool_tokens);
        ratio > 0) {
      state.token_ratio = ratio;
    }
  }
  // A call without its result would make the history invalid, so on the last call any tool
  // call is dropped rather than kept unanswered.
  if (!last_call) answer.tool_calls = calls.calls();
  for (auto& call : answer.tool_calls) {
    if (call.id.empty()) call.id = "call_" + ids_.new_id();
  }
  state.pending_calls = answer.tool_calls;
  state.messages.push_back(answer);
  co_return co_await context.memory.keep(answer, usage);
}

asio::awaitable<ToolResult> ReactAgent::execute_one(AgentContext& context, const AgentState& state,
                                                    const ModelToolCall& call) {
  // The model may name a tool it was not offered; the ACL is checked again by ExecuteTool.
  if (std::find(state.tools.begin(), state.tools.end(), call.name) == state.tools.end()) {
    ToolResult refused;
    refused.tool_call_id = call.id;
    refused.name = call.name;
    refused.error =
        Error{ErrorCode::forbidden, "tool " + call.name + " is not available in this run", "name",
              "tool_not_allowed"};
    co_return refused;
  }
  std::string arguments = call.arguments;
  CallOrigin origin{context.conversation_id, PersonApproval::absent};
  if (auto decision = state.decisions.find(call.id); decision != state.decisions.end()) {
    if (!decision->second.approved) co_return rejected_call(call, decision->second.reason);
    if (decision->second.arguments) arguments = *decision->second.arguments;
    origin.approval = PersonApproval::granted;
  }
  ToolCall request{call.id, call.name, boost::json::value(arguments)};
  co_return co_await tools_.run(context.caller, std::move(request), std::move(origin));
}

asio::awaitable<Status> ReactAgent::execute_tools(AgentContext& context, AgentState& state) {
  // Calls waiting for a person stay pending; the others run now. A copy: the pending list
  // shrinks as results are kept.
  std::vector<ModelToolCall> calls;
  for (const auto& call : state.pending_calls) {
    if (contains(state.awaiting_approval, call.id)) continue;
    if (is_client_call(state, call)) {
      // Announced once, as the run ends for the client to answer it.
      if (state.awaiting_approval.empty()) context.events.emit(ToolCallStarted{call});
      continue;
    }
    calls.push_back(call);
  }
  if (calls.empty()) co_return ok_status();

  // A run taken over from a replica that died in this node: what finished is not run again,
  // and what had started is run again only when the tool says that is safe.
  std::vector<std::optional<ToolResult>> results(calls.size());
  std::vector<std::optional<ChatMessage>> journaled(calls.size());
  std::vector<std::size_t> to_run;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& call = calls[i];
    if (auto finished = state.finished_calls.find(call.id);
        finished != state.finished_calls.end()) {
      journaled[i] = finished->second;
    } else if (contains(state.started_calls, call.id) && !is_idempotent(call.name)) {
      results[i] = interrupted_call(call);
    } else {
      to_run.push_back(i);
    }
  }
  for (const auto i : to_run) {
    auto call = calls[i];
    // Observers see the arguments the tool will actually get.
    auto decision = state.decisions.find(call.id);
    if (decision != state.decisions.end() && decision->second.arguments) {
      call.arguments = *decision->second.arguments;
    }
    context.events.emit(ToolCallStarted{std::move(call)});
  }
  // Followers learn how the interrupted calls were answered.
  for (const auto& result : results) {
    if (result) context.events.emit(ToolCallCompleted{*result});
  }
  // Stored before any call runs: a replica that takes over knows they may have acted.
  if (context.save_progress && !to_run.empty()) {
    for (const auto i : to_run) {
      if (!contains(state.started_calls, calls[i].id)) state.started_calls.push_back(calls[i].id);
    }
    auto saved = co_await context.save_progress(state);
    if (!saved) co_return saved.error();
  }

  ProgressJournal journal;
  IndexedJob run_call = [&](std::size_t n) -> asio::awaitable<void> {
    const auto index = to_run[n];
    results[index] = co_await execute_one(context, state, calls[index]);
    context.events.emit(ToolCallCompleted{*results[index]});
    if (context.save_progress) {
      state.finished_calls.insert_or_assign(calls[index].id, tool_message(*results[index]));
      co_await journal.save(context, state);
    }
  };
  // Returns once every call has ended, even when cancelled: the job may refer to this frame.
  const auto failure =
      co_await run_bounded(to_run.size(), settings_.tool_concurrency, std::move(run_call));
  const bool cancelled =
      failure || is_cancelled(context, co_await asio::this_coro::cancellation_state);
  if (cancelled) {
    // Every call still gets its tool message, so the history stays valid.
    co_await asio::this_coro::reset_cancellation_state();
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (!results[i] && !journaled[i])
        results[i] = not_run(calls[i], "the run was cancelled before this tool finished");
    }
  }

  // Results go into the history in the order the model asked for them; each call leaves
  // the pending list once its answer is stored.
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto message = journaled[i] ? *journaled[i] : tool_message(*results[i]);
    state.messages.push_back(message);
    auto kept = co_await context.memory.keep(message, std::nullopt);
    if (!kept && !cancelled) co_return kept.error();
    std::erase_if(state.pending_calls,
                  [&](const ModelToolCall& call) { return call.id == calls[i].id; });
    state.decisions.erase(calls[i].id);
  }
  state.started_calls.clear();
  state.finished_calls.clear();
  if (failure) std::rethrow_exception(failure);
  if (cancelled) throw boost::system::system_error(asio::error::operation_aborted);
  co_return ok_status();
}

bool ReactAgent::is_idempotent(const std::string& tool) const {
  auto entry = registry_.find(tool);
  return entry && entry->tool->spec().idempotent;
}

asio::awaitable<void> ReactAgent::ProgressJournal::save(AgentContext& context,
                                                        const AgentState& state) {
  dirty_ = true;
  if (saving_) co_return;  // the save in flight goes round once more
  saving_ = true;
  while (dirty_) {
    dirty_ = false;
    // A lost save costs at most a call run again or answered as interrupted on takeover.
    (void)co_await context.save_progress(state);
  }
  saving_ = false;
}

bool is_client_call(const AgentState& state, const ModelToolCall& call) {
  if (contains(state.tools, call.name)) return false;
  return std::any_of(state.client_tools.begin(), state.client_tools.end(),
                     [&](const ToolDefinition& tool) { return tool.name == call.name; });
}

ToolResult interrupted_call(const ModelToolCall& call) {
  ToolResult result;
  result.tool_call_id = call.id;
  result.name = call.name;
  result.error = Error{ErrorCode::unprocessable,
                       "interrupted: the server running this tool stopped before it answered; "
                       "its result is unknown and it was not run again",
                       {},
                       "tool_interrupted"};
  return result;
}

ToolResult rejected_call(const ModelToolCall& call, std::string_view reason) {
  ToolResult result;
  result.tool_call_id = call.id;
  result.name = call.name;
  result.error = Error{ErrorCode::forbidden,
                       "a person rejected this tool call" +
                           (reason.empty() ? std::string() : ": " + std::string(reason)),
                       {},
                       "tool_call_rejected"};
  return result;
}

ToolResult not_run(const ModelToolCall& call, std::string reason) {
  ToolResult result;
  result.tool_call_id = call.id;
  result.name = call.name;
  result.error = Error{ErrorCode::unprocessable, std::move(reason), {}, "tool_not_run"};
  return result;
}

ChatMessage tool_message(const ToolResult& result) {
  ChatMessage message;
  message.role = "tool";
  message.tool_call_id = result.tool_call_id;
  message.name = result.name;
  message.content = tool_message_content(result);
  return message;
}

std::string tool_message_content(const ToolResult& result) {
  if (result.error) {
    boost::json::object error{{"error", result.error->message}};
    if (!result.error->code.empty()) error["code"] = result.error->code;
    return boost::json::serialize(error);
  }
  if (result.result && result.result->is_string()) return std::string(result.result->get_string());
  return result.result ? boost::json::serialize(*result.result) : std::string("null");
}

}  // namespace agentd
