#include "application/conversations/conversation_runs.h"

#include <boost/asio/this_coro.hpp>

#include "application/conversations/conversation_memory.h"

namespace agentd {

namespace asio = boost::asio;

struct ConversationRuns::Job {
  std::shared_ptr<LiveRun> live;
  Principal caller;
  Run run;
  AgentState state;
  ConversationMemory memory;
};

asio::awaitable<Result<std::shared_ptr<LiveRun>>> ConversationRuns::start(const Principal& caller,
                                                                           TurnRequest request) {
  if (request.message.empty()) co_return Error::invalid("message must not be empty", "message");
  auto conversation = co_await conversations_.find(caller.user_id, request.conversation_id);
  if (!conversation) co_return conversation.error();

  AgentState state;
  state.model = request.model.value_or(conversation->model);
  auto route = models_.resolve(caller, state.model);
  if (!route) co_return route.error();
  if (request.tools) {
    auto tools = agent_.choose_tools(caller, *request.tools);
    if (!tools) co_return tools.error();
    state.tools = std::move(*tools);
  } else {
    state.tools = agent_.default_tools(caller);
  }
  state.max_steps = request.max_steps.value_or(agent_.settings().default_max_steps);
  if (state.max_steps < 1 || state.max_steps > agent_.settings().max_steps_limit) {
    co_return Error::invalid("max_steps must be between 1 and " +
                                 std::to_string(agent_.settings().max_steps_limit),
                             "max_steps");
  }

  Run run;
  run.id = ids_.new_id();
  run.conversation_id = conversation->id;
  run.user_id = caller.user_id;
  run.created_at = clock_.now();
  run.updated_at = run.created_at;
  auto claimed = co_await conversations_.start_run(run);
  if (!claimed) co_return claimed.error();

  ConversationMemory memory(conversations_, ids_, clock_, *conversation, run.id);
  ChatMessage user;
  user.role = "user";
  user.content = std::move(request.message);
  auto stored = co_await memory.keep(user, std::nullopt);
  if (!stored) {
    run.status = RunStatus::failed;
    run.error = stored.error().message;
    (void)co_await conversations_.update_run(run);
    co_return stored.error();
  }
  if (conversation->title.empty()) {
    (void)co_await conversations_.set_title_if_empty(conversation->id, derive_title(user.content));
  }

  auto live = std::make_shared<LiveRun>(run.id, conversation->id, caller.user_id, request.background);
  auto job = std::make_shared<Job>(Job{live, caller, std::move(run), std::move(state), std::move(memory)});
  live_runs_.add(live);
  live->start(co_await asio::this_coro::executor, drive(job));
  co_return live;
}

asio::awaitable<void> ConversationRuns::drive(std::shared_ptr<Job> job) {
  job->live->events().emit(RunStarted{job->run});
  AgentContext context{job->caller, job->memory, job->live->events(), job->run.id,
                       job->run.conversation_id, &job->live->cancellation(), true};
  graph::Report report;
  try {
    report = co_await agent_.run(context, job->state);
  } catch (const std::exception& e) {
    report.outcome = graph::Outcome::failed;
    report.error = Error::internal(std::string("the run failed unexpectedly: ") + e.what());
  }
  co_await asio::this_coro::reset_cancellation_state();
  co_await finish(*job, report);
}

asio::awaitable<void> ConversationRuns::finish(Job& job, const graph::Report& report) {
  auto& run = job.run;
  run.steps = job.state.steps;
  run.usage = job.state.usage;
  run.updated_at = clock_.now();
  switch (report.outcome) {
    case graph::Outcome::finished:
      run.status = RunStatus::completed;
      break;
    case graph::Outcome::cancelled:
      run.status = RunStatus::cancelled;
      break;
    case graph::Outcome::node_limit:
    case graph::Outcome::failed:
      run.status = RunStatus::failed;
      run.error = report.error ? report.error->message : "the run stopped unexpectedly";
      break;
  }
  // A run stopped between asking for tools and running them still answers each call.
  for (const auto& call : job.state.pending_calls) {
    const auto answer = tool_message(not_run(call, "the run stopped before this tool ran"));
    (void)co_await job.memory.keep(answer, std::nullopt);
  }
  auto stored = co_await conversations_.update_run(run);
  RunResult result{run, job.memory.last_answer()};
  if (run.status == RunStatus::failed) {
    auto error = report.error.value_or(Error::internal("the run failed"));
    job.live->events().emit(RunFailed{std::move(error), std::move(result)});
  } else if (!stored) {
    job.live->events().emit(RunFailed{stored.error(), std::nullopt});
  } else {
    job.live->events().emit(RunCompleted{std::move(result)});
  }
  job.live->events().close();
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
