#include "infrastructure/persistence/sqlite/sqlite_run_repository.h"

#include <algorithm>

#include "domain/conversation/conversation_errors.h"
#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/sqlite/approval_page.h"
#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/owned_conversation.h"
#include "infrastructure/persistence/sqlite/time_columns.h"
#include "infrastructure/persistence/token_ratio_column.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kRunById = "WHERE id = ?";
// Only an idle conversation is claimed, so of two concurrent starts exactly one changes it.
constexpr std::string_view kClaim =
    "UPDATE conversations SET status = 'running', updated_at = ? "
    "WHERE id = ? AND user_id = ? AND status = 'idle'";
constexpr std::string_view kUpdateRun =
    "UPDATE runs SET status = ?, steps = ?, prompt_tokens = ?, completion_tokens = ?, "
    "total_tokens = ?, error = ?, updated_at = ?, last_event_id = ?, finished_at = ?, "
    "messages_sent = ?, messages_left_out = ?, token_ratio_milli = ?, "
    "lease_owner = CASE WHEN ?1 = 'running' THEN lease_owner END, "
    "lease_expires_at = CASE WHEN ?1 = 'running' THEN lease_expires_at END "
    "WHERE id = ?";
constexpr std::string_view kFollowRun =
    "UPDATE conversations SET status = ? "
    "WHERE id = (SELECT conversation_id FROM runs WHERE id = ?)";
// A replica renews only the leases it holds (or that nobody holds yet).
constexpr std::string_view kRenewLeases =
    "UPDATE runs SET lease_owner = ?1, lease_expires_at = ?2 "
    "WHERE status = 'running' AND (lease_owner IS NULL OR lease_owner = ?1) "
    "AND id IN (SELECT value FROM json_each(?3)) RETURNING id";
// The write lock a transaction holds makes each claim exclusive.
constexpr std::string_view kTakeOver =
    "UPDATE runs SET lease_owner = ?1, lease_expires_at = ?2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND (lease_expires_at < ?3 "
    "OR (lease_expires_at IS NULL AND updated_at < ?4)) ORDER BY id LIMIT ?5) RETURNING id";

// Only a running run takes a cancel request; a repeated request keeps the first time.
constexpr std::string_view kRequestCancel =
    "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) "
    "WHERE id = ? AND status = 'running'";
constexpr std::string_view kCancelRequested =
    "SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND status = 'running' "
    "AND id IN (SELECT value FROM json_each(?))";
// The partial index on running runs answers the first count.
constexpr std::string_view kCountUnfinished =
    "SELECT (SELECT count(*) FROM runs WHERE status = 'running'), "
    "(SELECT count(*) FROM runs WHERE status = 'awaiting_approval'), "
    "(SELECT count(*) FROM approvals WHERE status = 'pending' AND expires_at > ?)";
constexpr std::string_view kCancelPaused =
    "UPDATE runs SET status = 'cancelled', updated_at = ?1, "
    "finished_at = ?1, cancel_requested_at = COALESCE(cancel_requested_at, ?1) "
    "WHERE id = ?2 AND status = 'awaiting_approval'";
constexpr std::string_view kPendingOfRun =
    "WHERE run_id = ? AND status = 'pending' ORDER BY position";
constexpr std::string_view kCancelled = "cancelled";

// Only a running run pauses, so a run that finished meanwhile is never revived.
constexpr std::string_view kPauseRun =
    "UPDATE runs SET status = 'awaiting_approval', steps = ?, prompt_tokens = ?, "
    "completion_tokens = ?, total_tokens = ?, updated_at = ?, last_event_id = ?, "
    "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'running'";
constexpr std::string_view kLastApprovalPosition =
    "SELECT COALESCE(MAX(position), 0) FROM approvals WHERE run_id = ?";
constexpr std::string_view kPausedRun =
    "WHERE conversation_id = ? AND status = 'awaiting_approval'";
constexpr std::string_view kApprovalsInOrder = "WHERE run_id = ? ORDER BY position";
// Only a waiting conversation is taken back, so of two concurrent decisions exactly one
// changes it.
constexpr std::string_view kResumeConversation =
    "UPDATE conversations SET status = 'running', updated_at = ? "
    "WHERE id = ? AND user_id = ? AND status = 'awaiting_approval'";
constexpr std::string_view kResumeRun =
    "UPDATE runs SET status = 'running', updated_at = ? "
    "WHERE id = ? AND conversation_id = ? AND status = 'awaiting_approval'";
constexpr std::string_view kDecideApproval =
    "UPDATE approvals SET status = ?, reason = ?, edited_arguments = ?, decided_by = ?, "
    "decided_by_api_key_id = ?, decided_at = ? WHERE id = ? AND run_id = ? AND status = 'pending'";

// Moves the run to awaiting_approval with its progress; false unless it was running.
bool pause(sqlite3* connection, const Run& run) {
  Statement update(connection, kPauseRun);
  update.bind(1, std::int64_t{run.steps})
      .bind(2, run.usage.prompt_tokens)
      .bind(3, run.usage.completion_tokens)
      .bind(4, run.usage.total_tokens);
  bind_time(update, 5, run.updated_at).bind(6, run.last_event_id).bind(7, run.id).step();
  return update.changed_rows() > 0;
}

// Appends them to the run's approvals, after any an earlier pause stored.
void insert_pending_approvals(sqlite3* connection, const std::string& run_id,
                              const std::vector<Approval>& approvals) {
  Statement last(connection, kLastApprovalPosition);
  last.bind(1, run_id).step();
  std::int64_t position = last.integer(0);
  for (const auto& approval : approvals) insert_pending_approval(connection, approval, ++position);
}

// Applies one decision; false unless the approval is a pending one of the run.
bool record_decision(sqlite3* connection, const std::string& run_id, const Approval& decision) {
  Statement update(connection, kDecideApproval);
  const auto& decider = decision.decided_by;
  update.bind(1, to_string(decision.status))
      .bind(2, decision.reason)
      .bind(3, decision.edited_arguments)
      .bind(4, decider ? std::optional<std::string>(decider->user_id) : std::nullopt)
      .bind(5, decider ? decider->api_key_id : std::nullopt);
  bind_time(update, 6, decision.decided_at).bind(7, decision.id).bind(8, run_id).step();
  return update.changed_rows() > 0;
}

// Sets the status of the run's conversation to follow the run's.
void follow_run(sqlite3* connection, const std::string& run_id, ConversationStatus status) {
  Statement follow(connection, kFollowRun);
  follow.bind(1, to_string(status)).bind(2, run_id).step();
}

}  // namespace

boost::asio::awaitable<Status> SqliteRunRepository::start_run(Run run) {
  co_return co_await database_.transaction("start_run", [&](sqlite3* connection) -> Status {
    Statement claim(connection, kClaim);
    bind_time(claim, 1, run.created_at).bind(2, run.conversation_id).bind(3, run.user_id);
    claim.step();
    if (claim.changed_rows() == 0) {
      if (!owned_status(connection, run.user_id, run.conversation_id)) {
        return conversation_not_found();
      }
      return run_in_progress();
    }
    insert_run(connection, run);
    return ok_status();
  });
}

boost::asio::awaitable<Status> SqliteRunRepository::update_run(Run run) {
  co_return co_await database_.transaction("update_run", [&](sqlite3* connection) -> Status {
    Statement update(connection, kUpdateRun);
    update.bind(1, to_string(run.status))
        .bind(2, std::int64_t{run.steps})
        .bind(3, run.usage.prompt_tokens)
        .bind(4, run.usage.completion_tokens)
        .bind(5, run.usage.total_tokens)
        .bind(6, run.error);
    bind_time(update, 7, run.updated_at).bind(8, run.last_event_id);
    bind_time(update, 9, run.finished_at)
        .bind(10, std::int64_t{run.messages_sent})
        .bind(11, std::int64_t{run.messages_left_out})
        .bind(12, persistence::token_ratio_milli(run.token_ratio))
        .bind(13, run.id)
        .step();
    if (update.changed_rows() == 0) return run_not_found();
    follow_run(connection, run.id, conversation_status_for(run.status));
    return ok_status();
  });
}

boost::asio::awaitable<Result<Run>> SqliteRunRepository::find_run(std::string run_id) {
  co_return co_await database_.read("find_run", [&](sqlite3* connection) -> Result<Run> {
    auto run = find_one(connection, select_runs(kRunById), run_id, read_run);
    if (!run) return run_not_found();
    return std::move(*run);
  });
}

boost::asio::awaitable<Result<Page<Run>>> SqliteRunRepository::list_runs(
    std::string conversation_id, int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_runs", [&](sqlite3* connection) {
    return newest_first_page(connection, select_runs(""), "conversation_id", conversation_id, limit,
                             after, read_run);
  });
}

boost::asio::awaitable<Result<Run>> SqliteRunRepository::request_cancel(std::string run_id,
                                                                        Timestamp now) {
  co_return co_await database_.transaction(
      "request_cancel", [&](sqlite3* connection) -> Result<Run> {
        Statement request(connection, kRequestCancel);
        bind_time(request, 1, now).bind(2, run_id).step();
        const bool requested = request.changed_rows() > 0;
        auto run = find_one(connection, select_runs(kRunById), run_id, read_run);
        if (!run) return run_not_found();
        if (!requested) return run_not_active();
        return std::move(*run);
      });
}

boost::asio::awaitable<Result<RunCounts>> SqliteRunRepository::count_unfinished(Timestamp now) {
  co_return co_await database_.read(
      "count_unfinished", [&](sqlite3* connection) -> Result<RunCounts> {
        Statement query(connection, kCountUnfinished);
        bind_time(query, 1, now);
        query.step();
        return RunCounts{query.integer(0), query.integer(1), query.integer(2)};
      });
}

boost::asio::awaitable<Result<std::vector<std::string>>> SqliteRunRepository::cancel_requested(
    std::vector<std::string> run_ids) {
  co_return co_await database_.read("cancel_requested",
                                    [&](sqlite3* connection) -> Result<std::vector<std::string>> {
                                      std::vector<std::string> requested;
                                      if (run_ids.empty()) return requested;
                                      Statement query(connection, kCancelRequested);
                                      query.bind(1, persistence::encode_name_list(run_ids));
                                      while (query.step()) requested.push_back(query.text(0));
                                      return requested;
                                    });
}

boost::asio::awaitable<Result<std::vector<Approval>>> SqliteRunRepository::cancel_paused_run(
    std::string run_id, Decider decider, Timestamp now) {
  co_return co_await database_.transaction(
      "cancel_paused_run", [&](sqlite3* connection) -> Result<std::vector<Approval>> {
        Statement cancel(connection, kCancelPaused);
        bind_time(cancel, 1, now).bind(2, run_id).step();
        if (cancel.changed_rows() == 0) {
          if (!find_one(connection, select_runs(kRunById), run_id, read_run)) {
            return run_not_found();
          }
          return run_not_active();
        }
        follow_run(connection, run_id, ConversationStatus::idle);
        std::vector<Approval> closed;
        Statement pending(connection, select_approvals(kPendingOfRun));
        pending.bind(1, run_id);
        while (pending.step()) closed.push_back(read_approval(pending));
        for (auto& approval : closed) {
          approval.status = ApprovalStatus::rejected;
          approval.reason = std::string(kCancelled);
          approval.decided_by = decider;
          approval.decided_at = now;
          if (!record_decision(connection, run_id, approval)) return not_awaiting_approval();
        }
        return closed;
      });
}

boost::asio::awaitable<Result<std::vector<std::string>>> SqliteRunRepository::renew_leases(
    std::string owner, std::vector<std::string> run_ids, Timestamp until) {
  if (run_ids.empty()) co_return std::vector<std::string>{};
  co_return co_await database_.transaction(
      "renew_leases", [&](sqlite3* connection) -> Result<std::vector<std::string>> {
        Statement renew(connection, kRenewLeases);
        renew.bind(1, owner);
        bind_time(renew, 2, until).bind(3, persistence::encode_name_list(run_ids));
        std::vector<std::string> held;
        while (renew.step()) held.push_back(renew.text(0));
        std::vector<std::string> lost;
        for (auto& id : run_ids) {
          if (std::find(held.begin(), held.end(), id) == held.end()) lost.push_back(std::move(id));
        }
        return lost;
      });
}

boost::asio::awaitable<Result<std::vector<Run>>> SqliteRunRepository::take_over_runs(
    std::string owner, Timestamp now, Timestamp stale_before, Timestamp until, int limit) {
  co_return co_await database_.transaction(
      "take_over_runs", [&](sqlite3* connection) -> Result<std::vector<Run>> {
        Statement claim(connection, kTakeOver);
        claim.bind(1, owner);
        bind_time(claim, 2, until);
        bind_time(claim, 3, now);
        bind_time(claim, 4, stale_before).bind(5, std::int64_t{limit});
        std::vector<std::string> ids;
        while (claim.step()) ids.push_back(claim.text(0));
        std::vector<Run> claimed;
        for (const auto& id : ids) {
          if (auto run = find_one(connection, select_runs(kRunById), id, read_run)) {
            claimed.push_back(std::move(*run));
          }
        }
        return claimed;
      });
}

boost::asio::awaitable<Status> SqliteRunRepository::pause_run(Run run,
                                                              std::vector<Approval> approvals,
                                                              Checkpoint checkpoint) {
  co_return co_await database_.transaction("pause_run", [&](sqlite3* connection) -> Status {
    if (!pause(connection, run)) return run_not_found();
    follow_run(connection, run.id, ConversationStatus::awaiting_approval);
    insert_pending_approvals(connection, run.id, approvals);
    save_checkpoint(connection, checkpoint);
    return ok_status();
  });
}

boost::asio::awaitable<Result<Run>> SqliteRunRepository::find_paused_run(
    std::string conversation_id) {
  co_return co_await database_.read("find_paused_run", [&](sqlite3* connection) -> Result<Run> {
    auto run = find_one(connection, select_runs(kPausedRun), conversation_id, read_run);
    if (!run) return run_not_found();
    return std::move(*run);
  });
}

boost::asio::awaitable<Result<std::vector<Approval>>> SqliteRunRepository::run_approvals(
    std::string run_id) {
  co_return co_await database_.read(
      "run_approvals", [&](sqlite3* connection) -> Result<std::vector<Approval>> {
        std::vector<Approval> approvals;
        Statement query(connection, select_approvals(kApprovalsInOrder));
        query.bind(1, run_id);
        while (query.step()) approvals.push_back(read_approval(query));
        return approvals;
      });
}

boost::asio::awaitable<Result<Page<Approval>>> SqliteRunRepository::list_approvals(
    std::string user_id, std::optional<ApprovalStatus> status, Timestamp now, int limit,
    std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read(
      "list_approvals", [&](sqlite3* connection) -> Result<Page<Approval>> {
        auto page = approval_page(connection, user_id, status, now, limit, after);
        if (!page) return page;
        // Expiry is not written back: a pending approval past its time reads as expired.
        for (auto& approval : page->items) {
          if (approval.is_expired(now)) approval.status = ApprovalStatus::expired;
        }
        return page;
      });
}

boost::asio::awaitable<Status> SqliteRunRepository::decide(std::string user_id,
                                                           std::string conversation_id,
                                                           std::string run_id,
                                                           std::vector<Approval> decided,
                                                           Timestamp now) {
  co_return co_await database_.transaction("decide_approvals", [&](sqlite3* connection) -> Status {
    Statement resume(connection, kResumeConversation);
    bind_time(resume, 1, now).bind(2, conversation_id).bind(3, user_id).step();
    if (resume.changed_rows() == 0) {
      if (!owned_status(connection, user_id, conversation_id)) return conversation_not_found();
      return not_awaiting_approval();
    }
    // A refusal from here on rolls back the conversation's change with the rest.
    Statement resume_run(connection, kResumeRun);
    bind_time(resume_run, 1, now).bind(2, run_id).bind(3, conversation_id).step();
    if (resume_run.changed_rows() == 0) return not_awaiting_approval();
    for (const auto& decision : decided) {
      if (!record_decision(connection, run_id, decision)) return not_awaiting_approval();
    }
    return ok_status();
  });
}

}  // namespace agentd::sqlite
