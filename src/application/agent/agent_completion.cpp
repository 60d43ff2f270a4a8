#include "application/agent/agent_completion.h"

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/this_coro.hpp>

#include "application/agent/request_memory.h"
#include "application/agent/run_outcome.h"

namespace agentd {

namespace asio = boost::asio;

struct AgentCompletion::Job {
  std::shared_ptr<LiveRun> live;
  Principal caller;
  AgentState state;
  RequestMemory memory;
  Run run;
};

asio::awaitable<Result<StartedAgentRun>> AgentCompletion::start(const Principal& caller,
                                                                AgentCompletionRequest request) {
  auto route = models_.resolve(caller, request.model);
  if (!route) co_return route.error();
  auto state = agent_.initial_state(caller, (*route)->name, request.tools, request.max_steps,
                                    WithApproval::no, "agent.");
  if (!state) co_return state.error();
  state->sampling = std::move(request.sampling);
  // The client's messages are its own business: sent as given, a refusal answered as 400.
  state->truncation = Truncation::disabled;

  Run run;
  run.id = ids_.new_id();
  run.user_id = caller.user_id;
  run.created_at = clock_.now();
  run.updated_at = run.created_at;
  auto live =
      std::make_shared<LiveRun>(clock_, run.id, std::string(), caller.user_id, Background::no);
  RequestMemory memory(std::move(request.messages));
  auto job = std::make_shared<Job>(
      Job{live, caller, std::move(*state), std::move(memory), std::move(run)});
  StartedAgentRun started{live, job->state.model};
  live->start(co_await asio::this_coro::executor, drive(job));
  co_return started;
}

asio::awaitable<void> AgentCompletion::drive(std::shared_ptr<Job> job) {
  AgentContext context{job->caller, job->memory,  job->live->events(),
                       job->run.id, std::nullopt, &job->live->cancellation()};
  graph::Report report;
  graph::Start beginning;  // named: an aggregate temporary in a co_await is miscompiled
  try {
    report = co_await agent_.run(context, job->state, std::move(beginning));
  } catch (const std::exception& e) {
    report.outcome = graph::Outcome::failed;
    report.error = Error::internal(std::string("the run failed unexpectedly: ") + e.what());
  }
  // Recording the outcome must finish even if another cancellation arrives meanwhile.
  co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  auto& run = job->run;
  run.steps = job->state.steps;
  run.usage = job->state.usage;
  auto error = record_outcome(run, report, clock_.now());
  RunResult result{run, job->memory.last_answer(), {}};
  if (error) {
    job->live->events().emit(RunFailed{std::move(*error), std::move(result)});
  } else {
    job->live->events().emit(RunCompleted{std::move(result)});
  }
  job->live->events().close();
}

}  // namespace agentd
