#include "domain/conversation/run.h"

#include <array>
#include <utility>

namespace agentd {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kNames{{
    {RunStatus::running, "running"},
    {RunStatus::awaiting_approval, "awaiting_approval"},
    {RunStatus::completed, "completed"},
    {RunStatus::failed, "failed"},
    {RunStatus::cancelled, "cancelled"},
}};

}  // namespace

std::string_view to_string(RunStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "failed";
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool is_final(RunStatus status) {
  return status == RunStatus::completed || status == RunStatus::failed ||
         status == RunStatus::cancelled;
}

ConversationStatus conversation_status_for(RunStatus status) {
  switch (status) {
    case RunStatus::running:
      return ConversationStatus::running;
    case RunStatus::awaiting_approval:
      return ConversationStatus::awaiting_approval;
    case RunStatus::completed:
    case RunStatus::failed:
    case RunStatus::cancelled:
      return ConversationStatus::idle;
  }
  return ConversationStatus::idle;
}

}  // namespace agentd
