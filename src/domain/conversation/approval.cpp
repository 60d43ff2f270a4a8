#include "domain/conversation/approval.h"

#include <array>
#include <utility>

namespace agentd {
namespace {

constexpr std::array<std::pair<ApprovalStatus, std::string_view>, 4> kNames{{
    {ApprovalStatus::pending, "pending"},
    {ApprovalStatus::approved, "approved"},
    {ApprovalStatus::rejected, "rejected"},
    {ApprovalStatus::expired, "expired"},
}};

}  // namespace

std::string_view to_string(ApprovalStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<ApprovalStatus> parse_approval_status(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace agentd
