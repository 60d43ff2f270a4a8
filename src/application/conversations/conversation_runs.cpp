#include "application/conversations/conversation_runs.h"

#include <algorithm>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <chrono>

#include "application/agent/agent_state_codec.h"
#include "application/agent/run_outcome.h"
#include "application/conversations/conversation_memory.h"
#include "application/tools/approval_gate.h"
#include "domain/conversation/conversation_errors.h"

namespace agentd {

namespace asio = boost::asio;

struct ConversationRuns::Job {
  std::shared_ptr<LiveRun> live;
  Principal caller;
  Run run;
  AgentState state;
  ConversationMemory memory;
  graph::Start start;  // the beginning, or where a paused run resumes
};

namespace {

constexpr std::string_view kExpired = "expired";

// What the run's latest model call sent, and what it learned of the upstream's tokens.
void record_context(Run& run, const AgentState& state) {
  if (state.steps == 0) return;  // no call made: run.started's figures stand
  run.messages_sent = state.messages_sent;
  run.messages_left_out = state.messages_left_out;
  if (state.token_ratio > 0) run.token_ratio = state.token_ratio;
}

ChatMessage rejection_message(const Approval& approval, std::string_view reason) {
  ModelToolCall call{approval.tool_call_id, approval.tool, approval.arguments};
  return tool_message(rejected_call(call, reason));
}

}  // namespace

asio::awaitable<Result<std::shared_ptr<LiveRun>>> ConversationRuns::start(const Principal& caller,
                                                                          TurnRequest request) {
  if (request.message.empty() && request.input.empty()) {
    co_return Error::invalid("message must not be empty", "message");
  }
  auto conversation = co_await conversations_.find(caller.user_id, request.conversation_id);
  if (!conversation) co_return conversation.error();

  auto model = request.model.value_or(conversation->model);
  auto route = models_.resolve(caller, model);
  if (!route) co_return route.error();
  const std::string model_name = (*route)->name;
  auto state = agent_.initial_state(caller, std::move(model), request.tools, request.max_steps,
                                    WithApproval::yes, "");
  if (!state) co_return state.error();
  state->caller = caller;
  state->client_tools = std::move(request.client_tools);
  state->sampling = std::move(request.sampling);
  state->truncation = request.truncation.value_or(conversation->truncation);
  // The conversation's previous run learned how the upstream counts its tokens.
  auto previous = co_await runs_.list_runs(conversation->id, 1, std::nullopt);
  if (previous && !previous->items.empty())
    state->token_ratio = previous->items.front().token_ratio;

  Run run;
  run.id = request.run_id.value_or(ids_.new_id());
  run.conversation_id = conversation->id;
  run.user_id = caller.user_id;
  run.model = model_name;
  run.created_at = clock_.now();
  run.updated_at = run.created_at;
  auto claimed = co_await runs_.start_run(run);
  if (!claimed && claimed.error().code == "run_in_progress" &&
      conversation->status == ConversationStatus::awaiting_approval) {
    // Expired approvals free their conversation for the next message.
    auto released = co_await release_expired_pause(caller, *conversation);
    if (!released) co_return released.error();
    if (*released) claimed = co_await runs_.start_run(run);
  }
  if (!claimed) co_return claimed.error();

  if (request.instructions) conversation->system_prompt = std::move(*request.instructions);
  ConversationMemory memory(conversations_, ids_, clock_, *conversation, run.id);
  std::vector<ChatMessage> turn;
  if (!request.message.empty()) {
    ChatMessage user;
    user.role = "user";
    user.content = std::move(request.message);
    turn.push_back(std::move(user));
  }
  for (auto& message : request.input) turn.push_back(std::move(message));
  Status stored = ok_status();
  for (const auto& message : turn) {
    stored = co_await memory.keep(message, std::nullopt);
    if (!stored) break;
  }
  if (!stored) {
    run.status = RunStatus::failed;
    run.error = stored.error().message;
    run.finished_at = clock_.now();
    (void)co_await runs_.update_run(run);
    co_return stored.error();
  }
  const auto first_words = std::find_if(turn.begin(), turn.end(), [](const ChatMessage& message) {
    return message.role == "user" && !message.content.empty();
  });
  if (conversation->title.empty() && first_words != turn.end()) {
    (void)co_await conversations_.set_title_if_empty(conversation->id,
                                                     derive_title(first_words->content));
  }

  const auto background = request.background ? Background::yes : Background::no;
  auto live =
      std::make_shared<LiveRun>(clock_, run.id, conversation->id, caller.user_id, background);
  auto job = std::make_shared<Job>(
      Job{live, caller, std::move(run), std::move(*state), std::move(memory), graph::Start{}});
  live_runs_.add(live);
  live->start(co_await asio::this_coro::executor, drive(job));
  co_return live;
}

asio::awaitable<void> ConversationRuns::drive(std::shared_ptr<Job> job) {
  // A new run loads its history now, so that run.started says what its first call sends.
  if (job->start.node.empty()) {
    auto history = co_await job->memory.load_history();
    if (history) {
      job->state.messages = std::move(*history);
      job->run.messages_left_out = agent_.keep_what_fits(job->caller, job->state);
      job->run.messages_sent = static_cast<int>(job->state.messages.size());
    }
  }
  job->live->events().emit(RunStarted{job->run});
  AgentContext context{job->caller,
                       job->memory,
                       job->live->events(),
                       job->run.id,
                       job->run.conversation_id,
                       &job->live->cancellation(),
                       true};
  graph::Report report;
  try {
    report = co_await agent_.run(context, job->state, job->start);
  } catch (const std::exception& e) {
    report.outcome = graph::Outcome::failed;
    report.error = Error::internal(std::string("the run failed unexpectedly: ") + e.what());
  }
  // Recording the outcome must finish even if another cancellation arrives meanwhile.
  co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  co_await finish(*job, report);
}

asio::awaitable<void> ConversationRuns::finish(Job& job, graph::Report report) {
  if (job.live->abandoned()) {
    // Another replica holds the run now and writes its end; this copy only lets go, and
    // tells only its own readers (the shared feed's numbering is the new holder's).
    job.live->events().mirror_to(nullptr);
    job.live->events().emit(RunFailed{
        Error::unavailable("another server took this run over; follow it there", "run_taken_over"),
        std::nullopt});
    job.live->events().close();
    co_return;
  }
  if (report.outcome == graph::Outcome::finished && !job.state.awaiting_approval.empty()) {
    auto paused = co_await pause(job, report);
    if (paused) co_return;
    report.outcome = graph::Outcome::failed;
    report.error = paused.error();
  }
  auto& run = job.run;
  run.steps = job.state.steps;
  run.usage = job.state.usage;
  record_context(run, job.state);
  auto error = record_outcome(run, report, clock_.now());
  // A run stopped between asking for tools and running them still answers each call; a run
  // that finished leaves the client's calls to the client's next turn.
  for (const auto& call : job.state.pending_calls) {
    if (report.outcome == graph::Outcome::finished && is_client_call(job.state, call)) continue;
    const auto answer = tool_message(not_run(call, "the run stopped before this tool ran"));
    (void)co_await job.memory.keep(answer, std::nullopt);
  }
  // One event follows the store: run.completed or error.
  run.last_event_id = job.live->events().last_id() + 1;
  auto stored = co_await runs_.update_run(run);
  const Error* why = error ? &*error : nullptr;
  if (stored && observer_ != nullptr) co_await observer_->part_ended(run, why, job.state.cut_short);
  RunResult result{run, job.memory.last_answer(), {}};
  if (error) {
    job.live->events().emit(RunFailed{std::move(*error), std::move(result)});
  } else if (!stored) {
    job.live->events().emit(RunFailed{stored.error(), std::nullopt});
  } else {
    job.live->events().emit(RunCompleted{std::move(result)});
  }
  job.live->events().close();
  // The client has its answer; the database gets the run's end when it is back.
  if (!stored && stored.error().kind == ErrorCode::unavailable) {
    auto stored_later = co_await store_end_when_back(run);
    if (stored_later && observer_ != nullptr) co_await observer_->part_ended(run, nullptr, false);
  }
}

asio::awaitable<Status> ConversationRuns::store_end_when_back(const Run& run) {
  constexpr std::chrono::milliseconds kFirstWait{250};
  constexpr std::chrono::milliseconds kLongestWait{5'000};
  constexpr std::chrono::minutes kPatience{2};
  auto wait = kFirstWait;
  std::chrono::milliseconds waited{0};
  while (waited < kPatience) {
    co_await delay_.wait(wait);
    waited += wait;
    auto stored = co_await runs_.update_run(run);
    if (stored || stored.error().kind != ErrorCode::unavailable) co_return stored;
    wait = std::min(wait * 2, kLongestWait);
  }
  // Still down: the next start fails the run as interrupted.
  co_return Error::unavailable("the run's end could not be stored");
}

asio::awaitable<Status> ConversationRuns::pause(Job& job, const graph::Report& report) {
  auto& run = job.run;
  const auto now = clock_.now();
  run.status = RunStatus::awaiting_approval;
  run.steps = job.state.steps;
  run.usage = job.state.usage;
  record_context(run, job.state);
  run.updated_at = now;
  std::vector<Approval> approvals;
  for (const auto& call : job.state.pending_calls) {
    const auto& awaiting = job.state.awaiting_approval;
    if (std::find(awaiting.begin(), awaiting.end(), call.id) == awaiting.end()) continue;
    Approval approval;
    approval.id = ids_.new_id();
    approval.conversation_id = run.conversation_id;
    approval.run_id = run.id;
    approval.user_id = run.user_id;
    approval.tool_call_id = call.id;
    approval.tool = call.name;
    // A call its own key's list made wait may not be decided by that key.
    if (auto entry = tools_.find(call.name);
        entry && approval_requirement(job.caller, entry->tool->spec()) ==
                     ApprovalRequirement::by_caller_key) {
      approval.required_by_api_key_id = job.caller.api_key_id;
    }
    approval.arguments = call.arguments;
    approval.created_at = now;
    approval.expires_at = now + agent_.settings().approval_ttl;
    approvals.push_back(std::move(approval));
  }
  const auto resume = ReactAgent::resume_point(report.steps);
  // Two events follow the store: approval.required and run.completed.
  run.last_event_id = job.live->events().last_id() + 2;
  Checkpoint checkpoint;
  checkpoint.run_id = run.id;
  checkpoint.next_node = resume.node;
  checkpoint.steps = resume.steps;
  checkpoint.state = encode_agent_state(job.state);
  checkpoint.saved_at = now;
  auto paused = co_await runs_.pause_run(run, approvals, std::move(checkpoint));
  if (!paused) co_return paused.error();
  if (observer_ != nullptr) co_await observer_->part_ended(run, nullptr, false);
  job.live->events().emit(ApprovalRequired{approvals});
  RunResult result{run, job.memory.last_answer(), std::move(approvals)};
  job.live->events().emit(RunCompleted{std::move(result)});
  job.live->events().close();
  co_return ok_status();
}

Result<std::vector<Approval>> ConversationRuns::decide_all(const Principal& caller,
                                                           const std::vector<Approval>& pending,
                                                           const ApproveRequest& request) const {
  const auto now = clock_.now();
  std::vector<ApprovalDecision> decisions = request.decisions;
  if (request.approve_all) {
    decisions.clear();
    for (const auto& approval : pending) {
      if (approval.is_expired(now)) continue;
      ApprovalDecision decision;
      decision.tool_call_id = approval.tool_call_id;
      decision.approved = *request.approve_all;
      if (!request.reason.empty()) decision.reason = request.reason;
      decisions.push_back(std::move(decision));
    }
  }
  // Who decides is checked before what is decided: a refused credential learns nothing more.
  for (const auto& approval : pending) {
    if (approval.is_expired(now)) continue;
    if (auto allowed = may_decide(caller, approval); !allowed) return allowed.error();
  }
  if (auto valid = check_decisions(pending, decisions, now); !valid) return valid.error();

  std::vector<Approval> decided;
  for (auto approval : pending) {
    approval.decided_at = now;
    approval.decided_by = Decider{caller.user_id, caller.api_key_id};
    auto decision = std::find_if(decisions.begin(), decisions.end(), [&](const auto& d) {
      return d.tool_call_id == approval.tool_call_id;
    });
    // Too late: an expired call stays rejected, whatever the decision says.
    if (approval.is_expired(now) || decision == decisions.end()) {
      approval.status = ApprovalStatus::expired;
      approval.reason = std::string(kExpired);
    } else {
      approval.status = decision->approved ? ApprovalStatus::approved : ApprovalStatus::rejected;
      approval.reason = decision->reason;
      if (decision->arguments) {
        // Checked now, so a bad edit is the approver's 400 rather than a failed tool call.
        const std::string param =
            "decisions[" + std::to_string(decision - decisions.begin()) + "].arguments";
        boost::system::error_code ec;
        auto parsed = boost::json::parse(*decision->arguments, ec);
        if (ec || !parsed.is_object()) {
          return Error::invalid("arguments must be a JSON object", param, "invalid_arguments");
        }
        auto entry = tools_.find(approval.tool);
        if (!entry)
          return Error::invalid("no tool named " + approval.tool, param, "tool_not_found");
        if (auto fits = entry->schema->validate(parsed.get_object()); !fits) {
          auto error = fits.error();
          error.param = param;
          return error;
        }
        approval.edited_arguments = decision->arguments;
      }
    }
    decided.push_back(std::move(approval));
  }
  return decided;
}

asio::awaitable<Result<std::shared_ptr<LiveRun>>> ConversationRuns::approve(
    const Principal& caller, ApproveRequest request) {
  auto conversation = co_await conversations_.find(caller.user_id, request.conversation_id);
  if (!conversation) co_return conversation.error();
  if (conversation->status != ConversationStatus::awaiting_approval)
    co_return not_awaiting_approval();
  auto run = co_await runs_.find_paused_run(conversation->id);
  if (!run) co_return not_awaiting_approval();
  auto approvals = co_await runs_.run_approvals(run->id);
  if (!approvals) co_return approvals.error();
  std::vector<Approval> pending;
  for (const auto& approval : *approvals) {
    if (approval.status == ApprovalStatus::pending) pending.push_back(approval);
  }
  if (pending.empty()) co_return not_awaiting_approval();
  auto decided = decide_all(caller, pending, request);
  if (!decided) co_return decided.error();
  auto checkpoint = co_await checkpoints_.load(run->id);
  if (!checkpoint) co_return checkpoint.error();
  if (!*checkpoint) co_return Error::internal("the paused run has no checkpoint");
  auto state = decode_agent_state((*checkpoint)->state);
  if (!state) co_return state.error();

  const auto now = clock_.now();
  auto recorded = co_await runs_.decide(caller.user_id, conversation->id, run->id, *decided, now);
  if (!recorded) co_return recorded.error();

  for (const auto& approval : *decided) {
    ToolDecision decision;
    decision.approved = approval.status == ApprovalStatus::approved;
    decision.reason = approval.reason.value_or(std::string());
    decision.arguments = approval.edited_arguments;
    state->decisions.insert_or_assign(approval.tool_call_id, std::move(decision));
  }
  run->status = RunStatus::running;
  run->updated_at = now;
  ConversationMemory memory(conversations_, ids_, clock_, *conversation, run->id);
  const auto background = request.background ? Background::yes : Background::no;
  auto live = std::make_shared<LiveRun>(clock_, run->id, conversation->id, caller.user_id,
                                        background, run->last_event_id);
  // A reader of /events catches up across the pause while this process has the first part.
  if (auto earlier = live_runs_.latest(conversation->id); earlier && earlier->run_id() == run->id) {
    live->events().carry_over(earlier->events());
  }
  graph::Start start{(*checkpoint)->next_node, (*checkpoint)->steps};
  // The run goes on with the permissions of whoever started it, not the approver's.
  Principal runner = state->caller.value_or(caller);
  auto job = std::make_shared<Job>(Job{live, std::move(runner), std::move(*run), std::move(*state),
                                       std::move(memory), std::move(start)});
  live_runs_.add(live);
  live->start(co_await asio::this_coro::executor, drive(job));
  co_return live;
}

asio::awaitable<Result<std::shared_ptr<LiveRun>>> ConversationRuns::take_over(
    Run run, std::int64_t last_event_id) {
  if (run.cancel_requested_at) {
    auto ended = co_await end_taken_over(std::move(run), RunStatus::cancelled,
                                         "cancelled while its server was down");
    if (!ended) co_return ended.error();
    co_return nullptr;
  }
  auto checkpoint = co_await checkpoints_.load(run.id);
  if (!checkpoint) co_return checkpoint.error();
  std::optional<AgentState> state;
  if (*checkpoint) {
    auto decoded = decode_agent_state((*checkpoint)->state);
    if (decoded && decoded->caller) state = std::move(*decoded);
  }
  if (!state) {
    auto ended = co_await end_taken_over(std::move(run), RunStatus::failed,
                                         "interrupted: its server stopped before its first step");
    if (!ended) co_return ended.error();
    co_return nullptr;
  }
  auto conversation = co_await conversations_.find(run.user_id, run.conversation_id);
  if (!conversation) co_return conversation.error();

  ConversationMemory memory(conversations_, ids_, clock_, *conversation, run.id);
  auto live =
      std::make_shared<LiveRun>(clock_, run.id, run.conversation_id, run.user_id, Background::yes,
                                std::max(last_event_id, run.last_event_id));
  graph::Start start{(*checkpoint)->next_node, (*checkpoint)->steps};
  Principal runner = *state->caller;
  auto job = std::make_shared<Job>(Job{live, std::move(runner), std::move(run), std::move(*state),
                                       std::move(memory), std::move(start)});
  live_runs_.add(live);
  // A strand of its own: the caller is a timer's coroutine (or the start-up), not a
  // connection's strand, and on a pool of threads the run's cancellation signal and the
  // operations it waits on in parallel (a read and its deadline) must never overlap.
  live->start(asio::make_strand(co_await asio::this_coro::executor), drive(job));
  co_return live;
}

asio::awaitable<Status> ConversationRuns::end_taken_over(Run run, RunStatus status,
                                                         std::string why) {
  const auto now = clock_.now();
  run.status = status;
  run.error = std::move(why);
  run.updated_at = now;
  run.finished_at = now;
  auto stored = co_await runs_.update_run(run);
  if (stored && observer_ != nullptr) co_await observer_->part_ended(run, nullptr, false);
  co_return stored;
}

asio::awaitable<Result<bool>> ConversationRuns::release_expired_pause(
    const Principal& caller, const Conversation& conversation) {
  auto run = co_await runs_.find_paused_run(conversation.id);
  if (!run) co_return false;
  auto approvals = co_await runs_.run_approvals(run->id);
  if (!approvals) co_return approvals.error();
  const auto now = clock_.now();
  std::vector<Approval> expired;
  for (auto approval : *approvals) {
    if (approval.status != ApprovalStatus::pending) continue;
    if (!approval.is_expired(now)) co_return false;
    approval.status = ApprovalStatus::expired;
    approval.reason = std::string(kExpired);
    approval.decided_at = now;
    expired.push_back(std::move(approval));
  }
  auto recorded = co_await runs_.decide(caller.user_id, conversation.id, run->id, expired, now);
  if (!recorded) {
    // Another request released (or decided) it first: not this request's to release.
    if (recorded.error().kind == ErrorCode::conflict) co_return false;
    co_return recorded.error();
  }
  ConversationMemory memory(conversations_, ids_, clock_, conversation, run->id);
  for (const auto& approval : expired) {
    const auto answer = rejection_message(approval, kExpired);
    (void)co_await memory.keep(answer, std::nullopt);
  }
  run->status = RunStatus::cancelled;
  run->error = "its approvals expired";
  run->updated_at = now;
  run->finished_at = now;
  auto ended = co_await runs_.update_run(*run);
  if (!ended) co_return ended.error();
  co_return true;
}

asio::awaitable<Result<RunResult>> ConversationRuns::wait(LiveRun& run) {
  auto outcome = co_await run.outcome();
  if (auto* completed = std::get_if<RunCompleted>(&outcome)) co_return std::move(completed->result);
  auto& failed = std::get<RunFailed>(outcome);
  // A run that started is answered with its result (status failed); only a run whose
  // outcome could not even be stored is an error.
  if (failed.result) co_return std::move(*failed.result);
  co_return std::move(failed.error);
}

}  // namespace agentd
