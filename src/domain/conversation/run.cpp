#include "domain/conversation/run.h"

#include "domain/common/enum_names.h"

namespace agentd {
namespace {

// failed first: it names a value missing from the table.
constexpr EnumNames<RunStatus, 5> kRunStatusNames{{{
    {RunStatus::failed, "failed"},
    {RunStatus::running, "running"},
    {RunStatus::awaiting_approval, "awaiting_approval"},
    {RunStatus::completed, "completed"},
    {RunStatus::cancelled, "cancelled"},
}}};

}  // namespace

std::string_view to_string(RunStatus status) { return kRunStatusNames.name(status); }

std::optional<RunStatus> parse_run_status(std::string_view text) {
  return kRunStatusNames.parse(text);
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
