#include "infrastructure/persistence/postgres/pg_approval_page.h"

#include <cstdint>

#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kApprovalPageCursor =
    "SELECT id FROM approvals WHERE user_id = $1 AND id = $2";

// A pending approval counts as expired once its time is up, so these two filters need `now`.
bool approval_filter_needs_now(ApprovalStatus status) {
  return status == ApprovalStatus::pending || status == ApprovalStatus::expired;
}

// The condition list_approvals adds for a status filter. Its one parameter, always $2 (the
// user is $1), is `now` when the status depends on time, the status itself otherwise.
std::string_view approval_page_filter(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::pending:
      return " AND status = 'pending' AND expires_at > $2";
    case ApprovalStatus::expired:
      return " AND (status = 'expired' OR (status = 'pending' AND expires_at <= $2))";
    case ApprovalStatus::approved:
    case ApprovalStatus::rejected:
      break;
  }
  return " AND status = $2";
}

}  // namespace

asio::awaitable<Result<Page<Approval>>> approval_page(PgConnection& db, const std::string& user_id,
                                                      std::optional<ApprovalStatus> status,
                                                      Timestamp now, int limit,
                                                      const std::optional<std::string>& after) {
  if (after) {
    if (!is_uuid(*after) || !is_uuid(user_id)) co_return invalid_cursor();
    const auto known = co_await db.execute(kApprovalPageCursor, PgParams(user_id, *after));
    if (known.empty()) co_return invalid_cursor();
  }
  Page<Approval> page;
  if (!is_uuid(user_id)) co_return page;
  std::string condition = "WHERE user_id = $1";
  PgParams params(user_id);
  if (status) {
    condition += approval_page_filter(*status);
    if (approval_filter_needs_now(*status)) {
      params.add(now);
    } else {
      params.add(to_string(*status));
    }
  }
  if (after) {
    params.add(*after);
    condition += " AND id < $" + std::to_string(params.size());
  }
  // One row more than asked tells whether another page exists.
  params.add(std::int64_t{limit} + 1);
  condition += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  const std::string sql = select_approvals(condition);
  const auto rows = co_await db.execute(sql, params);
  for (int row = 0; row < rows.size(); ++row) page.items.push_back(read_approval(rows, row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    page.has_more = true;
  }
  co_return page;
}

}  // namespace agentd::postgres
