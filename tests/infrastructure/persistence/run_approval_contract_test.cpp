// What every RunRepository adapter must do with approvals: pause a run on them, take one
// decision per pause, and list a user's approvals with the expiry rule.
#include <algorithm>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {

using namespace std::chrono_literals;

namespace {

std::vector<std::string> ids_of(const std::vector<Approval>& approvals) {
  std::vector<std::string> ids;
  for (const auto& approval : approvals) ids.push_back(approval.id);
  return ids;
}

std::vector<ApprovalStatus> statuses_of(const std::vector<Approval>& approvals) {
  std::vector<ApprovalStatus> statuses;
  for (const auto& approval : approvals) statuses.push_back(approval.status);
  return statuses;
}

}  // namespace

const Timestamp RunApprovalContract::kListedAt = kT0 + 45min;

void RunApprovalContract::given_every_kind_of_approval() {
  const Run decided_run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval approved = sample_approval(numbered("appr", 1), decided_run, "call-a");
  const Approval rejected = sample_approval(numbered("appr", 2), decided_run, "call-b");
  given_paused(decided_run, {approved, rejected});
  Approval rejection = decided(rejected, ApprovalStatus::rejected);
  rejection.reason = "no";
  const std::vector<Approval> decisions{decided(approved, ApprovalStatus::approved), rejection};
  must(run_sync(
      runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), decisions, kT0 + 10min)));

  const Run waiting = given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  Approval late = sample_approval(numbered("appr", 4), waiting, "call-b");
  late.expires_at = kListedAt - 15min;
  Approval due_now = sample_approval(numbered("appr", 6), waiting, "call-c");
  due_now.expires_at = kListedAt;
  given_paused(waiting, {sample_approval(numbered("appr", 3), waiting, "call-a"), late, due_now,
                         sample_approval(numbered("appr", 8), waiting, "call-d")});

  const Run timed_out = given_run(numbered("run", 3), given_conversation(numbered("conv", 3)));
  Approval expired = sample_approval(numbered("appr", 5), timed_out, "call-a");
  given_paused(timed_out, {expired});
  expired = decided(expired, ApprovalStatus::expired);
  expired.reason = "expired";
  const std::vector<Approval> expiry{expired};
  must(run_sync(
      runs().decide(kOwner, numbered("conv", 3), numbered("run", 3), expiry, kT0 + 10min)));

  const Run strangers =
      given_run(numbered("run", 4), given_conversation(numbered("conv", 4), kStranger));
  given_paused(strangers, {sample_approval(numbered("appr", 7), strangers, "call-a"),
                           sample_approval(numbered("appr", 9), strangers, "call-b")});
}

Page<Approval> RunApprovalContract::listed(std::optional<ApprovalStatus> status, int limit,
                                           std::optional<std::string> after) {
  return must(run_sync(runs().list_approvals(kOwner, status, kListedAt, limit, std::move(after))));
}

namespace {

// --- counting, for metrics ---

TEST_P(RunApprovalContract, CountsEveryUsersUnfinishedRunsAndTheApprovalsStillWaiting) {
  given_every_kind_of_approval();
  const RunCounts counts = must(run_sync(runs().count_unfinished(kListedAt)));
  // Decided runs went back to running; the waiting one and the stranger's are paused.
  EXPECT_EQ(counts.running, 2);
  EXPECT_EQ(counts.awaiting_approval, 2);
  // Two of the waiting run's four (one ran out before now, one runs out now) and the
  // stranger's two.
  EXPECT_EQ(counts.approvals_pending, 4);
}

// --- pausing ---

TEST_P(RunApprovalContract, PauseStoresTheRunTheApprovalsAndTheCheckpoint) {
  Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  run.status = RunStatus::awaiting_approval;
  run.steps = 2;
  run.usage = Usage{900, 120, 1020};
  run.updated_at = kT0 + 2min;
  // Stored order, not id order, is the order a run's approvals come back in.
  const std::vector<Approval> approvals{sample_approval(numbered("appr", 2), run, "call-a"),
                                        sample_approval(numbered("appr", 1), run, "call-b")};
  const Checkpoint checkpoint = sample_checkpoint(numbered("run", 1));
  ASSERT_TRUE(run_sync(runs().pause_run(run, approvals, checkpoint)));

  EXPECT_EQ(stored_run(numbered("run", 1)), run);
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_approvals(numbered("run", 1)), approvals);
  auto loaded = run_sync(checkpoints().load(numbered("run", 1)));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  expect_same_checkpoint(**loaded, checkpoint);
}

TEST_P(RunApprovalContract, PauseStoresApprovalsUndecidedWhateverTheySay) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  Approval approval =
      decided(sample_approval(numbered("appr", 1), run, "call-a"), ApprovalStatus::approved);
  approval.reason = "looks fine";
  approval.edited_arguments = "{}";
  given_paused(run, {approval});

  EXPECT_EQ(stored_approvals(numbered("run", 1)),
            (std::vector<Approval>{sample_approval(numbered("appr", 1), run, "call-a")}));
}

TEST_P(RunApprovalContract, PausedRunKeepsOtherRunsFromStarting) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  given_paused(given_run(numbered("run", 1), conversation), {});

  auto second = run_sync(runs().start_run(sample_run(numbered("run", 2), conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_FALSE(run_sync(runs().find_run(numbered("run", 2))));
}

TEST_P(RunApprovalContract, OnlyARunningRunPausesAndARefusedPauseStoresNothing) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  const Run finished =
      given_run_is(given_run(numbered("run", 1), conversation), RunStatus::completed);
  const Run unknown = sample_run(numbered("run", 99), conversation);

  for (const Run& run : {finished, unknown}) {
    const std::vector<Approval> approvals{sample_approval(numbered("appr", 1), run, "call-a")};
    auto paused = run_sync(runs().pause_run(run, approvals, sample_checkpoint(run.id)));
    ASSERT_FALSE(paused) << run.id;
    expect_not_found(paused.error(), "run_not_found");
    EXPECT_TRUE(stored_approvals(run.id).empty()) << run.id;
    auto loaded = run_sync(checkpoints().load(run.id));
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded) << run.id;
  }
  EXPECT_EQ(stored_run(numbered("run", 1)), finished);
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::idle);
}

TEST_P(RunApprovalContract, ALaterPauseAddsItsApprovalsAfterTheEarlierOnes) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval first = sample_approval(numbered("appr", 2), run, "call-a");
  given_paused(run, {first});
  const std::vector<Approval> decisions{decided(first, ApprovalStatus::approved)};
  must(run_sync(
      runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), decisions, kT0 + 10min)));
  const Approval second = sample_approval(numbered("appr", 1), run, "call-b");
  given_paused(stored_run(numbered("run", 1)), {second});

  EXPECT_EQ(stored_approvals(numbered("run", 1)), (std::vector<Approval>{decisions[0], second}));
}

TEST_P(RunApprovalContract, RunWithoutApprovalsHasNone) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  EXPECT_TRUE(stored_approvals(numbered("run", 1)).empty());
  EXPECT_TRUE(stored_approvals(numbered("run", 99)).empty());
}

TEST_P(RunApprovalContract, PausedRunIsFoundByItsConversation) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  given_run_is(given_run(numbered("run", 1), conversation), RunStatus::completed);
  const Run paused = given_paused(given_run(numbered("run", 2), conversation), {});
  given_run(numbered("run", 3), given_conversation(numbered("conv", 2)));

  auto found = run_sync(runs().find_paused_run(numbered("conv", 1)));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, paused);
}

TEST_P(RunApprovalContract, ConversationWithoutAPausedRunHasNone) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_conversation(numbered("conv", 2));

  for (const std::string& conversation_id :
       {numbered("conv", 1), numbered("conv", 2), numbered("conv", 99)}) {
    auto found = run_sync(runs().find_paused_run(conversation_id));
    ASSERT_FALSE(found) << conversation_id;
    expect_not_found(found.error(), "run_not_found");
  }
}

// --- deciding ---

TEST_P(RunApprovalContract, DecisionIsRecordedAndTheRunTakenBack) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval kept = sample_approval(numbered("appr", 1), run, "call-a");
  const Approval changed = sample_approval(numbered("appr", 2), run, "call-b");
  const Approval refused = sample_approval(numbered("appr", 3), run, "call-c");
  const Approval undecided = sample_approval(numbered("appr", 4), run, "call-d");
  given_paused(run, {kept, changed, refused, undecided});

  Approval edited = decided(changed, ApprovalStatus::approved);
  edited.edited_arguments = R"({"url":"https://example.org/genève"})";
  Approval rejected = decided(refused, ApprovalStatus::rejected);
  rejected.reason = "not that site, s'il te plaît";
  const std::vector<Approval> decisions{decided(kept, ApprovalStatus::approved), edited, rejected};
  ASSERT_TRUE(run_sync(
      runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), decisions, kT0 + 11min)));

  EXPECT_EQ(stored_approvals(numbered("run", 1)),
            (std::vector<Approval>{decisions[0], edited, rejected, undecided}));
  const Conversation conversation = stored(numbered("conv", 1));
  EXPECT_EQ(conversation.status, ConversationStatus::running);
  EXPECT_EQ(conversation.updated_at, kT0 + 11min);
  const Run resumed = stored_run(numbered("run", 1));
  EXPECT_EQ(resumed.status, RunStatus::running);
  EXPECT_EQ(resumed.updated_at, kT0 + 11min);
  EXPECT_FALSE(run_sync(runs().find_paused_run(numbered("conv", 1))));
}

TEST_P(RunApprovalContract, SecondDecisionOnTheSamePauseIsAConflict) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval approval = sample_approval(numbered("appr", 1), run, "call-a");
  given_paused(run, {approval});
  const std::vector<Approval> approve{decided(approval, ApprovalStatus::approved)};
  const std::vector<Approval> reject{decided(approval, ApprovalStatus::rejected)};
  ASSERT_TRUE(run_sync(
      runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), approve, kT0 + 10min)));

  auto second =
      run_sync(runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), reject, kT0 + 12min));
  ASSERT_FALSE(second);
  expect_not_awaiting_approval(second.error());
  EXPECT_EQ(stored_approvals(numbered("run", 1)), approve);
  EXPECT_EQ(stored(numbered("conv", 1)).updated_at, kT0 + 10min);
}

TEST_P(RunApprovalContract, ConcurrentDecisionsLetExactlyOneThrough) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval approval = sample_approval(numbered("appr", 1), run, "call-a");
  given_paused(run, {approval});

  std::vector<boost::asio::awaitable<Status>> decisions;
  for (int i = 0; i < 8; ++i) {
    Approval decision =
        decided(approval, i % 2 == 0 ? ApprovalStatus::approved : ApprovalStatus::rejected);
    decision.reason = "decision " + std::to_string(i);
    std::vector<Approval> decided_now{std::move(decision)};
    decisions.push_back(runs().decide(kOwner, numbered("conv", 1), numbered("run", 1),
                                      std::move(decided_now), kT0 + 10min));
  }
  auto results = run_concurrently(std::move(decisions));

  ASSERT_EQ(std::count_if(results.begin(), results.end(),
                          [](const Status& result) { return result.ok(); }),
            1);
  const auto winner = static_cast<int>(
      std::find_if(results.begin(), results.end(), [](const Status& r) { return r.ok(); }) -
      results.begin());
  for (const auto& result : results) {
    if (!result) expect_not_awaiting_approval(result.error());
  }
  const auto approvals = stored_approvals(numbered("run", 1));
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].reason, "decision " + std::to_string(winner));
  EXPECT_EQ(stored_run(numbered("run", 1)).status, RunStatus::running);
}

TEST_P(RunApprovalContract, AnotherUserCannotDecide) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval approval = sample_approval(numbered("appr", 1), run, "call-a");
  given_paused(run, {approval});
  Approval decision = decided(approval, ApprovalStatus::approved);
  decision.decided_by = Decider{kStranger, std::nullopt};
  const std::vector<Approval> decisions{decision};

  auto foreign = run_sync(
      runs().decide(kStranger, numbered("conv", 1), numbered("run", 1), decisions, kT0 + 10min));
  ASSERT_FALSE(foreign);
  expect_not_found(foreign.error(), "conversation_not_found");
  auto missing = run_sync(
      runs().decide(kOwner, numbered("conv", 99), numbered("run", 1), decisions, kT0 + 10min));
  ASSERT_FALSE(missing);
  expect_not_found(missing.error(), "conversation_not_found");

  EXPECT_EQ(stored_approvals(numbered("run", 1)), (std::vector<Approval>{approval}));
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_run(numbered("run", 1)).status, RunStatus::awaiting_approval);
}

TEST_P(RunApprovalContract, DecisionOnAnApprovalThatIsNotPendingChangesNothing) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Approval first = sample_approval(numbered("appr", 1), run, "call-a");
  const Approval second = sample_approval(numbered("appr", 2), run, "call-b");
  const Run paused = given_paused(run, {first, second});
  const Conversation waiting = stored(numbered("conv", 1));
  const Run other = given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  const Approval others = sample_approval(numbered("appr", 3), other, "call-a");
  given_paused(other, {others});

  Approval unknown = first;
  unknown.id = numbered("appr", 99);
  const std::vector<std::vector<Approval>> refused{
      // The good decision comes first, so refusing the second must undo it.
      {decided(first, ApprovalStatus::approved), decided(unknown, ApprovalStatus::approved)},
      {decided(first, ApprovalStatus::approved), decided(others, ApprovalStatus::approved)},
      {decided(first, ApprovalStatus::approved), decided(first, ApprovalStatus::rejected)},
  };
  for (const auto& decisions : refused) {
    auto result = run_sync(
        runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), decisions, kT0 + 10min));
    ASSERT_FALSE(result) << decisions.back().id;
    expect_not_awaiting_approval(result.error());
  }

  EXPECT_EQ(stored_approvals(numbered("run", 1)), (std::vector<Approval>{first, second}));
  EXPECT_EQ(stored_approvals(numbered("run", 2)), (std::vector<Approval>{others}));
  EXPECT_EQ(stored(numbered("conv", 1)), waiting);
  EXPECT_EQ(stored_run(numbered("run", 1)), paused);
}

TEST_P(RunApprovalContract, DecisionNeedsTheConversationAndTheRunToWait) {
  const Conversation waiting = given_conversation(numbered("conv", 1));
  const Run paused = given_run(numbered("run", 1), waiting);
  const Approval approval = sample_approval(numbered("appr", 1), paused, "call-a");
  given_paused(paused, {approval});
  given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  given_run_is(given_run(numbered("run", 3), given_conversation(numbered("conv", 3))),
               RunStatus::completed);
  const std::vector<Approval> decisions{decided(approval, ApprovalStatus::approved)};

  const std::pair<std::string, std::string> cases[] = {
      {numbered("conv", 2), numbered("run", 2)},   // running
      {numbered("conv", 3), numbered("run", 3)},   // idle
      {numbered("conv", 1), numbered("run", 2)},   // another conversation's run
      {numbered("conv", 1), numbered("run", 99)},  // no such run
  };
  for (const auto& [conversation_id, run_id] : cases) {
    auto result = run_sync(runs().decide(kOwner, conversation_id, run_id, decisions, kT0 + 10min));
    ASSERT_FALSE(result) << conversation_id << " " << run_id;
    expect_not_awaiting_approval(result.error());
  }

  EXPECT_EQ(stored_approvals(numbered("run", 1)), (std::vector<Approval>{approval}));
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_run(numbered("run", 1)).status, RunStatus::awaiting_approval);
  EXPECT_EQ(stored(numbered("conv", 2)).status, ConversationStatus::running);
  EXPECT_EQ(stored(numbered("conv", 3)).status, ConversationStatus::idle);
}

// --- listing ---

TEST_P(RunApprovalContract, ListShowsTheUsersApprovalsNewestFirstWithACursor) {
  const Run mine = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const Run theirs =
      given_run(numbered("run", 2), given_conversation(numbered("conv", 2), kStranger));
  given_paused(mine, {sample_approval(numbered("appr", 1), mine, "call-a"),
                      sample_approval(numbered("appr", 3), mine, "call-b"),
                      sample_approval(numbered("appr", 5), mine, "call-c")});
  given_paused(theirs, {sample_approval(numbered("appr", 2), theirs, "call-a"),
                        sample_approval(numbered("appr", 4), theirs, "call-b")});

  auto first = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(first->items),
            (std::vector<std::string>{numbered("appr", 5), numbered("appr", 3)}));
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->items[0], sample_approval(numbered("appr", 5), mine, "call-c"));

  auto last = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 2, numbered("appr", 3)));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(last->items), (std::vector<std::string>{numbered("appr", 1)}));
  EXPECT_FALSE(last->has_more);

  auto exact = run_sync(runs().list_approvals(kStranger, std::nullopt, kT0, 2, std::nullopt));
  ASSERT_TRUE(exact);
  EXPECT_EQ(ids_of(exact->items),
            (std::vector<std::string>{numbered("appr", 4), numbered("appr", 2)}));
  EXPECT_FALSE(exact->has_more);
}

TEST_P(RunApprovalContract, ListRejectsALimitBelowOne) {
  auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 0, std::nullopt));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
}

TEST_P(RunApprovalContract, WithoutAFilterListsEveryStatusCountingExpiry) {
  given_every_kind_of_approval();

  const auto page = listed(std::nullopt);
  EXPECT_EQ(ids_of(page.items),
            (std::vector<std::string>{numbered("appr", 8), numbered("appr", 6), numbered("appr", 5),
                                      numbered("appr", 4), numbered("appr", 3), numbered("appr", 2),
                                      numbered("appr", 1)}));
  EXPECT_EQ(statuses_of(page.items),
            (std::vector<ApprovalStatus>{ApprovalStatus::pending, ApprovalStatus::expired,
                                         ApprovalStatus::expired, ApprovalStatus::expired,
                                         ApprovalStatus::pending, ApprovalStatus::rejected,
                                         ApprovalStatus::approved}));
  EXPECT_FALSE(page.has_more);
}

TEST_P(RunApprovalContract, PendingListsOnlyThoseStillInTime) {
  given_every_kind_of_approval();

  const auto page = listed(ApprovalStatus::pending);
  EXPECT_EQ(ids_of(page.items),
            (std::vector<std::string>{numbered("appr", 8), numbered("appr", 3)}));
  EXPECT_EQ(statuses_of(page.items),
            (std::vector<ApprovalStatus>{ApprovalStatus::pending, ApprovalStatus::pending}));
}

TEST_P(RunApprovalContract, ExpiredListsTheExpiredAndThePendingPastTheirTime) {
  given_every_kind_of_approval();

  const auto page = listed(ApprovalStatus::expired);
  ASSERT_EQ(ids_of(page.items), (std::vector<std::string>{numbered("appr", 6), numbered("appr", 5),
                                                          numbered("appr", 4)}));
  EXPECT_EQ(statuses_of(page.items),
            (std::vector<ApprovalStatus>{ApprovalStatus::expired, ApprovalStatus::expired,
                                         ApprovalStatus::expired}));
  // Counting as expired changes nothing stored: the run still holds it as pending.
  EXPECT_EQ(page.items[2].reason, std::nullopt);
  EXPECT_EQ(page.items[1].reason, "expired");
  EXPECT_EQ(stored_approvals(numbered("run", 2))[1].status, ApprovalStatus::pending);
}

TEST_P(RunApprovalContract, DecidedStatusesListOnlyTheirOwn) {
  given_every_kind_of_approval();

  const auto approved = listed(ApprovalStatus::approved);
  ASSERT_EQ(ids_of(approved.items), (std::vector<std::string>{numbered("appr", 1)}));
  EXPECT_EQ(approved.items[0],
            decided(sample_approval(numbered("appr", 1), stored_run(numbered("run", 1)), "call-a"),
                    ApprovalStatus::approved));
  EXPECT_EQ(ids_of(listed(ApprovalStatus::rejected).items),
            (std::vector<std::string>{numbered("appr", 2)}));
}

TEST_P(RunApprovalContract, FilteredPagesFollowTheCursor) {
  given_every_kind_of_approval();

  const auto first = listed(ApprovalStatus::expired, 2);
  EXPECT_EQ(ids_of(first.items),
            (std::vector<std::string>{numbered("appr", 6), numbered("appr", 5)}));
  EXPECT_TRUE(first.has_more);
  const auto last = listed(ApprovalStatus::expired, 2, first.items.back().id);
  EXPECT_EQ(ids_of(last.items), (std::vector<std::string>{numbered("appr", 4)}));
  EXPECT_FALSE(last.has_more);
}

TEST_P(RunApprovalContract, CursorThatNamesNoApprovalOfTheUserIsInvalid) {
  given_every_kind_of_approval();

  // Approval 7 is the stranger's: answered like a missing one, so its existence stays private.
  for (const std::string& cursor : {numbered("appr", 7), numbered("appr", 99)}) {
    auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kListedAt, 10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().kind, ErrorCode::invalid_request) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

TEST_P(RunApprovalContract, CursorThatIsNotAUuidIsInvalid) {
  given_every_kind_of_approval();

  auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kListedAt, 10, kNotAUuid));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().param, "after");
}

TEST_P(RunApprovalContract, CursorMayBeAnApprovalTheFilterLeavesOut) {
  given_every_kind_of_approval();

  // Approval 5 is expired, so not among the pending; a client paging the pending list whose last
  // item expired meanwhile still gets the next page.
  const auto page = listed(ApprovalStatus::pending, 10, numbered("appr", 5));
  EXPECT_EQ(ids_of(page.items), (std::vector<std::string>{numbered("appr", 3)}));
  EXPECT_FALSE(page.has_more);
}

// --- removal ---

TEST_P(RunApprovalContract, RemovingAConversationRemovesItsApprovals) {
  const Run doomed = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_paused(doomed, {sample_approval(numbered("appr", 1), doomed, "call-a")});
  const Run kept = given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  given_paused(kept, {sample_approval(numbered("appr", 2), kept, "call-a")});

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, numbered("conv", 1))));

  EXPECT_TRUE(stored_approvals(numbered("run", 1)).empty());
  EXPECT_EQ(ids_of(stored_approvals(numbered("run", 2))),
            (std::vector<std::string>{numbered("appr", 2)}));
  auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 10, std::nullopt));
  ASSERT_TRUE(page);
  EXPECT_EQ(ids_of(page->items), (std::vector<std::string>{numbered("appr", 2)}));
}

}  // namespace
TEST_P(RunApprovalContract, CancellingAPausedRunClosesItsPendingApprovalsAsRejected) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  Approval waiting = sample_approval(numbered("appr", 1), run, "call-a");
  waiting.required_by_api_key_id = numbered("key", 1);
  given_paused(run, {waiting, sample_approval(numbered("appr", 2), run, "call-b")});
  const Decider decider{kOwner, numbered("key", 2)};

  auto closed = must(run_sync(runs().cancel_paused_run(numbered("run", 1), decider, kT0 + 20min)));

  ASSERT_EQ(closed.size(), 2u);
  const auto approvals = stored_approvals(numbered("run", 1));
  ASSERT_EQ(approvals.size(), 2u);
  for (const auto& approval : approvals) {
    EXPECT_EQ(approval.status, ApprovalStatus::rejected);
    EXPECT_EQ(approval.reason, "cancelled");
    EXPECT_EQ(approval.decided_by, decider);
    EXPECT_EQ(approval.decided_at, kT0 + 20min);
  }
  EXPECT_EQ(approvals[0].required_by_api_key_id, numbered("key", 1));
  const Run stored = stored_run(numbered("run", 1));
  EXPECT_EQ(stored.status, RunStatus::cancelled);
  EXPECT_EQ(stored.finished_at, kT0 + 20min);
  EXPECT_EQ(this->stored(numbered("conv", 1)).status, ConversationStatus::idle);
}

TEST_P(RunApprovalContract, OnlyAPausedRunIsCancelledThatWay) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));

  auto running = run_sync(runs().cancel_paused_run(numbered("run", 1), Decider{kOwner, {}}, kT0));
  ASSERT_FALSE(running);
  EXPECT_EQ(running.error().code, "run_not_active");
  EXPECT_EQ(stored_run(numbered("run", 1)).status, RunStatus::running);
  auto unknown = run_sync(runs().cancel_paused_run(numbered("run", 99), Decider{kOwner, {}}, kT0));
  ASSERT_FALSE(unknown);
  expect_not_found(unknown.error(), "run_not_found");
}

TEST_P(RunApprovalContract, WhichKeyMadeACallWaitAndWhoDecidedAreStored) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  Approval approval = sample_approval(numbered("appr", 1), run, "call-a");
  approval.required_by_api_key_id = numbered("key", 1);
  given_paused(run, {approval});
  Approval decision = decided(approval, ApprovalStatus::approved);
  decision.decided_by = Decider{kOwner, numbered("key", 2)};

  must(run_sync(
      runs().decide(kOwner, numbered("conv", 1), numbered("run", 1), {decision}, kT0 + 10min)));

  const auto stored = stored_approvals(numbered("run", 1));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].required_by_api_key_id, numbered("key", 1));
  EXPECT_EQ(stored[0].decided_by, (Decider{kOwner, numbered("key", 2)}));
}

}  // namespace agentd::contract
