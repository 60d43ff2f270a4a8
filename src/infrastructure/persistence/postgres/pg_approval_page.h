// The page of a user's approvals that RunRepository::list_approvals describes, read as stored.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/conversation/approval.h"
#include "infrastructure/persistence/postgres/pg_connection.h"

namespace agentd::postgres {

// Newest first, filtered by `status` (a pending approval past its time counts as expired but
// is returned as stored). The cursor may name any of the user's approvals, whatever the
// filter: one decided meanwhile still counts. `limit` must be at least 1.
boost::asio::awaitable<Result<Page<Approval>>> approval_page(
    PgConnection& db, const std::string& user_id, std::optional<ApprovalStatus> status,
    Timestamp now, int limit, const std::optional<std::string>& after);

}  // namespace agentd::postgres
