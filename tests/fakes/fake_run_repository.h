// An in-memory RunRepository with the port's rules: only an idle conversation may start a run,
// and only a waiting one takes a decision on its approvals. Its tables are shared with a
// FakeConversationRepository.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/run_repository.h"
#include "domain/conversation/conversation_errors.h"
#include "fakes/fake_checkpoint_store.h"
#include "fakes/fake_conversation_tables.h"

namespace agentd {

class FakeRunRepository : public RunRepository {
 public:
  // The checkpoints pause_run saves go to `checkpoints`, where code that uses the
  // CheckpointStore port loads them, as it would from a database both adapters share.
  FakeRunRepository(FakeConversationTables& tables, FakeCheckpointStore& checkpoints)
      : tables_(tables), checkpoints_(checkpoints) {}

  // How many update_run calls from now find the database unavailable.
  int update_outages = 0;

  boost::asio::awaitable<Status> start_run(Run run) override {
    std::lock_guard lock(tables_.mutex);
    auto* conversation = tables_.owned(run.user_id, run.conversation_id);
    if (conversation == nullptr) co_return conversation_not_found();
    if (conversation->status != ConversationStatus::idle) co_return run_in_progress();
    conversation->status = ConversationStatus::running;
    conversation->updated_at = run.created_at;
    tables_.runs[run.id] = std::move(run);
    co_return ok_status();
  }

  boost::asio::awaitable<Status> update_run(Run run) override {
    std::lock_guard lock(tables_.mutex);
    if (update_outages > 0) {
      --update_outages;
      co_return Error::unavailable("the database is unavailable; try again",
                                   "database_unavailable");
    }
    auto found = tables_.runs.find(run.id);
    if (found == tables_.runs.end()) co_return run_not_found();
    Run& stored = found->second;
    stored.status = run.status;
    stored.steps = run.steps;
    stored.usage = run.usage;
    stored.error = std::move(run.error);
    stored.updated_at = run.updated_at;
    stored.last_event_id = run.last_event_id;
    stored.finished_at = run.finished_at;
    stored.messages_sent = run.messages_sent;
    stored.messages_left_out = run.messages_left_out;
    stored.token_ratio = run.token_ratio;
    if (stored.status != RunStatus::running) tables_.leases.erase(stored.id);
    auto conversation = tables_.conversations.find(stored.conversation_id);
    if (conversation != tables_.conversations.end()) {
      conversation->second.status = conversation_status_for(stored.status);
    }
    co_return ok_status();
  }

  boost::asio::awaitable<Result<Run>> find_run(std::string run_id) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.runs.find(run_id);
    if (found == tables_.runs.end()) co_return run_not_found();
    co_return found->second;
  }

  boost::asio::awaitable<Result<Page<Run>>> list_runs(std::string conversation_id, int limit,
                                                      std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(tables_.mutex);
    // Newest first is largest id first; the map is ordered by id.
    std::vector<Run> listed;
    for (auto it = tables_.runs.rbegin(); it != tables_.runs.rend(); ++it) {
      if (it->second.conversation_id == conversation_id) listed.push_back(it->second);
    }
    co_return page_after(std::move(listed), limit, after, [](const Run& run) { return run.id; });
  }

  boost::asio::awaitable<Result<Run>> request_cancel(std::string run_id, Timestamp now) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.runs.find(run_id);
    if (found == tables_.runs.end()) co_return run_not_found();
    if (found->second.status != RunStatus::running) co_return run_not_active();
    if (!found->second.cancel_requested_at) found->second.cancel_requested_at = now;
    co_return found->second;
  }

  boost::asio::awaitable<Result<std::vector<std::string>>> cancel_requested(
      std::vector<std::string> run_ids) override {
    std::lock_guard lock(tables_.mutex);
    std::vector<std::string> requested;
    for (const auto& id : run_ids) {
      auto found = tables_.runs.find(id);
      if (found != tables_.runs.end() && found->second.status == RunStatus::running &&
          found->second.cancel_requested_at) {
        requested.push_back(id);
      }
    }
    co_return requested;
  }

  boost::asio::awaitable<Result<RunCounts>> count_unfinished(Timestamp now) override {
    std::lock_guard lock(tables_.mutex);
    RunCounts counts;
    for (const auto& [id, run] : tables_.runs) {
      if (run.status == RunStatus::running) ++counts.running;
      if (run.status == RunStatus::awaiting_approval) ++counts.awaiting_approval;
    }
    for (const auto& approval : tables_.approvals) {
      if (approval.status == ApprovalStatus::pending && approval.expires_at > now) {
        ++counts.approvals_pending;
      }
    }
    co_return counts;
  }

  boost::asio::awaitable<Result<std::vector<Approval>>> cancel_paused_run(std::string run_id,
                                                                          Decider decider,
                                                                          Timestamp now) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.runs.find(run_id);
    if (found == tables_.runs.end()) co_return run_not_found();
    Run& run = found->second;
    if (run.status != RunStatus::awaiting_approval) co_return run_not_active();
    run.status = RunStatus::cancelled;
    run.updated_at = now;
    run.finished_at = now;
    if (!run.cancel_requested_at) run.cancel_requested_at = now;
    auto conversation = tables_.conversations.find(run.conversation_id);
    if (conversation != tables_.conversations.end()) {
      conversation->second.status = ConversationStatus::idle;
    }
    std::vector<Approval> closed;
    for (auto& approval : tables_.approvals) {
      if (approval.run_id != run_id || approval.status != ApprovalStatus::pending) continue;
      approval.status = ApprovalStatus::rejected;
      approval.reason = "cancelled";
      approval.decided_by = decider;
      approval.decided_at = now;
      closed.push_back(approval);
    }
    co_return closed;
  }

  boost::asio::awaitable<Result<std::vector<std::string>>> renew_leases(
      std::string owner, std::vector<std::string> run_ids, Timestamp until) override {
    std::lock_guard lock(tables_.mutex);
    std::vector<std::string> lost;
    for (const auto& id : run_ids) {
      auto run = tables_.runs.find(id);
      auto lease = tables_.leases.find(id);
      const bool held = lease == tables_.leases.end() || lease->second.owner == owner;
      if (run == tables_.runs.end() || run->second.status != RunStatus::running || !held) {
        lost.push_back(id);
        continue;
      }
      tables_.leases.insert_or_assign(id, FakeConversationTables::Lease{owner, until});
    }
    co_return lost;
  }

  boost::asio::awaitable<Result<std::vector<Run>>> take_over_runs(std::string owner, Timestamp now,
                                                                  Timestamp stale_before,
                                                                  Timestamp until,
                                                                  int limit) override {
    std::lock_guard lock(tables_.mutex);
    std::vector<Run> claimed;
    for (auto& [id, run] : tables_.runs) {
      if (static_cast<int>(claimed.size()) >= limit) break;
      if (run.status != RunStatus::running) continue;
      auto lease = tables_.leases.find(id);
      const bool free =
          lease == tables_.leases.end() ? run.updated_at < stale_before : lease->second.until < now;
      if (!free) continue;
      tables_.leases.insert_or_assign(id, FakeConversationTables::Lease{owner, until});
      ++run.attempts;
      claimed.push_back(run);
    }
    co_return claimed;
  }

  boost::asio::awaitable<Status> pause_run(Run run, std::vector<Approval> approvals,
                                           Checkpoint checkpoint) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.runs.find(run.id);
    // Only a running run pauses, so a run that finished meanwhile is never revived.
    if (found == tables_.runs.end() || found->second.status != RunStatus::running) {
      co_return run_not_found();
    }
    Run& stored = found->second;
    stored.status = RunStatus::awaiting_approval;
    tables_.leases.erase(stored.id);
    stored.steps = run.steps;
    stored.usage = run.usage;
    stored.updated_at = run.updated_at;
    stored.last_event_id = run.last_event_id;
    auto conversation = tables_.conversations.find(stored.conversation_id);
    if (conversation != tables_.conversations.end()) {
      conversation->second.status = ConversationStatus::awaiting_approval;
    }
    for (auto& approval : approvals) {
      approval.status = ApprovalStatus::pending;
      approval.reason.reset();
      approval.edited_arguments.reset();
      approval.decided_by.reset();
      approval.decided_at.reset();
      tables_.approvals.push_back(std::move(approval));
    }
    checkpoints_.put(std::move(checkpoint));
    co_return ok_status();
  }

  boost::asio::awaitable<Result<Run>> find_paused_run(std::string conversation_id) override {
    std::lock_guard lock(tables_.mutex);
    for (const auto& [id, run] : tables_.runs) {
      if (run.conversation_id == conversation_id && run.status == RunStatus::awaiting_approval) {
        co_return run;
      }
    }
    co_return run_not_found();
  }

  boost::asio::awaitable<Result<std::vector<Approval>>> run_approvals(std::string run_id) override {
    std::lock_guard lock(tables_.mutex);
    std::vector<Approval> approvals;
    for (const auto& approval : tables_.approvals) {
      if (approval.run_id == run_id) approvals.push_back(approval);
    }
    co_return approvals;
  }

  boost::asio::awaitable<Result<Page<Approval>>> list_approvals(
      std::string user_id, std::optional<ApprovalStatus> status, Timestamp now, int limit,
      std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(tables_.mutex);
    std::vector<Approval> matching;
    for (const auto& approval : tables_.approvals) {
      if (approval.user_id != user_id) continue;
      Approval seen = approval;
      if (seen.is_expired(now)) seen.status = ApprovalStatus::expired;
      // The cursor may be any of the user's approvals, whatever the filter: it only marks
      // where the page starts.
      if (status && seen.status != *status && seen.id != after) continue;
      matching.push_back(std::move(seen));
    }
    // Newest first is largest id first.
    std::sort(matching.begin(), matching.end(),
              [](const Approval& a, const Approval& b) { return a.id > b.id; });
    co_return page_after(std::move(matching), limit, after,
                         [](const Approval& approval) { return approval.id; });
  }

  boost::asio::awaitable<Status> decide(std::string user_id, std::string conversation_id,
                                        std::string run_id, std::vector<Approval> decided,
                                        Timestamp now) override {
    std::lock_guard lock(tables_.mutex);
    auto* conversation = tables_.owned(user_id, conversation_id);
    if (conversation == nullptr) co_return conversation_not_found();
    if (conversation->status != ConversationStatus::awaiting_approval) {
      co_return not_awaiting_approval();
    }
    auto run = tables_.runs.find(run_id);
    if (run == tables_.runs.end() || run->second.conversation_id != conversation_id ||
        run->second.status != RunStatus::awaiting_approval) {
      co_return not_awaiting_approval();
    }
    // Every decision is checked before any is applied: all or nothing.
    std::vector<Approval*> targets;
    for (const auto& decision : decided) {
      auto* approval = tables_.pending_approval(run_id, decision.id);
      if (approval == nullptr ||
          std::find(targets.begin(), targets.end(), approval) != targets.end()) {
        co_return not_awaiting_approval();
      }
      targets.push_back(approval);
    }
    conversation->status = ConversationStatus::running;
    conversation->updated_at = now;
    run->second.status = RunStatus::running;
    run->second.updated_at = now;
    for (std::size_t i = 0; i < decided.size(); ++i) {
      Approval& approval = *targets[i];
      approval.status = decided[i].status;
      approval.reason = std::move(decided[i].reason);
      approval.edited_arguments = std::move(decided[i].edited_arguments);
      approval.decided_by = std::move(decided[i].decided_by);
      approval.decided_at = decided[i].decided_at;
    }
    co_return ok_status();
  }

 private:
  FakeConversationTables& tables_;
  FakeCheckpointStore& checkpoints_;
};

}  // namespace agentd
