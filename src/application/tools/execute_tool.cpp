#include "application/tools/execute_tool.h"

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "application/common/run_bounded.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

constexpr std::size_t kMaxAuditedArgumentBytes = std::size_t{8} * 1024;

Error invalid_arguments(std::string message) {
  return Error::invalid(std::move(message), "arguments", "invalid_arguments");
}

Result<boost::json::object> parse_arguments(const boost::json::value& arguments) {
  if (arguments.is_object()) return arguments.get_object();
  if (arguments.is_null()) return boost::json::object{};
  if (!arguments.is_string())
    return invalid_arguments("arguments must be a JSON object or a string holding one");
  const auto& text = arguments.get_string();
  if (text.empty()) return boost::json::object{};
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec) return invalid_arguments("arguments is not valid JSON: " + ec.message());
  if (!parsed.is_object()) return invalid_arguments("arguments must be a JSON object");
  return std::move(parsed.get_object());
}

std::string capped_json(const boost::json::value& value) {
  auto text = boost::json::serialize(value);
  if (text.size() > kMaxAuditedArgumentBytes) {
    // Cut before a character, never inside one: the audit must stay valid UTF-8.
    std::size_t cut = kMaxAuditedArgumentBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "…";
  }
  return text;
}

// operator|| waits for the first operand that succeeds, so a tool that throws would leave the
// call waiting for its deadline; here the exception becomes the tool's failure at once.
asio::awaitable<Result<boost::json::value>> execute_catching(Tool& tool,
                                                             boost::json::object arguments,
                                                             const ToolContext& context) {
  try {
    co_return co_await tool.execute(std::move(arguments), context);
  } catch (const std::exception&) {
    co_return tool_error("tool " + tool.spec().name + " failed unexpectedly");
  }
}

}  // namespace

asio::awaitable<ToolResult> ExecuteTool::run(const Principal& caller, ToolCall call,
                                             CallOrigin origin) {
  if (call.id.empty()) call.id = "call_" + ids_.new_id();
  ToolResult result;
  bool interrupted = false;
  const auto started = clock_.steady_now();
  try {
    result = co_await attempt(caller, call, origin.approval);
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
    interrupted = true;
    result = ToolResult{
        call.id, call.name, std::nullopt,
        Error{ErrorCode::unprocessable, "the call was cancelled", {}, "tool_cancelled"}, 0};
  }
  // A cancelled call is audited too; once cancelled, this coroutine's next co_await would
  // throw, so cancellation is switched off for the record and raised again after it.
  auto cancellation = co_await asio::this_coro::cancellation_state;
  interrupted = interrupted || cancellation.cancelled() != asio::cancellation_type::none;
  if (interrupted) co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  co_await record(caller, call, result, origin.conversation_id, clock_.steady_now() - started);
  if (interrupted) throw boost::system::system_error(asio::error::operation_aborted);
  co_return result;
}

asio::awaitable<ToolResult> ExecuteTool::attempt(const Principal& caller, ToolCall& call,
                                                 PersonApproval approval) {
  const auto started = clock_.steady_now();
  ToolResult result{call.id, call.name, std::nullopt, std::nullopt, 0};
  auto finish = [&](Result<boost::json::value> outcome) {
    result.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - started)
            .count();
    if (outcome) {
      result.result = std::move(*outcome);
    } else {
      result.error = std::move(outcome).take_error();
    }
    return std::move(result);
  };

  if (!caller.may_use_tool(call.name)) {
    co_return finish(Error{ErrorCode::forbidden, "this credential may not use tool " + call.name,
                           "name", "tool_not_allowed"});
  }
  auto entry = registry_.find(call.name);
  if (!entry) {
    co_return finish(Error::not_found("no tool named " + call.name, "tool_not_found"));
  }
  const auto& spec = entry->tool->spec();
  if (auto cleared = clear_to_run(caller, spec, approval); !cleared) {
    co_return finish(cleared.error());
  }
  auto arguments = parse_arguments(call.arguments);
  if (!arguments) co_return finish(arguments.error());
  if (auto valid = entry->schema->validate(*arguments); !valid) co_return finish(valid.error());
  // The audit records the arguments the tool ran with, not the string that carried them.
  if (!call.arguments.is_object()) call.arguments = *arguments;

  asio::steady_timer deadline(co_await asio::this_coro::executor, spec.timeout);
  ToolContext context{caller.user_id, caller.api_key_id};
  // Whichever finishes first wins; the loser is cancelled through its cancellation slot.
  auto outcome = co_await (execute_catching(*entry->tool, std::move(*arguments), context) ||
                           deadline.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) {
    co_return finish(Error{
        ErrorCode::gateway_timeout,
        "tool " + call.name + " timed out after " + std::to_string(spec.timeout.count()) + " ms",
        {},
        "tool_timeout"});
  }
  co_return finish(std::move(std::get<0>(outcome)));
}

asio::awaitable<void> ExecuteTool::record(const Principal& caller, const ToolCall& call,
                                          const ToolResult& result,
                                          const std::optional<std::string>& conversation_id,
                                          std::chrono::nanoseconds took) {
  ToolExecution execution;
  execution.id = ids_.new_id();
  execution.user_id = caller.user_id;
  execution.api_key_id = caller.api_key_id;
  execution.conversation_id = conversation_id;
  execution.tool = call.name;
  execution.arguments = capped_json(call.arguments);
  execution.status = result.ok() ? "ok" : "error";
  if (result.error) {
    execution.error_code = result.error->code.empty() ? std::string(to_string(result.error->kind))
                                                      : result.error->code;
    execution.error_message = result.error->message;
  }
  execution.duration_ms = result.duration_ms;
  execution.created_at = clock_.now();
  // A name no tool has is a caller's typo or probe: one label for all of them.
  metrics_.tool_call(registry_.find(call.name) ? std::string_view(call.name) : "unknown",
                     execution.error_code.value_or("ok"), took);
  // The audit trail must not turn a finished call into a failure; a lost record is logged by
  // the adapter.
  (void)co_await audit_.record(std::move(execution));
}

asio::awaitable<std::vector<ToolResult>> ExecuteTool::run_batch(const Principal& caller,
                                                                std::vector<ToolCall> calls) {
  std::vector<ToolResult> results(calls.size());
  IndexedJob run_call = [&](std::size_t index) -> asio::awaitable<void> {
    results[index] = co_await run(caller, calls[index]);
  };
  // A call that throws is a bug: it fails the batch rather than leaving a hole in the results.
  const auto failure = co_await run_bounded(calls.size(), batch_concurrency_, std::move(run_call));
  if (failure) std::rethrow_exception(failure);
  co_return results;
}

}  // namespace agentd
