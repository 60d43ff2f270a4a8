// The page of a user's approvals that RunRepository::list_approvals describes, read as stored.
#pragma once

#include <optional>
#include <string>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/conversation/approval.h"

struct sqlite3;

namespace agentd::sqlite {

// Newest first, filtered by `status` (a pending approval past its time counts as expired but
// is returned as stored). The cursor may name any of the user's approvals, whatever the
// filter: one decided meanwhile still counts.
Result<Page<Approval>> approval_page(sqlite3* connection, const std::string& user_id,
                                     std::optional<ApprovalStatus> status, Timestamp now, int limit,
                                     const std::optional<std::string>& after);

}  // namespace agentd::sqlite
