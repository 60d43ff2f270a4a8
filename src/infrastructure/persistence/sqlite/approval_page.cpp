#include "infrastructure/persistence/sqlite/approval_page.h"

#include <cstdint>

#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

// A pending approval counts as expired once its time is up, so these two filters need `now`.
bool depends_on_time(ApprovalStatus status) {
  return status == ApprovalStatus::pending || status == ApprovalStatus::expired;
}

// The condition list_approvals adds for a status filter. Its one parameter is `now` when the
// status depends on time, the status itself otherwise.
std::string_view approval_filter(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::pending:
      return " AND status = 'pending' AND expires_at > ?";
    case ApprovalStatus::expired:
      return " AND (status = 'expired' OR (status = 'pending' AND expires_at <= ?))";
    case ApprovalStatus::approved:
    case ApprovalStatus::rejected:
      break;
  }
  return " AND status = ?";
}

}  // namespace

Result<Page<Approval>> approval_page(sqlite3* connection, const std::string& user_id,
                                     std::optional<ApprovalStatus> status, Timestamp now, int limit,
                                     const std::optional<std::string>& after) {
  if (auto known = check_cursor(connection, select_approvals(""), "user_id", user_id, after);
      !known) {
    return known.error();
  }
  std::string condition = "WHERE user_id = ?";
  if (status) condition += approval_filter(*status);
  if (after) condition += " AND id < ?";
  condition += " ORDER BY id DESC LIMIT ?";
  Statement query(connection, select_approvals(condition));
  int index = 1;
  query.bind(index++, user_id);
  if (status && depends_on_time(*status)) {
    bind_time(query, index++, now);
  } else if (status) {
    query.bind(index++, to_string(*status));
  }
  if (after) query.bind(index++, *after);
  // One row more than asked tells whether another page exists.
  query.bind(index, std::int64_t{limit} + 1);
  Page<Approval> page;
  while (query.step()) page.items.push_back(read_approval(query));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    page.has_more = true;
  }
  return page;
}

}  // namespace agentd::sqlite
