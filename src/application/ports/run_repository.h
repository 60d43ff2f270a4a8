// Storage of runs and the approvals they wait for, over the same store as the
// ConversationRepository: a conversation's status follows its run, so each change of a run
// sets it in the same atomic step.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/checkpoint_store.h"
#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/conversation/approval.h"
#include "domain/conversation/run.h"

namespace agentd {

// How many runs are unfinished and how many approvals wait, across all users: for metrics.
struct RunCounts {
  std::int64_t running = 0;
  std::int64_t awaiting_approval = 0;
  std::int64_t approvals_pending = 0;  // pending and not past expires_at
};

class RunRepository {
 public:
  virtual ~RunRepository() = default;

  // Atomically: the conversation (owned by run.user_id) goes from idle to running and the
  // run is stored. not_found for a missing or foreign conversation; conflict
  // "run_in_progress" when it is not idle — of two concurrent calls, exactly one succeeds.
  virtual boost::asio::awaitable<Status> start_run(Run run) = 0;
  // Stores the run's status, steps, usage, error and updated_at, and sets the conversation's
  // status to match: awaiting_approval for a paused run, idle for a finished one.
  virtual boost::asio::awaitable<Status> update_run(Run run) = 0;
  virtual boost::asio::awaitable<Result<Run>> find_run(std::string run_id) = 0;
  // The conversation's runs, newest first (ids are time-ordered), after the cursor `after`.
  // The caller has already checked ownership.
  virtual boost::asio::awaitable<Result<Page<Run>>> list_runs(std::string conversation_id,
                                                              int limit,
                                                              std::optional<std::string> after) = 0;
  // Records a request to cancel a running run (cancel_requested_at = now), for whichever
  // process runs it; returns the run. conflict "run_not_active" unless it is running.
  virtual boost::asio::awaitable<Result<Run>> request_cancel(std::string run_id, Timestamp now) = 0;
  // Of these runs, the ones whose cancellation was requested.
  virtual boost::asio::awaitable<Result<std::vector<std::string>>> cancel_requested(
      std::vector<std::string> run_ids) = 0;
  // Atomically ends a paused run as cancelled: the run (finished_at = now) and its
  // conversation (idle), and each of its pending approvals rejected with reason "cancelled"
  // and decided by `decider`. Returns the approvals it closed. conflict "run_not_active"
  // unless the run is paused.
  virtual boost::asio::awaitable<Result<std::vector<Approval>>> cancel_paused_run(
      std::string run_id, Decider decider, Timestamp now) = 0;
  // Leases: a running run is run by one replica, which holds its lease and renews it while
  // the run goes on; another replica may take the run over once the lease has run out.

  // Extends `owner`'s leases on these runs to `until`; a run of the list without a lease (just
  // started or resumed) gets one. Answers the runs of the list `owner` does not hold (taken
  // over by another replica, or no longer running), so this replica stops its copies.
  virtual boost::asio::awaitable<Result<std::vector<std::string>>> renew_leases(
      std::string owner, std::vector<std::string> run_ids, Timestamp until) = 0;
  // Claims up to `limit` running runs nobody holds: whose lease ran out before `now`, or
  // which have no lease and were last updated before `stale_before`. Each claimed run gets
  // `owner`'s lease until `until` and one more attempt; of replicas claiming at once, exactly
  // one gets each run. Returns the claimed runs as they now are.
  virtual boost::asio::awaitable<Result<std::vector<Run>>> take_over_runs(
      std::string owner, Timestamp now, Timestamp stale_before, Timestamp until, int limit) = 0;

  virtual boost::asio::awaitable<Result<RunCounts>> count_unfinished(Timestamp now) = 0;

  // Approvals (human in the loop).

  // Atomically pauses a running run: the run (status, steps, usage, updated_at from `run`)
  // and its conversation become awaiting_approval, the approvals are stored (pending), and
  // the checkpoint is saved — all or nothing.
  virtual boost::asio::awaitable<Status> pause_run(Run run, std::vector<Approval> approvals,
                                                   Checkpoint checkpoint) = 0;
  // The conversation's run that waits for approval; not_found when there is none.
  virtual boost::asio::awaitable<Result<Run>> find_paused_run(std::string conversation_id) = 0;
  // Every approval of a run, in the order they were stored.
  virtual boost::asio::awaitable<Result<std::vector<Approval>>> run_approvals(
      std::string run_id) = 0;
  // The user's approvals across their conversations, newest first, after the cursor `after`
  // (an approval id: any of the user's, whatever the filter; else invalid_cursor). A pending
  // approval past its expires_at counts as expired: it is listed under `expired` and not
  // under `pending`. No filter: every status.
  virtual boost::asio::awaitable<Result<Page<Approval>>> list_approvals(
      std::string user_id, std::optional<ApprovalStatus> status, Timestamp now, int limit,
      std::optional<std::string> after) = 0;
  // Atomically records the decisions of one pause and takes the run back: the
  // conversation (owned by `user_id`) goes from awaiting_approval to running, the run from
  // awaiting_approval to running (updated_at = now), and each approval in `decided` (matched
  // by id) from pending to its new status with reason, edited_arguments, decided_by and
  // decided_at. not_found for a missing or foreign conversation; conflict
  // "not_awaiting_approval" when the conversation is not awaiting approval or an approval is
  // no longer pending — of two racing calls, exactly one succeeds.
  virtual boost::asio::awaitable<Status> decide(std::string user_id, std::string conversation_id,
                                                std::string run_id, std::vector<Approval> decided,
                                                Timestamp now) = 0;
};

}  // namespace agentd
