#include "infrastructure/persistence/postgres/pg_run_repository.h"

#include "domain/conversation/conversation_errors.h"
#include "infrastructure/persistence/postgres/pg_approval_page.h"
#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/postgres/pg_owned_conversation.h"
#include "infrastructure/persistence/postgres/pg_page.h"
#include "infrastructure/persistence/token_ratio_column.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kRunById = "WHERE id = $1";
// One statement, so atomic without a transaction: the run, and its conversation's status
// following it. Nothing changes (no row) when the run is unknown.
constexpr std::string_view kRunUpdate =
    "WITH updated AS (UPDATE runs SET status = $1, steps = $2, prompt_tokens = $3, "
    "completion_tokens = $4, total_tokens = $5, error = $6, updated_at = $7, "
    "last_event_id = $8, finished_at = $9, messages_sent = $12, messages_left_out = $13, "
    "token_ratio_milli = $14, "
    "lease_owner = CASE WHEN $1::text = 'running' THEN lease_owner END, "
    "lease_expires_at = CASE WHEN $1::text = 'running' THEN lease_expires_at END "
    "WHERE id = $10 RETURNING conversation_id) "
    "UPDATE conversations SET status = $11 FROM updated WHERE conversations.id = "
    "updated.conversation_id";
constexpr std::string_view kRunFollow =
    "UPDATE conversations SET status = $1 "
    "WHERE id = (SELECT conversation_id FROM runs WHERE id = $2)";
// A replica renews only the leases it holds (or that nobody holds yet).
constexpr std::string_view kRunRenewLeases =
    "UPDATE runs SET lease_owner = $1, lease_expires_at = $2 "
    "WHERE status = 'running' AND (lease_owner IS NULL OR lease_owner = $1) "
    "AND id = ANY($3::uuid[]) RETURNING id";
// SKIP LOCKED: of replicas claiming at once, each run goes to the one that locked it.
constexpr std::string_view kRunTakeOver =
    "UPDATE runs SET lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND (lease_expires_at < $3 "
    "OR (lease_expires_at IS NULL AND updated_at < $4)) ORDER BY id LIMIT $5 "
    "FOR UPDATE SKIP LOCKED) RETURNING ";

// Only a running run takes a cancel request; a repeated request keeps the first time.
constexpr std::string_view kRunRequestCancel =
    "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, $1) "
    "WHERE id = $2 AND status = 'running'";
constexpr std::string_view kRunCancelRequested =
    "SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND status = 'running' "
    "AND id = ANY($1::uuid[])";
// The partial index on running runs answers the first count.
constexpr std::string_view kCountUnfinished =
    "SELECT (SELECT count(*) FROM runs WHERE status = 'running'), "
    "(SELECT count(*) FROM runs WHERE status = 'awaiting_approval'), "
    "(SELECT count(*) FROM approvals WHERE status = 'pending' AND expires_at > $1)";
constexpr std::string_view kRunCancelPaused =
    "UPDATE runs SET status = 'cancelled', updated_at = $1, "
    "finished_at = $1, cancel_requested_at = COALESCE(cancel_requested_at, $1) "
    "WHERE id = $2 AND status = 'awaiting_approval'";
constexpr std::string_view kRunPendingApprovals =
    "WHERE run_id = $1 AND status = 'pending' ORDER BY position";
constexpr std::string_view kRunCancelledReason = "cancelled";

// Only a running run pauses, so a run that finished meanwhile is never revived.
constexpr std::string_view kRunPause =
    "UPDATE runs SET status = 'awaiting_approval', steps = $1, prompt_tokens = $2, "
    "completion_tokens = $3, total_tokens = $4, updated_at = $5, last_event_id = $6, "
    "lease_owner = NULL, lease_expires_at = NULL WHERE id = $7 AND status = 'running'";
constexpr std::string_view kRunLastApprovalPosition =
    "SELECT COALESCE(MAX(position), 0) FROM approvals WHERE run_id = $1";
constexpr std::string_view kRunPaused =
    "WHERE conversation_id = $1 AND status = 'awaiting_approval'";
constexpr std::string_view kRunApprovalsInOrder = "WHERE run_id = $1 ORDER BY position";
// Only a waiting conversation is taken back, so of two concurrent decisions exactly one
// changes it.
constexpr std::string_view kRunResumeConversation =
    "UPDATE conversations SET status = 'running', updated_at = $1 "
    "WHERE id = $2 AND user_id = $3 AND status = 'awaiting_approval'";
constexpr std::string_view kRunResume =
    "UPDATE runs SET status = 'running', updated_at = $1 "
    "WHERE id = $2 AND conversation_id = $3 AND status = 'awaiting_approval'";
constexpr std::string_view kRunDecideApproval =
    "UPDATE approvals SET status = $1, reason = $2, edited_arguments = $3, decided_by = $4, "
    "decided_by_api_key_id = $5, decided_at = $6 "
    "WHERE id = $7 AND run_id = $8 AND status = 'pending'";

// Moves the run to awaiting_approval with its progress; false unless it was running.
asio::awaitable<bool> pause_running_run(PgConnection& db, const Run& run) {
  const auto paused = co_await db.execute(
      kRunPause, PgParams(run.steps, run.usage.prompt_tokens, run.usage.completion_tokens,
                          run.usage.total_tokens, run.updated_at, run.last_event_id, run.id));
  co_return paused.affected() > 0;
}

// The statements that append them to the run's approvals, after the `last` position an
// earlier pause stored.
void add_approval_inserts(std::vector<PgStatement>& statements,
                          const std::vector<Approval>& approvals, std::int64_t last) {
  for (const auto& approval : approvals) {
    statements.push_back(pending_approval_insert(approval, ++last));
  }
}

// The statement that applies one decision; it changes a row only when the approval is a
// pending one of the run.
PgStatement approval_decision(const std::string& run_id, const Approval& decision) {
  std::optional<std::string> decider_user_id;
  std::optional<std::string> decider_api_key_id;
  if (decision.decided_by) {
    decider_user_id = decision.decided_by->user_id;
    decider_api_key_id = decision.decided_by->api_key_id;
  }
  return {kRunDecideApproval,
          PgParams(to_string(decision.status), decision.reason, decision.edited_arguments,
                   decider_user_id, decider_api_key_id, decision.decided_at, decision.id, run_id)};
}

// Applies one decision; false unless the approval is a pending one of the run.
asio::awaitable<bool> record_approval_decision(PgConnection& db, const std::string& run_id,
                                               const Approval& decision) {
  // An id that is not a UUID names no approval, pending or not.
  if (!is_uuid(decision.id)) co_return false;
  const auto update = approval_decision(run_id, decision);
  const auto updated = co_await db.execute(update.sql, update.params);
  co_return updated.affected() > 0;
}

// Sets the status of the run's conversation to follow the run's.
asio::awaitable<void> follow_run_status(PgConnection& db, const std::string& run_id,
                                        ConversationStatus status) {
  co_await db.execute(kRunFollow, PgParams(to_string(status), run_id));
}

}  // namespace

asio::awaitable<Status> PgRunRepository::start_run(Run run) {
  // Ids that are not UUIDs name no conversation.
  if (!is_uuid(run.conversation_id) || !is_uuid(run.user_id)) co_return conversation_not_found();
  co_return co_await pool_.transaction(
      "start_run", [&](PgConnection& db) -> asio::awaitable<Status> {
        if (co_await claim_and_insert_run(db, run)) co_return ok_status();
        const auto status = co_await owned_status(db, run.user_id, run.conversation_id);
        if (!status) co_return conversation_not_found();
        co_return run_in_progress();
      });
}

asio::awaitable<Status> PgRunRepository::update_run(Run run) {
  if (!is_uuid(run.id)) co_return run_not_found();
  co_return co_await pool_.single("update_run", [&](PgConnection& db) -> asio::awaitable<Status> {
    const auto following = std::string(to_string(conversation_status_for(run.status)));
    const auto updated = co_await db.execute(
        kRunUpdate,
        PgParams(to_string(run.status), run.steps, run.usage.prompt_tokens,
                 run.usage.completion_tokens, run.usage.total_tokens, run.error, run.updated_at,
                 run.last_event_id, run.finished_at, run.id, following, run.messages_sent,
                 run.messages_left_out, persistence::token_ratio_milli(run.token_ratio)));
    if (updated.affected() == 0) co_return run_not_found();
    co_return ok_status();
  });
}

asio::awaitable<Result<Run>> PgRunRepository::find_run(std::string run_id) {
  if (!is_uuid(run_id)) co_return run_not_found();
  co_return co_await pool_.read("find_run", [&](PgConnection& db) -> asio::awaitable<Result<Run>> {
    const std::string sql = select_runs(kRunById);
    const auto rows = co_await db.execute(sql, PgParams(run_id));
    if (rows.empty()) co_return run_not_found();
    co_return read_run(rows, 0);
  });
}

asio::awaitable<Result<Page<Run>>> PgRunRepository::list_runs(std::string conversation_id,
                                                              int limit,
                                                              std::optional<std::string> after) {
  // The server refuses a negative LIMIT (a 500), and a page needs room for one item.
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_runs", [&](PgConnection& db) -> asio::awaitable<Result<Page<Run>>> {
        const std::string select = select_runs("");
        co_return co_await newest_first_page(db, select, "conversation_id", conversation_id, limit,
                                             after, read_run);
      });
}

asio::awaitable<Result<Run>> PgRunRepository::request_cancel(std::string run_id, Timestamp now) {
  if (!is_uuid(run_id)) co_return run_not_found();
  co_return co_await pool_.transaction(
      "request_cancel", [&](PgConnection& db) -> asio::awaitable<Result<Run>> {
        const auto request = co_await db.execute(kRunRequestCancel, PgParams(now, run_id));
        const bool requested = request.affected() > 0;
        const std::string sql = select_runs(kRunById);
        const auto rows = co_await db.execute(sql, PgParams(run_id));
        if (rows.empty()) co_return run_not_found();
        if (!requested) co_return run_not_active();
        co_return read_run(rows, 0);
      });
}

asio::awaitable<Result<RunCounts>> PgRunRepository::count_unfinished(Timestamp now) {
  co_return co_await pool_.read(
      "count_unfinished", [&](PgConnection& db) -> asio::awaitable<Result<RunCounts>> {
        const auto rows = co_await db.execute(kCountUnfinished, PgParams(now));
        co_return RunCounts{rows.integer(0, 0), rows.integer(0, 1), rows.integer(0, 2)};
      });
}

asio::awaitable<Result<std::vector<std::string>>> PgRunRepository::cancel_requested(
    std::vector<std::string> run_ids) {
  // An id that is not a UUID names no run, so it cannot be one whose cancel was requested.
  std::vector<std::string> known;
  for (auto& run_id : run_ids) {
    if (is_uuid(run_id)) known.push_back(std::move(run_id));
  }
  if (known.empty()) co_return std::vector<std::string>{};
  co_return co_await pool_.read(
      "cancel_requested",
      [&](PgConnection& db) -> asio::awaitable<Result<std::vector<std::string>>> {
        std::vector<std::string> requested;
        const std::string ids = text_array(known);
        const auto rows = co_await db.execute(kRunCancelRequested, PgParams(ids));
        for (int row = 0; row < rows.size(); ++row) requested.push_back(rows.text(row, 0));
        co_return requested;
      });
}

asio::awaitable<Result<std::vector<Approval>>> PgRunRepository::cancel_paused_run(
    std::string run_id, Decider decider, Timestamp now) {
  if (!is_uuid(run_id)) co_return run_not_found();
  co_return co_await pool_.transaction(
      "cancel_paused_run", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<Approval>>> {
        const auto cancel = co_await db.execute(kRunCancelPaused, PgParams(now, run_id));
        if (cancel.affected() == 0) {
          const std::string sql = select_runs(kRunById);
          const auto found = co_await db.execute(sql, PgParams(run_id));
          if (found.empty()) co_return run_not_found();
          co_return run_not_active();
        }
        co_await follow_run_status(db, run_id, ConversationStatus::idle);
        std::vector<Approval> closed;
        const std::string sql = select_approvals(kRunPendingApprovals);
        const auto pending = co_await db.execute(sql, PgParams(run_id));
        for (int row = 0; row < pending.size(); ++row)
          closed.push_back(read_approval(pending, row));
        for (auto& approval : closed) {
          approval.status = ApprovalStatus::rejected;
          approval.reason = std::string(kRunCancelledReason);
          approval.decided_by = decider;
          approval.decided_at = now;
          const bool recorded = co_await record_approval_decision(db, run_id, approval);
          if (!recorded) co_return not_awaiting_approval();
        }
        co_return closed;
      });
}

asio::awaitable<Result<std::vector<std::string>>> PgRunRepository::renew_leases(
    std::string owner, std::vector<std::string> run_ids, Timestamp until) {
  // An id that is not a UUID names no run: it is lost from the start.
  std::vector<std::string> known;
  std::vector<std::string> lost;
  for (auto& run_id : run_ids) {
    (is_uuid(run_id) ? known : lost).push_back(std::move(run_id));
  }
  if (known.empty()) co_return lost;
  co_return co_await pool_.single(
      "renew_leases", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<std::string>>> {
        const std::string ids = text_array(known);
        const auto rows = co_await db.execute(kRunRenewLeases, PgParams(owner, until, ids));
        for (const auto& id : known) {
          bool held = false;
          for (int row = 0; row < rows.size() && !held; ++row) held = rows.view(row, 0) == id;
          if (!held) lost.push_back(id);
        }
        co_return lost;
      });
}

asio::awaitable<Result<std::vector<Run>>> PgRunRepository::take_over_runs(
    std::string owner, Timestamp now, Timestamp stale_before, Timestamp until, int limit) {
  co_return co_await pool_.single(
      "take_over_runs", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<Run>>> {
        const std::string sql = std::string(kRunTakeOver) + std::string(persistence::kRunColumns);
        const auto rows =
            co_await db.execute(sql, PgParams(owner, until, now, stale_before, limit));
        std::vector<Run> claimed;
        for (int row = 0; row < rows.size(); ++row) claimed.push_back(read_run(rows, row));
        co_return claimed;
      });
}

asio::awaitable<Status> PgRunRepository::pause_run(Run run, std::vector<Approval> approvals,
                                                   Checkpoint checkpoint) {
  if (!is_uuid(run.id)) co_return run_not_found();
  co_return co_await pool_.transaction(
      "pause_run", [&](PgConnection& db) -> asio::awaitable<Status> {
        const bool paused = co_await pause_running_run(db, run);
        if (!paused) co_return run_not_found();
        const auto last = co_await db.execute(kRunLastApprovalPosition, PgParams(run.id));
        // The rest in one round trip.
        std::vector<PgStatement> rest;
        rest.push_back(
            {kRunFollow, PgParams(to_string(ConversationStatus::awaiting_approval), run.id)});
        add_approval_inserts(rest, approvals, last.integer(0, 0));
        rest.push_back(checkpoint_save(checkpoint));
        co_await db.execute_all(rest);
        co_return ok_status();
      });
}

asio::awaitable<Result<Run>> PgRunRepository::find_paused_run(std::string conversation_id) {
  if (!is_uuid(conversation_id)) co_return run_not_found();
  co_return co_await pool_.read(
      "find_paused_run", [&](PgConnection& db) -> asio::awaitable<Result<Run>> {
        const std::string sql = select_runs(kRunPaused);
        const auto rows = co_await db.execute(sql, PgParams(conversation_id));
        if (rows.empty()) co_return run_not_found();
        co_return read_run(rows, 0);
      });
}

asio::awaitable<Result<std::vector<Approval>>> PgRunRepository::run_approvals(std::string run_id) {
  // An id that is not a UUID names no run, which has no approvals.
  if (!is_uuid(run_id)) co_return std::vector<Approval>{};
  co_return co_await pool_.read(
      "run_approvals", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<Approval>>> {
        std::vector<Approval> approvals;
        const std::string sql = select_approvals(kRunApprovalsInOrder);
        const auto rows = co_await db.execute(sql, PgParams(run_id));
        for (int row = 0; row < rows.size(); ++row) approvals.push_back(read_approval(rows, row));
        co_return approvals;
      });
}

asio::awaitable<Result<Page<Approval>>> PgRunRepository::list_approvals(
    std::string user_id, std::optional<ApprovalStatus> status, Timestamp now, int limit,
    std::optional<std::string> after) {
  // The server refuses a negative LIMIT (a 500), and a page needs room for one item.
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_approvals", [&](PgConnection& db) -> asio::awaitable<Result<Page<Approval>>> {
        auto page = co_await approval_page(db, user_id, status, now, limit, after);
        if (!page) co_return page;
        // Expiry is not written back: a pending approval past its time reads as expired.
        for (auto& approval : page->items) {
          if (approval.is_expired(now)) approval.status = ApprovalStatus::expired;
        }
        co_return page;
      });
}

asio::awaitable<Status> PgRunRepository::decide(std::string user_id, std::string conversation_id,
                                                std::string run_id, std::vector<Approval> decided,
                                                Timestamp now) {
  // Ids that are not UUIDs name no conversation.
  if (!is_uuid(conversation_id) || !is_uuid(user_id)) co_return conversation_not_found();
  co_return co_await pool_.transaction(
      "decide_approvals", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto resume =
            co_await db.execute(kRunResumeConversation, PgParams(now, conversation_id, user_id));
        if (resume.affected() == 0) {
          const auto status = co_await owned_status(db, user_id, conversation_id);
          if (!status) co_return conversation_not_found();
          co_return not_awaiting_approval();
        }
        // A refusal from here on rolls back the conversation's change with the rest. A run id
        // that is not a UUID names no waiting run.
        if (!is_uuid(run_id)) co_return not_awaiting_approval();
        // The run and every decision in one round trip; each must change its row.
        std::vector<PgStatement> updates;
        updates.push_back({kRunResume, PgParams(now, run_id, conversation_id)});
        for (const auto& decision : decided) {
          // An id that is not a UUID names no approval, pending or not.
          if (!is_uuid(decision.id)) co_return not_awaiting_approval();
          updates.push_back(approval_decision(run_id, decision));
        }
        const auto updated = co_await db.execute_all(updates);
        for (const auto& rows : updated) {
          if (rows.affected() == 0) co_return not_awaiting_approval();
        }
        co_return ok_status();
      });
}

}  // namespace agentd::postgres
