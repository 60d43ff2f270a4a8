#include "infrastructure/persistence/conversation_selects.h"

namespace agentd::persistence {
namespace {

std::string select_rows(std::string_view columns, std::string_view table,
                        std::string_view condition) {
  return "SELECT " + std::string(columns) + " FROM " + std::string(table) + " " +
         std::string(condition);
}

}  // namespace

std::string select_conversations(std::string_view condition) {
  return select_rows(kConversationColumns, "conversations", condition);
}

std::string select_messages(std::string_view condition) {
  return select_rows(kMessageColumns, "messages", condition);
}

std::string select_runs(std::string_view condition) {
  return select_rows(kRunColumns, "runs", condition);
}

std::string select_approvals(std::string_view condition) {
  return select_rows(kApprovalColumns, "approvals", condition);
}

}  // namespace agentd::persistence
