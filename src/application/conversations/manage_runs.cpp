#include "application/conversations/manage_runs.h"

#include <boost/asio/this_coro.hpp>

#include "application/agent/react_agent.h"
#include "application/conversations/conversation_memory.h"
#include "domain/conversation/conversation_errors.h"

namespace agentd {

namespace asio = boost::asio;

asio::awaitable<Result<Page<Run>>> ManageRuns::list(const Principal& caller,
                                                    std::string conversation_id, int limit,
                                                    std::optional<std::string> after) {
  auto conversation = co_await conversations_.find(caller.user_id, conversation_id);
  if (!conversation) co_return conversation.error();
  co_return co_await runs_.list_runs(std::move(conversation_id), limit, std::move(after));
}

asio::awaitable<Result<Run>> ManageRuns::get(const Principal& caller, std::string run_id) {
  auto run = co_await runs_.find_run(std::move(run_id));
  // Another user's run is reported exactly like a missing one.
  if (!run || run->user_id != caller.user_id) co_return run_not_found();
  co_return run;
}

asio::awaitable<Result<Run>> ManageRuns::cancel(const Principal& caller, std::string run_id) {
  auto run = co_await get(caller, run_id);
  if (!run) co_return run.error();
  if (run->status == RunStatus::awaiting_approval) co_return co_await cancel_paused(caller, *run);
  if (is_final(run->status)) co_return run_not_active();

  auto requested = co_await runs_.request_cancel(run_id, clock_.now());
  if (!requested) {
    // It paused meanwhile: cancel the pause instead.
    if (requested.error().code == "run_not_active") {
      auto now_stored = co_await runs_.find_run(run_id);
      if (now_stored && now_stored->status == RunStatus::awaiting_approval) {
        co_return co_await cancel_paused(caller, *now_stored);
      }
    }
    co_return requested.error();
  }
  Result<Run> stopped = run_not_found();
  if (auto live = live_runs_.find(run_id); live && !live->events().closed()) {
    // This process runs it: stop it now and answer once its end is stored.
    live->cancel();
    (void)co_await live->outcome();
    stopped = co_await runs_.find_run(run_id);
  } else {
    // Its replica stops it at once when told; else at its next check of stored requests.
    if (notices_ != nullptr) {
      Notice notice{Notice::Kind::run_cancel_requested, run_id};
      co_await notices_->publish(std::move(notice));
    }
    stopped = co_await wait_until_final(run_id);
  }
  // It reached a pause before it saw the request: the pause is cancelled instead.
  if (stopped && stopped->status == RunStatus::awaiting_approval) {
    co_return co_await cancel_paused(caller, *stopped);
  }
  co_return stopped;
}

asio::awaitable<Result<Run>> ManageRuns::cancel_paused(const Principal& caller, Run run) {
  const auto now = clock_.now();
  // Named, not braced into the call: see docs/coroutines.md.
  Decider decider{caller.user_id, caller.api_key_id};
  auto closed = co_await runs_.cancel_paused_run(run.id, std::move(decider), now);
  if (!closed) co_return closed.error();
  // Each call that waited is answered, so the history stays a valid message list.
  auto conversation = co_await conversations_.find(caller.user_id, run.conversation_id);
  if (!conversation) co_return conversation.error();
  ConversationMemory memory(conversations_, ids_, clock_, *conversation, run.id);
  for (const auto& approval : *closed) {
    const ModelToolCall call{approval.tool_call_id, approval.tool, approval.arguments};
    const auto answer = tool_message(not_run(call, "the run was cancelled before this tool ran"));
    if (auto kept = co_await memory.keep(answer, std::nullopt); !kept) co_return kept.error();
  }
  co_return co_await runs_.find_run(run.id);
}

asio::awaitable<Result<Run>> ManageRuns::wait_until_final(std::string run_id) {
  auto waited = std::chrono::milliseconds::zero();
  for (;;) {
    auto run = co_await runs_.find_run(run_id);
    if (!run || run->status != RunStatus::running || waited >= kCancelWait) co_return run;
    co_await delay_.wait(kCancelPoll);
    waited += kCancelPoll;
  }
}

asio::awaitable<void> ManageRuns::follow_cancel_requests(std::chrono::milliseconds period) {
  for (;;) {
    co_await delay_.wait(period);
    auto running = live_runs_.running_ids();
    if (running.empty()) continue;
    auto requested = co_await runs_.cancel_requested(std::move(running));
    // A failed look is tried again next period; the adapter has logged it.
    if (!requested) continue;
    for (const auto& run_id : *requested) {
      if (auto live = live_runs_.find(run_id)) live->cancel();
    }
  }
}

}  // namespace agentd
