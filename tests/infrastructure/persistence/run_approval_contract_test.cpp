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
  const Run decided_run = given_run("run-01", given_conversation("conv-01"));
  const Approval approved = sample_approval("appr-01", decided_run, "call-a");
  const Approval rejected = sample_approval("appr-02", decided_run, "call-b");
  given_paused(decided_run, {approved, rejected});
  Approval rejection = decided(rejected, ApprovalStatus::rejected);
  rejection.reason = "no";
  const std::vector<Approval> decisions{decided(approved, ApprovalStatus::approved), rejection};
  must(run_sync(runs().decide(kOwner, "conv-01", "run-01", decisions, kT0 + 10min)));

  const Run waiting = given_run("run-02", given_conversation("conv-02"));
  Approval late = sample_approval("appr-04", waiting, "call-b");
  late.expires_at = kListedAt - 15min;
  Approval due_now = sample_approval("appr-06", waiting, "call-c");
  due_now.expires_at = kListedAt;
  given_paused(waiting, {sample_approval("appr-03", waiting, "call-a"), late, due_now,
                         sample_approval("appr-08", waiting, "call-d")});

  const Run timed_out = given_run("run-03", given_conversation("conv-03"));
  Approval expired = sample_approval("appr-05", timed_out, "call-a");
  given_paused(timed_out, {expired});
  expired = decided(expired, ApprovalStatus::expired);
  expired.reason = "expired";
  const std::vector<Approval> expiry{expired};
  must(run_sync(runs().decide(kOwner, "conv-03", "run-03", expiry, kT0 + 10min)));

  const Run strangers = given_run("run-04", given_conversation("conv-04", kStranger));
  given_paused(strangers, {sample_approval("appr-07", strangers, "call-a"),
                           sample_approval("appr-09", strangers, "call-b")});
}

Page<Approval> RunApprovalContract::listed(std::optional<ApprovalStatus> status, int limit,
                                           std::optional<std::string> after) {
  return must(run_sync(runs().list_approvals(kOwner, status, kListedAt, limit, std::move(after))));
}

namespace {

// --- pausing ---

TEST_P(RunApprovalContract, PauseStoresTheRunTheApprovalsAndTheCheckpoint) {
  Run run = given_run("run-01", given_conversation("conv-01"));
  run.status = RunStatus::awaiting_approval;
  run.steps = 2;
  run.usage = Usage{900, 120, 1020};
  run.updated_at = kT0 + 2min;
  // Stored order, not id order, is the order a run's approvals come back in.
  const std::vector<Approval> approvals{sample_approval("appr-02", run, "call-a"),
                                        sample_approval("appr-01", run, "call-b")};
  const Checkpoint checkpoint = sample_checkpoint("run-01");
  ASSERT_TRUE(run_sync(runs().pause_run(run, approvals, checkpoint)));

  EXPECT_EQ(stored_run("run-01"), run);
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_approvals("run-01"), approvals);
  auto loaded = run_sync(checkpoints().load("run-01"));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(*loaded);
  EXPECT_EQ(**loaded, checkpoint);
}

TEST_P(RunApprovalContract, PauseStoresApprovalsUndecidedWhateverTheySay) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  Approval approval = decided(sample_approval("appr-01", run, "call-a"), ApprovalStatus::approved);
  approval.reason = "looks fine";
  approval.edited_arguments = "{}";
  given_paused(run, {approval});

  EXPECT_EQ(stored_approvals("run-01"),
            (std::vector<Approval>{sample_approval("appr-01", run, "call-a")}));
}

TEST_P(RunApprovalContract, PausedRunKeepsOtherRunsFromStarting) {
  const Conversation conversation = given_conversation("conv-01");
  given_paused(given_run("run-01", conversation), {});

  auto second = run_sync(runs().start_run(sample_run("run-02", conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_FALSE(run_sync(runs().find_run("run-02")));
}

TEST_P(RunApprovalContract, OnlyARunningRunPausesAndARefusedPauseStoresNothing) {
  const Conversation conversation = given_conversation("conv-01");
  const Run finished = given_run_is(given_run("run-01", conversation), RunStatus::completed);
  const Run unknown = sample_run("run-99", conversation);

  for (const Run& run : {finished, unknown}) {
    const std::vector<Approval> approvals{sample_approval("appr-01", run, "call-a")};
    auto paused = run_sync(runs().pause_run(run, approvals, sample_checkpoint(run.id)));
    ASSERT_FALSE(paused) << run.id;
    expect_not_found(paused.error(), "run_not_found");
    EXPECT_TRUE(stored_approvals(run.id).empty()) << run.id;
    auto loaded = run_sync(checkpoints().load(run.id));
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(*loaded) << run.id;
  }
  EXPECT_EQ(stored_run("run-01"), finished);
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::idle);
}

TEST_P(RunApprovalContract, ALaterPauseAddsItsApprovalsAfterTheEarlierOnes) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval first = sample_approval("appr-02", run, "call-a");
  given_paused(run, {first});
  const std::vector<Approval> decisions{decided(first, ApprovalStatus::approved)};
  must(run_sync(runs().decide(kOwner, "conv-01", "run-01", decisions, kT0 + 10min)));
  const Approval second = sample_approval("appr-01", run, "call-b");
  given_paused(stored_run("run-01"), {second});

  EXPECT_EQ(stored_approvals("run-01"), (std::vector<Approval>{decisions[0], second}));
}

TEST_P(RunApprovalContract, RunWithoutApprovalsHasNone) {
  given_run("run-01", given_conversation("conv-01"));
  EXPECT_TRUE(stored_approvals("run-01").empty());
  EXPECT_TRUE(stored_approvals("run-99").empty());
}

TEST_P(RunApprovalContract, PausedRunIsFoundByItsConversation) {
  const Conversation conversation = given_conversation("conv-01");
  given_run_is(given_run("run-01", conversation), RunStatus::completed);
  const Run paused = given_paused(given_run("run-02", conversation), {});
  given_run("run-03", given_conversation("conv-02"));

  auto found = run_sync(runs().find_paused_run("conv-01"));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, paused);
}

TEST_P(RunApprovalContract, ConversationWithoutAPausedRunHasNone) {
  given_run("run-01", given_conversation("conv-01"));
  given_conversation("conv-02");

  for (const auto* conversation_id : {"conv-01", "conv-02", "conv-99"}) {
    auto found = run_sync(runs().find_paused_run(conversation_id));
    ASSERT_FALSE(found) << conversation_id;
    expect_not_found(found.error(), "run_not_found");
  }
}

// --- deciding ---

TEST_P(RunApprovalContract, DecisionIsRecordedAndTheRunTakenBack) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval kept = sample_approval("appr-01", run, "call-a");
  const Approval changed = sample_approval("appr-02", run, "call-b");
  const Approval refused = sample_approval("appr-03", run, "call-c");
  const Approval undecided = sample_approval("appr-04", run, "call-d");
  given_paused(run, {kept, changed, refused, undecided});

  Approval edited = decided(changed, ApprovalStatus::approved);
  edited.edited_arguments = R"({"url":"https://example.org/genève"})";
  Approval rejected = decided(refused, ApprovalStatus::rejected);
  rejected.reason = "not that site, s'il te plaît";
  const std::vector<Approval> decisions{decided(kept, ApprovalStatus::approved), edited, rejected};
  ASSERT_TRUE(run_sync(runs().decide(kOwner, "conv-01", "run-01", decisions, kT0 + 11min)));

  EXPECT_EQ(stored_approvals("run-01"),
            (std::vector<Approval>{decisions[0], edited, rejected, undecided}));
  const Conversation conversation = stored("conv-01");
  EXPECT_EQ(conversation.status, ConversationStatus::running);
  EXPECT_EQ(conversation.updated_at, kT0 + 11min);
  const Run resumed = stored_run("run-01");
  EXPECT_EQ(resumed.status, RunStatus::running);
  EXPECT_EQ(resumed.updated_at, kT0 + 11min);
  EXPECT_FALSE(run_sync(runs().find_paused_run("conv-01")));
}

TEST_P(RunApprovalContract, SecondDecisionOnTheSamePauseIsAConflict) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval approval = sample_approval("appr-01", run, "call-a");
  given_paused(run, {approval});
  const std::vector<Approval> approve{decided(approval, ApprovalStatus::approved)};
  const std::vector<Approval> reject{decided(approval, ApprovalStatus::rejected)};
  ASSERT_TRUE(run_sync(runs().decide(kOwner, "conv-01", "run-01", approve, kT0 + 10min)));

  auto second = run_sync(runs().decide(kOwner, "conv-01", "run-01", reject, kT0 + 12min));
  ASSERT_FALSE(second);
  expect_not_awaiting_approval(second.error());
  EXPECT_EQ(stored_approvals("run-01"), approve);
  EXPECT_EQ(stored("conv-01").updated_at, kT0 + 10min);
}

TEST_P(RunApprovalContract, ConcurrentDecisionsLetExactlyOneThrough) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval approval = sample_approval("appr-01", run, "call-a");
  given_paused(run, {approval});

  std::vector<boost::asio::awaitable<Status>> decisions;
  for (int i = 0; i < 8; ++i) {
    Approval decision =
        decided(approval, i % 2 == 0 ? ApprovalStatus::approved : ApprovalStatus::rejected);
    decision.reason = numbered("decision", i);
    std::vector<Approval> decided_now{std::move(decision)};
    decisions.push_back(
        runs().decide(kOwner, "conv-01", "run-01", std::move(decided_now), kT0 + 10min));
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
  const auto approvals = stored_approvals("run-01");
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].reason, numbered("decision", winner));
  EXPECT_EQ(stored_run("run-01").status, RunStatus::running);
}

TEST_P(RunApprovalContract, AnotherUserCannotDecide) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval approval = sample_approval("appr-01", run, "call-a");
  given_paused(run, {approval});
  Approval decision = decided(approval, ApprovalStatus::approved);
  decision.decided_by = Decider{kStranger, std::nullopt};
  const std::vector<Approval> decisions{decision};

  auto foreign = run_sync(runs().decide(kStranger, "conv-01", "run-01", decisions, kT0 + 10min));
  ASSERT_FALSE(foreign);
  expect_not_found(foreign.error(), "conversation_not_found");
  auto missing = run_sync(runs().decide(kOwner, "conv-99", "run-01", decisions, kT0 + 10min));
  ASSERT_FALSE(missing);
  expect_not_found(missing.error(), "conversation_not_found");

  EXPECT_EQ(stored_approvals("run-01"), (std::vector<Approval>{approval}));
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_run("run-01").status, RunStatus::awaiting_approval);
}

TEST_P(RunApprovalContract, DecisionOnAnApprovalThatIsNotPendingChangesNothing) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  const Approval first = sample_approval("appr-01", run, "call-a");
  const Approval second = sample_approval("appr-02", run, "call-b");
  const Run paused = given_paused(run, {first, second});
  const Conversation waiting = stored("conv-01");
  const Run other = given_run("run-02", given_conversation("conv-02"));
  const Approval others = sample_approval("appr-03", other, "call-a");
  given_paused(other, {others});

  Approval unknown = first;
  unknown.id = "appr-99";
  const std::vector<std::vector<Approval>> refused{
      // The good decision comes first, so refusing the second must undo it.
      {decided(first, ApprovalStatus::approved), decided(unknown, ApprovalStatus::approved)},
      {decided(first, ApprovalStatus::approved), decided(others, ApprovalStatus::approved)},
      {decided(first, ApprovalStatus::approved), decided(first, ApprovalStatus::rejected)},
  };
  for (const auto& decisions : refused) {
    auto result = run_sync(runs().decide(kOwner, "conv-01", "run-01", decisions, kT0 + 10min));
    ASSERT_FALSE(result) << decisions.back().id;
    expect_not_awaiting_approval(result.error());
  }

  EXPECT_EQ(stored_approvals("run-01"), (std::vector<Approval>{first, second}));
  EXPECT_EQ(stored_approvals("run-02"), (std::vector<Approval>{others}));
  EXPECT_EQ(stored("conv-01"), waiting);
  EXPECT_EQ(stored_run("run-01"), paused);
}

TEST_P(RunApprovalContract, DecisionNeedsTheConversationAndTheRunToWait) {
  const Conversation waiting = given_conversation("conv-01");
  const Run paused = given_run("run-01", waiting);
  const Approval approval = sample_approval("appr-01", paused, "call-a");
  given_paused(paused, {approval});
  given_run("run-02", given_conversation("conv-02"));
  given_run_is(given_run("run-03", given_conversation("conv-03")), RunStatus::completed);
  const std::vector<Approval> decisions{decided(approval, ApprovalStatus::approved)};

  const std::pair<std::string, std::string> cases[] = {
      {"conv-02", "run-02"},  // running
      {"conv-03", "run-03"},  // idle
      {"conv-01", "run-02"},  // another conversation's run
      {"conv-01", "run-99"},  // no such run
  };
  for (const auto& [conversation_id, run_id] : cases) {
    auto result = run_sync(runs().decide(kOwner, conversation_id, run_id, decisions, kT0 + 10min));
    ASSERT_FALSE(result) << conversation_id << " " << run_id;
    expect_not_awaiting_approval(result.error());
  }

  EXPECT_EQ(stored_approvals("run-01"), (std::vector<Approval>{approval}));
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::awaiting_approval);
  EXPECT_EQ(stored_run("run-01").status, RunStatus::awaiting_approval);
  EXPECT_EQ(stored("conv-02").status, ConversationStatus::running);
  EXPECT_EQ(stored("conv-03").status, ConversationStatus::idle);
}

// --- listing ---

TEST_P(RunApprovalContract, ListShowsTheUsersApprovalsNewestFirstWithACursor) {
  const Run mine = given_run("run-01", given_conversation("conv-01"));
  const Run theirs = given_run("run-02", given_conversation("conv-02", kStranger));
  given_paused(
      mine, {sample_approval("appr-01", mine, "call-a"), sample_approval("appr-03", mine, "call-b"),
             sample_approval("appr-05", mine, "call-c")});
  given_paused(theirs, {sample_approval("appr-02", theirs, "call-a"),
                        sample_approval("appr-04", theirs, "call-b")});

  auto first = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(first->items), (std::vector<std::string>{"appr-05", "appr-03"}));
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->items[0], sample_approval("appr-05", mine, "call-c"));

  auto last = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 2, "appr-03"));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(last->items), (std::vector<std::string>{"appr-01"}));
  EXPECT_FALSE(last->has_more);

  auto exact = run_sync(runs().list_approvals(kStranger, std::nullopt, kT0, 2, std::nullopt));
  ASSERT_TRUE(exact);
  EXPECT_EQ(ids_of(exact->items), (std::vector<std::string>{"appr-04", "appr-02"}));
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
            (std::vector<std::string>{"appr-08", "appr-06", "appr-05", "appr-04", "appr-03",
                                      "appr-02", "appr-01"}));
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
  EXPECT_EQ(ids_of(page.items), (std::vector<std::string>{"appr-08", "appr-03"}));
  EXPECT_EQ(statuses_of(page.items),
            (std::vector<ApprovalStatus>{ApprovalStatus::pending, ApprovalStatus::pending}));
}

TEST_P(RunApprovalContract, ExpiredListsTheExpiredAndThePendingPastTheirTime) {
  given_every_kind_of_approval();

  const auto page = listed(ApprovalStatus::expired);
  ASSERT_EQ(ids_of(page.items), (std::vector<std::string>{"appr-06", "appr-05", "appr-04"}));
  EXPECT_EQ(statuses_of(page.items),
            (std::vector<ApprovalStatus>{ApprovalStatus::expired, ApprovalStatus::expired,
                                         ApprovalStatus::expired}));
  // Counting as expired changes nothing stored: the run still holds it as pending.
  EXPECT_EQ(page.items[2].reason, std::nullopt);
  EXPECT_EQ(page.items[1].reason, "expired");
  EXPECT_EQ(stored_approvals("run-02")[1].status, ApprovalStatus::pending);
}

TEST_P(RunApprovalContract, DecidedStatusesListOnlyTheirOwn) {
  given_every_kind_of_approval();

  const auto approved = listed(ApprovalStatus::approved);
  ASSERT_EQ(ids_of(approved.items), (std::vector<std::string>{"appr-01"}));
  EXPECT_EQ(approved.items[0], decided(sample_approval("appr-01", stored_run("run-01"), "call-a"),
                                       ApprovalStatus::approved));
  EXPECT_EQ(ids_of(listed(ApprovalStatus::rejected).items), (std::vector<std::string>{"appr-02"}));
}

TEST_P(RunApprovalContract, FilteredPagesFollowTheCursor) {
  given_every_kind_of_approval();

  const auto first = listed(ApprovalStatus::expired, 2);
  EXPECT_EQ(ids_of(first.items), (std::vector<std::string>{"appr-06", "appr-05"}));
  EXPECT_TRUE(first.has_more);
  const auto last = listed(ApprovalStatus::expired, 2, first.items.back().id);
  EXPECT_EQ(ids_of(last.items), (std::vector<std::string>{"appr-04"}));
  EXPECT_FALSE(last.has_more);
}

TEST_P(RunApprovalContract, CursorThatNamesNoApprovalOfTheUserIsInvalid) {
  given_every_kind_of_approval();

  // appr-07 is the stranger's: answered like a missing one, so its existence stays private.
  for (const char* cursor : {"appr-07", "appr-99"}) {
    auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kListedAt, 10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().kind, ErrorCode::invalid_request) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

TEST_P(RunApprovalContract, CursorMayBeAnApprovalTheFilterLeavesOut) {
  given_every_kind_of_approval();

  // appr-05 is expired, so not among the pending; a client paging the pending list whose last
  // item expired meanwhile still gets the next page.
  const auto page = listed(ApprovalStatus::pending, 10, "appr-05");
  EXPECT_EQ(ids_of(page.items), (std::vector<std::string>{"appr-03"}));
  EXPECT_FALSE(page.has_more);
}

// --- removal ---

TEST_P(RunApprovalContract, RemovingAConversationRemovesItsApprovals) {
  const Run doomed = given_run("run-01", given_conversation("conv-01"));
  given_paused(doomed, {sample_approval("appr-01", doomed, "call-a")});
  const Run kept = given_run("run-02", given_conversation("conv-02"));
  given_paused(kept, {sample_approval("appr-02", kept, "call-a")});

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, "conv-01")));

  EXPECT_TRUE(stored_approvals("run-01").empty());
  EXPECT_EQ(ids_of(stored_approvals("run-02")), (std::vector<std::string>{"appr-02"}));
  auto page = run_sync(runs().list_approvals(kOwner, std::nullopt, kT0, 10, std::nullopt));
  ASSERT_TRUE(page);
  EXPECT_EQ(ids_of(page->items), (std::vector<std::string>{"appr-02"}));
}

}  // namespace
TEST_P(RunApprovalContract, CancellingAPausedRunClosesItsPendingApprovalsAsRejected) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  Approval waiting = sample_approval("appr-01", run, "call-a");
  waiting.required_by_api_key_id = "key-01";
  given_paused(run, {waiting, sample_approval("appr-02", run, "call-b")});
  const Decider decider{kOwner, "key-02"};

  auto closed = must(run_sync(runs().cancel_paused_run("run-01", decider, kT0 + 20min)));

  ASSERT_EQ(closed.size(), 2u);
  const auto approvals = stored_approvals("run-01");
  ASSERT_EQ(approvals.size(), 2u);
  for (const auto& approval : approvals) {
    EXPECT_EQ(approval.status, ApprovalStatus::rejected);
    EXPECT_EQ(approval.reason, "cancelled");
    EXPECT_EQ(approval.decided_by, decider);
    EXPECT_EQ(approval.decided_at, kT0 + 20min);
  }
  EXPECT_EQ(approvals[0].required_by_api_key_id, "key-01");
  const Run stored = stored_run("run-01");
  EXPECT_EQ(stored.status, RunStatus::cancelled);
  EXPECT_EQ(stored.finished_at, kT0 + 20min);
  EXPECT_EQ(this->stored("conv-01").status, ConversationStatus::idle);
}

TEST_P(RunApprovalContract, OnlyAPausedRunIsCancelledThatWay) {
  given_run("run-01", given_conversation("conv-01"));

  auto running = run_sync(runs().cancel_paused_run("run-01", Decider{kOwner, {}}, kT0));
  ASSERT_FALSE(running);
  EXPECT_EQ(running.error().code, "run_not_active");
  EXPECT_EQ(stored_run("run-01").status, RunStatus::running);
  auto unknown = run_sync(runs().cancel_paused_run("run-99", Decider{kOwner, {}}, kT0));
  ASSERT_FALSE(unknown);
  expect_not_found(unknown.error(), "run_not_found");
}

TEST_P(RunApprovalContract, WhichKeyMadeACallWaitAndWhoDecidedAreStored) {
  const Run run = given_run("run-01", given_conversation("conv-01"));
  Approval approval = sample_approval("appr-01", run, "call-a");
  approval.required_by_api_key_id = "key-01";
  given_paused(run, {approval});
  Approval decision = decided(approval, ApprovalStatus::approved);
  decision.decided_by = Decider{kOwner, "key-02"};

  must(run_sync(runs().decide(kOwner, "conv-01", "run-01", {decision}, kT0 + 10min)));

  const auto stored = stored_approvals("run-01");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].required_by_api_key_id, "key-01");
  EXPECT_EQ(stored[0].decided_by, (Decider{kOwner, "key-02"}));
}

}  // namespace agentd::contract
