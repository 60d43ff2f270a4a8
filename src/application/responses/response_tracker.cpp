#include "application/responses/response_tracker.h"

#include <algorithm>

namespace agentd {

Usage part_usage(const Usage& run_now, const Usage& before) {
  auto less = [](std::int64_t now, std::int64_t then) {
    return std::max<std::int64_t>(0, now - then);
  };
  return Usage{less(run_now.prompt_tokens, before.prompt_tokens),
               less(run_now.completion_tokens, before.completion_tokens),
               less(run_now.total_tokens, before.total_tokens)};
}

boost::asio::awaitable<void> ResponseTracker::part_ended(const Run& run, const Error* error,
                                                         bool cut_short) {
  auto open = co_await responses_.find_open_by_run(run.id);
  if (!open || !*open) co_return;  // not a response's run, or nothing open
  auto& response = **open;
  auto conversation = co_await conversations_.find(run.user_id, run.conversation_id);
  if (!conversation) co_return;  // deleted meanwhile: so is the response

  ResponseEnd end;
  end.status = response_status_for(run.status);
  end.output_until = conversation->message_count;
  end.usage = part_usage(run.usage, response.usage_before);
  end.completed_at = clock_.now();
  if (run.status == RunStatus::completed && cut_short) {
    // The answer stopped at max_output_tokens: the reason is kept where errors are.
    end.status = ResponseStatus::incomplete;
    end.error_code = "max_output_tokens";
  }
  if (run.status == RunStatus::failed) {
    end.error_code = error != nullptr && !error->code.empty() ? error->code : "server_error";
    end.error_message = error != nullptr ? error->message : run.error.value_or("the run failed");
  }
  auto finished = co_await responses_.finish(response.id, end);
  if (!finished) co_return;
  if (ended_) {
    record_end(response, end);
    co_await ended_(response);
  }
}

}  // namespace agentd
