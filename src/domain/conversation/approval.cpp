#include "domain/conversation/approval.h"

#include "domain/common/enum_names.h"

namespace agentd {
namespace {

constexpr EnumNames<ApprovalStatus, 4> kApprovalStatusNames{{{
    {ApprovalStatus::pending, "pending"},
    {ApprovalStatus::approved, "approved"},
    {ApprovalStatus::rejected, "rejected"},
    {ApprovalStatus::expired, "expired"},
}}};

}  // namespace

std::string_view to_string(ApprovalStatus status) { return kApprovalStatusNames.name(status); }

std::optional<ApprovalStatus> parse_approval_status(std::string_view text) {
  return kApprovalStatusNames.parse(text);
}

}  // namespace agentd
