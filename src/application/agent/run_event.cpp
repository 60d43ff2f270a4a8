#include "application/agent/run_event.h"

namespace agentd {
namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string_view event_name(const RunEvent& event) {
  return std::visit(
      Overloaded{
          [](const RunStarted&) { return std::string_view("run.started"); },
          [](const MessageDelta&) { return std::string_view("message.delta"); },
          [](const ToolCallStarted&) { return std::string_view("tool_call.started"); },
          [](const ToolCallCompleted&) { return std::string_view("tool_call.completed"); },
          [](const ApprovalRequired&) { return std::string_view("approval.required"); },
          [](const RunCompleted&) { return std::string_view("run.completed"); },
          [](const RunFailed&) { return std::string_view("error"); },
      },
      event);
}

bool is_terminal(const RunEvent& event) {
  return std::holds_alternative<RunCompleted>(event) || std::holds_alternative<RunFailed>(event);
}

}  // namespace agentd
