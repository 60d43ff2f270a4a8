#include "infrastructure/persistence/sqlite/sqlite_conversation_repository.h"

#include "domain/conversation/conversation_errors.h"
#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kOwned = "WHERE id = ? AND user_id = ?";
constexpr std::string_view kInOrder = "WHERE conversation_id = ? ORDER BY position";
constexpr std::string_view kRunById = "WHERE id = ?";

constexpr std::string_view kOwnedStatus =
    "SELECT status FROM conversations WHERE id = ? AND user_id = ?";
constexpr std::string_view kDelete = "DELETE FROM conversations WHERE id = ?";
constexpr std::string_view kCountMessage =
    "UPDATE conversations SET message_count = message_count + 1, updated_at = ? WHERE id = ? "
    "RETURNING message_count";
constexpr std::string_view kSetTitle =
    "UPDATE conversations SET title = ? WHERE id = ? AND title = ''";
constexpr std::string_view kExists = "SELECT 1 FROM conversations WHERE id = ?";
// Only an idle conversation is claimed, so of two concurrent starts exactly one changes it.
constexpr std::string_view kClaim =
    "UPDATE conversations SET status = 'running', updated_at = ? "
    "WHERE id = ? AND user_id = ? AND status = 'idle'";
constexpr std::string_view kUpdateRun =
    "UPDATE runs SET status = ?, steps = ?, prompt_tokens = ?, completion_tokens = ?, "
    "total_tokens = ?, error = ?, updated_at = ?, last_event_id = ?, finished_at = ? "
    "WHERE id = ?";
constexpr std::string_view kFollowRun =
    "UPDATE conversations SET status = ? "
    "WHERE id = (SELECT conversation_id FROM runs WHERE id = ?)";
constexpr std::string_view kFreeInterrupted =
    "UPDATE conversations SET status = 'idle' WHERE status = 'running' "
    "AND id IN (SELECT conversation_id FROM runs WHERE status = 'running')";
constexpr std::string_view kFailInterrupted =
    "UPDATE runs SET status = 'failed', error = ?, updated_at = ?2, finished_at = ?2 "
    "WHERE status = 'running'";

// Only a running run takes a cancel request; a repeated request keeps the first time.
constexpr std::string_view kRequestCancel =
    "UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) "
    "WHERE id = ? AND status = 'running'";
constexpr std::string_view kCancelRequested =
    "SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND status = 'running' "
    "AND id IN (SELECT value FROM json_each(?))";
constexpr std::string_view kCancelPaused =
    "UPDATE runs SET status = 'cancelled', updated_at = ?1, "
    "finished_at = ?1, cancel_requested_at = COALESCE(cancel_requested_at, ?1) "
    "WHERE id = ?2 AND status = 'awaiting_approval'";
constexpr std::string_view kPendingOfRun =
    "WHERE run_id = ? AND status = 'pending' ORDER BY position";
constexpr std::string_view kCancelled = "cancelled";

constexpr std::string_view kInterrupted = "interrupted: the server stopped during the run";

// Only a running run pauses, so a run that finished meanwhile is never revived.
constexpr std::string_view kPauseRun =
    "UPDATE runs SET status = 'awaiting_approval', steps = ?, prompt_tokens = ?, "
    "completion_tokens = ?, total_tokens = ?, updated_at = ?, last_event_id = ? "
    "WHERE id = ? AND status = 'running'";
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

// The status of the user's conversation; nullopt when it is missing or someone else's.
std::optional<ConversationStatus> owned_status(sqlite3* connection, const std::string& user_id,
                                               const std::string& conversation_id) {
  Statement query(connection, kOwnedStatus);
  query.bind(1, conversation_id).bind(2, user_id);
  if (!query.step()) return std::nullopt;
  return status_column(query, 0, parse_conversation_status, "conversation");
}

// Counts one more message and returns its position; nullopt when the conversation is gone.
std::optional<std::int64_t> count_message(sqlite3* connection, const std::string& conversation_id,
                                          Timestamp at) {
  Statement count(connection, kCountMessage);
  bind_time(count, 1, at).bind(2, conversation_id);
  if (!count.step()) return std::nullopt;
  return count.integer(0);
}

bool exists(sqlite3* connection, const std::string& conversation_id) {
  return find_one(connection, kExists, conversation_id, [](const Statement&) { return true; })
      .has_value();
}

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

// The page of the user's approvals that list_approvals describes, as stored. The cursor may
// name any of the user's approvals, whatever the filter: one decided meanwhile still counts.
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

boost::asio::awaitable<Status> SqliteConversationRepository::create(Conversation conversation) {
  co_return co_await database_.transaction("create_conversation",
                                           [&](sqlite3* connection) -> Status {
                                             insert_conversation(connection, conversation);
                                             return ok_status();
                                           });
}

boost::asio::awaitable<Result<Conversation>> SqliteConversationRepository::find(
    std::string user_id, std::string conversation_id) {
  co_return co_await database_.read("find_conversation",
                                    [&](sqlite3* connection) -> Result<Conversation> {
                                      Statement query(connection, select_conversations(kOwned));
                                      query.bind(1, conversation_id).bind(2, user_id);
                                      // Another user's conversation is reported exactly like a
                                      // missing one.
                                      if (!query.step()) return conversation_not_found();
                                      return read_conversation(query);
                                    });
}

boost::asio::awaitable<Result<Page<Conversation>>> SqliteConversationRepository::list(
    std::string user_id, int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_conversations", [&](sqlite3* connection) {
    return newest_first_page(connection, select_conversations(""), user_id, limit, after,
                             read_conversation);
  });
}

boost::asio::awaitable<Status> SqliteConversationRepository::remove(std::string user_id,
                                                                    std::string conversation_id) {
  co_return co_await database_.transaction(
      "remove_conversation", [&](sqlite3* connection) -> Status {
        const auto status = owned_status(connection, user_id, conversation_id);
        if (!status) return conversation_not_found();
        if (*status == ConversationStatus::running) return run_in_progress();
        // Messages, runs and their checkpoints go with it (ON DELETE CASCADE).
        Statement remove(connection, kDelete);
        remove.bind(1, conversation_id).step();
        return ok_status();
      });
}

boost::asio::awaitable<Result<std::vector<Message>>> SqliteConversationRepository::messages(
    std::string conversation_id) {
  co_return co_await database_.read("list_messages",
                                    [&](sqlite3* connection) -> Result<std::vector<Message>> {
                                      std::vector<Message> messages;
                                      Statement query(connection, select_messages(kInOrder));
                                      query.bind(1, conversation_id);
                                      while (query.step()) messages.push_back(read_message(query));
                                      return messages;
                                    });
}

boost::asio::awaitable<Result<Message>> SqliteConversationRepository::append_message(
    Message message) {
  co_return co_await database_.transaction(
      "append_message", [&](sqlite3* connection) -> Result<Message> {
        const auto position =
            count_message(connection, message.conversation_id, message.created_at);
        if (!position) return conversation_not_found();
        message.position = *position;
        insert_message(connection, message);
        return std::move(message);
      });
}

boost::asio::awaitable<Status> SqliteConversationRepository::set_title_if_empty(
    std::string conversation_id, std::string title) {
  co_return co_await database_.transaction(
      "set_conversation_title", [&](sqlite3* connection) -> Status {
        Statement update(connection, kSetTitle);
        update.bind(1, title).bind(2, conversation_id).step();
        if (update.changed_rows() == 0 && !exists(connection, conversation_id)) {
          return conversation_not_found();
        }
        return ok_status();
      });
}

boost::asio::awaitable<Status> SqliteConversationRepository::start_run(Run run) {
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

boost::asio::awaitable<Status> SqliteConversationRepository::update_run(Run run) {
  co_return co_await database_.transaction("update_run", [&](sqlite3* connection) -> Status {
    Statement update(connection, kUpdateRun);
    update.bind(1, to_string(run.status))
        .bind(2, std::int64_t{run.steps})
        .bind(3, run.usage.prompt_tokens)
        .bind(4, run.usage.completion_tokens)
        .bind(5, run.usage.total_tokens)
        .bind(6, run.error);
    bind_time(update, 7, run.updated_at).bind(8, run.last_event_id);
    bind_time(update, 9, run.finished_at).bind(10, run.id).step();
    if (update.changed_rows() == 0) return run_not_found();
    follow_run(connection, run.id, conversation_status_for(run.status));
    return ok_status();
  });
}

boost::asio::awaitable<Result<Run>> SqliteConversationRepository::find_run(std::string run_id) {
  co_return co_await database_.read("find_run", [&](sqlite3* connection) -> Result<Run> {
    auto run = find_one(connection, select_runs(kRunById), run_id, read_run);
    if (!run) return run_not_found();
    return std::move(*run);
  });
}

boost::asio::awaitable<Result<Page<Run>>> SqliteConversationRepository::list_runs(
    std::string conversation_id, int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_runs", [&](sqlite3* connection) {
    return newest_first_page(connection, select_runs(""), "conversation_id", conversation_id, limit,
                             after, read_run);
  });
}

boost::asio::awaitable<Result<Run>> SqliteConversationRepository::request_cancel(std::string run_id,
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

boost::asio::awaitable<Result<std::vector<std::string>>>
SqliteConversationRepository::cancel_requested(std::vector<std::string> run_ids) {
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

boost::asio::awaitable<Result<std::vector<Approval>>>
SqliteConversationRepository::cancel_paused_run(std::string run_id, Decider decider,
                                                Timestamp now) {
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

boost::asio::awaitable<Result<int>> SqliteConversationRepository::fail_interrupted_runs(
    Timestamp now) {
  co_return co_await database_.transaction("fail_interrupted_runs",
                                           [&](sqlite3* connection) -> Result<int> {
                                             // Conversations first: the runs still say which ones
                                             // they hold.
                                             Statement release(connection, kFreeInterrupted);
                                             release.step();
                                             Statement fail(connection, kFailInterrupted);
                                             fail.bind(1, kInterrupted);
                                             bind_time(fail, 2, now).step();
                                             return fail.changed_rows();
                                           });
}

boost::asio::awaitable<Status> SqliteConversationRepository::pause_run(
    Run run, std::vector<Approval> approvals, Checkpoint checkpoint) {
  co_return co_await database_.transaction("pause_run", [&](sqlite3* connection) -> Status {
    if (!pause(connection, run)) return run_not_found();
    follow_run(connection, run.id, ConversationStatus::awaiting_approval);
    insert_pending_approvals(connection, run.id, approvals);
    save_checkpoint(connection, checkpoint);
    return ok_status();
  });
}

boost::asio::awaitable<Result<Run>> SqliteConversationRepository::find_paused_run(
    std::string conversation_id) {
  co_return co_await database_.read("find_paused_run", [&](sqlite3* connection) -> Result<Run> {
    auto run = find_one(connection, select_runs(kPausedRun), conversation_id, read_run);
    if (!run) return run_not_found();
    return std::move(*run);
  });
}

boost::asio::awaitable<Result<std::vector<Approval>>> SqliteConversationRepository::run_approvals(
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

boost::asio::awaitable<Result<Page<Approval>>> SqliteConversationRepository::list_approvals(
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

boost::asio::awaitable<Status> SqliteConversationRepository::decide(std::string user_id,
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
