#include "domain/responses/response.h"

#include "domain/common/enum_names.h"

namespace agentd {
namespace {

// failed first: it names a value missing from the table.
constexpr EnumNames<ResponseStatus, 6> kResponseStatusNames{{{
    {ResponseStatus::failed, "failed"},
    {ResponseStatus::queued, "queued"},
    {ResponseStatus::in_progress, "in_progress"},
    {ResponseStatus::completed, "completed"},
    {ResponseStatus::cancelled, "cancelled"},
    {ResponseStatus::incomplete, "incomplete"},
}}};

}  // namespace

std::string_view to_string(ResponseStatus status) { return kResponseStatusNames.name(status); }

std::optional<ResponseStatus> parse_response_status(std::string_view text) {
  return kResponseStatusNames.parse(text);
}

bool is_final(ResponseStatus status) {
  return status != ResponseStatus::queued && status != ResponseStatus::in_progress;
}

ResponseStatus response_status_for(RunStatus run) {
  switch (run) {
    case RunStatus::running:
      return ResponseStatus::in_progress;
    case RunStatus::awaiting_approval:
    case RunStatus::completed:
      return ResponseStatus::completed;
    case RunStatus::failed:
      return ResponseStatus::failed;
    case RunStatus::cancelled:
      return ResponseStatus::cancelled;
  }
  return ResponseStatus::failed;
}

void record_end(StoredResponse& response, const ResponseEnd& end) {
  response.status = end.status;
  response.output_until = end.output_until;
  response.usage = end.usage;
  response.error_code = end.error_code;
  response.error_message = end.error_message;
  response.completed_at = end.completed_at;
}

}  // namespace agentd
