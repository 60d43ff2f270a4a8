// What every RunRepository adapter must do with runs; approvals are in
// run_approval_contract_test.cpp.
#include <algorithm>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(RunRepositoryContract, StartingARunMarksTheConversationRunning) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  Run run = sample_run(numbered("run", 1), conversation);
  run.usage = Usage{1, 2, 3};
  ASSERT_TRUE(run_sync(runs().start_run(run)));

  const Conversation after = stored(numbered("conv", 1));
  EXPECT_EQ(after.status, ConversationStatus::running);
  EXPECT_EQ(after.updated_at, run.created_at);
  EXPECT_EQ(stored_run(numbered("run", 1)), run);
}

TEST_P(RunRepositoryContract, SecondRunWhileOneIsRunningIsRefused) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  given_run(numbered("run", 1), conversation);

  auto second = run_sync(runs().start_run(sample_run(numbered("run", 2), conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_FALSE(run_sync(runs().find_run(numbered("run", 2))));
}

TEST_P(RunRepositoryContract, PausedRunKeepsOthersFromStarting) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  given_run_is(given_run(numbered("run", 1), conversation), RunStatus::awaiting_approval);

  auto second = run_sync(runs().start_run(sample_run(numbered("run", 2), conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::awaiting_approval);
}

TEST_P(RunRepositoryContract, ConcurrentStartsLetExactlyOneRunBegin) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  std::vector<boost::asio::awaitable<Status>> starts;
  for (int i = 1; i <= 8; ++i) {
    starts.push_back(runs().start_run(sample_run(numbered("run", i), conversation)));
  }
  auto results = run_concurrently(std::move(starts));

  EXPECT_EQ(std::count_if(results.begin(), results.end(),
                          [](const Status& result) { return result.ok(); }),
            1);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto run = run_sync(runs().find_run(numbered("run", static_cast<int>(i) + 1)));
    EXPECT_EQ(run.ok(), results[i].ok()) << "run " << i + 1;
    if (!results[i]) expect_run_in_progress(results[i].error());
  }
}

TEST_P(RunRepositoryContract, StartingARunInAnUnknownConversationIsNotFound) {
  const Conversation missing = sample_conversation(numbered("conv", 99));
  auto started = run_sync(runs().start_run(sample_run(numbered("run", 1), missing)));
  ASSERT_FALSE(started);
  expect_not_found(started.error(), "conversation_not_found");
}

TEST_P(RunRepositoryContract, AnotherUserCannotStartARunInTheConversation) {
  given_conversation(numbered("conv", 1));
  Run run = sample_run(numbered("run", 1), sample_conversation(numbered("conv", 1), kStranger));

  auto started = run_sync(runs().start_run(run));
  ASSERT_FALSE(started);
  expect_not_found(started.error(), "conversation_not_found");
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::idle);
  EXPECT_FALSE(run_sync(runs().find_run(numbered("run", 1))));
}

TEST_P(RunRepositoryContract, UpdateRunStoresItsProgress) {
  Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  run.status = RunStatus::failed;
  run.steps = 4;
  run.usage = Usage{1200, 345, 1545};
  run.error = "model unavailable: upstream returned 503";
  run.updated_at = kT0 + 5min;
  run.finished_at = kT0 + 5min;
  run.last_event_id = 17;
  run.messages_sent = 41;
  run.messages_left_out = 960;
  run.token_ratio = 1.375;
  ASSERT_TRUE(run_sync(runs().update_run(run)));

  EXPECT_EQ(stored_run(numbered("run", 1)), run);
}

TEST_P(RunRepositoryContract, ARunsOwnFieldsRoundTrip) {
  const Run run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));

  const Run stored = stored_run(numbered("run", 1));

  EXPECT_EQ(stored, run);
  EXPECT_EQ(stored.model, "gpt-4o-mini");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.last_event_id, 0);
  EXPECT_FALSE(stored.finished_at);
}

TEST_P(RunRepositoryContract, RunsOfAConversationAreListedNewestFirstWithACursor) {
  const auto conversation = given_conversation(numbered("conv", 1));
  const auto other = given_conversation(numbered("conv", 2));
  for (int i = 1; i <= 3; ++i) {
    given_run_is(given_run(numbered("run", i), conversation), RunStatus::completed);
  }
  given_run(numbered("run", 9), other);

  auto first = must(run_sync(runs().list_runs(numbered("conv", 1), 2, std::nullopt)));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, numbered("run", 3));
  EXPECT_EQ(first.items[1].id, numbered("run", 2));
  EXPECT_TRUE(first.has_more);
  auto second = must(run_sync(runs().list_runs(numbered("conv", 1), 2, numbered("run", 2))));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, numbered("run", 1));
  EXPECT_FALSE(second.has_more);
}

TEST_P(RunRepositoryContract, ARunCursorOfAnotherConversationIsInvalid) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_run(numbered("run", 9), given_conversation(numbered("conv", 2)));

  for (const std::string& cursor : {numbered("run", 9), numbered("run", 99)}) {
    auto listed = run_sync(runs().list_runs(numbered("conv", 1), 20, cursor));
    ASSERT_FALSE(listed) << cursor;
    EXPECT_EQ(listed.error().code, "invalid_cursor");
    EXPECT_EQ(listed.error().param, "after");
  }
}

TEST_P(RunRepositoryContract, ACancelRequestIsStoredOnARunningRunOnly) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_run_is(given_run(numbered("run", 2), given_conversation(numbered("conv", 2))),
               RunStatus::completed);

  auto requested = must(run_sync(runs().request_cancel(numbered("run", 1), kT0 + 3min)));
  EXPECT_EQ(requested.cancel_requested_at, kT0 + 3min);
  EXPECT_EQ(requested.status, RunStatus::running);
  auto again = must(run_sync(runs().request_cancel(numbered("run", 1), kT0 + 4min)));
  EXPECT_EQ(again.cancel_requested_at, kT0 + 3min) << "the first request's time is kept";

  auto ended = run_sync(runs().request_cancel(numbered("run", 2), kT0 + 3min));
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, "run_not_active");
  auto unknown = run_sync(runs().request_cancel(numbered("run", 99), kT0 + 3min));
  ASSERT_FALSE(unknown);
  expect_not_found(unknown.error(), "run_not_found");
}

TEST_P(RunRepositoryContract, CancelRequestedNamesTheRequestedRunsAmongThoseAsked) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_run(numbered("run", 2), given_conversation(numbered("conv", 2)));
  given_run(numbered("run", 3), given_conversation(numbered("conv", 3)));
  must(run_sync(runs().request_cancel(numbered("run", 1), kT0 + 3min)));
  must(run_sync(runs().request_cancel(numbered("run", 3), kT0 + 3min)));

  auto requested = must(run_sync(
      runs().cancel_requested({numbered("run", 1), numbered("run", 2), numbered("run", 99)})));

  EXPECT_EQ(requested, std::vector<std::string>{numbered("run", 1)});
  EXPECT_TRUE(must(run_sync(runs().cancel_requested({}))).empty());
}

TEST_P(RunRepositoryContract, UpdateRunSetsTheConversationStatusToMatch) {
  const std::pair<RunStatus, ConversationStatus> cases[] = {
      {RunStatus::running, ConversationStatus::running},
      {RunStatus::awaiting_approval, ConversationStatus::awaiting_approval},
      {RunStatus::completed, ConversationStatus::idle},
      {RunStatus::failed, ConversationStatus::idle},
      {RunStatus::cancelled, ConversationStatus::idle},
  };
  int number = 0;
  for (const auto& [run_status, conversation_status] : cases) {
    const auto id = numbered("conv", ++number);
    given_run_is(given_run(numbered("run", number), given_conversation(id)), run_status);
    EXPECT_EQ(stored(id).status, conversation_status) << to_string(run_status);
    EXPECT_EQ(stored_run(numbered("run", number)).status, run_status);
  }
}

TEST_P(RunRepositoryContract, ResumedRunMarksTheConversationRunningAgain) {
  const Run paused =
      given_run_is(given_run(numbered("run", 1), given_conversation(numbered("conv", 1))),
                   RunStatus::awaiting_approval);
  given_run_is(paused, RunStatus::running);

  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::running);
}

TEST_P(RunRepositoryContract, FinishedRunLetsTheNextRunStart) {
  const Conversation conversation = given_conversation(numbered("conv", 1));
  given_run_is(given_run(numbered("run", 1), conversation), RunStatus::completed);

  ASSERT_TRUE(run_sync(runs().start_run(sample_run(numbered("run", 2), conversation))));
  EXPECT_EQ(stored(numbered("conv", 1)).status, ConversationStatus::running);
  EXPECT_EQ(stored_run(numbered("run", 1)).status, RunStatus::completed);
}

TEST_P(RunRepositoryContract, UnknownRunIsNotFound) {
  auto found = run_sync(runs().find_run(numbered("run", 99)));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "run_not_found");

  auto updated = run_sync(
      runs().update_run(sample_run(numbered("run", 99), sample_conversation(numbered("conv", 1)))));
  ASSERT_FALSE(updated);
  expect_not_found(updated.error(), "run_not_found");
}

TEST_P(RunRepositoryContract, IdThatIsNotAUuidNamesNoRun) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));

  auto found = run_sync(runs().find_run(kNotAUuid));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "run_not_found");
  auto cancelled = run_sync(runs().request_cancel(kNotAUuid, kT0 + 3min));
  ASSERT_FALSE(cancelled);
  expect_not_found(cancelled.error(), "run_not_found");
  auto listed = run_sync(runs().list_runs(numbered("conv", 1), 20, kNotAUuid));
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, "invalid_cursor");
  EXPECT_EQ(listed.error().param, "after");
}

TEST_P(RunRepositoryContract, ARunningRunNobodyHoldsIsTakenOverOnce) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_run_is(given_run(numbered("run", 2), given_conversation(numbered("conv", 2))),
               RunStatus::awaiting_approval);
  const Run completed = given_run_is(
      given_run(numbered("run", 3), given_conversation(numbered("conv", 3))), RunStatus::completed);

  auto claimed = run_sync(runs().take_over_runs("replica-b", kT0 + 2h, kT0 + 1h, kT0 + 3h, 10));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, numbered("run", 1));
  EXPECT_EQ((*claimed)[0].attempts, 2);
  EXPECT_EQ((*claimed)[0].status, RunStatus::running);
  EXPECT_EQ(stored_run(numbered("run", 1)).attempts, 2);
  // Held now: another replica finds nothing to take.
  auto again = run_sync(runs().take_over_runs("replica-c", kT0 + 2h, kT0 + 1h, kT0 + 3h, 10));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  // A paused run waits for a person, not for a replica; an ended one is left alone.
  EXPECT_EQ(stored_run(numbered("run", 2)).status, RunStatus::awaiting_approval);
  EXPECT_EQ(stored_run(numbered("run", 3)), completed);
}

TEST_P(RunRepositoryContract, AJustStartedRunWithoutALeaseIsNotTakenOver) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));

  // Last updated at kT0, after the stale line: its replica has not renewed yet.
  auto claimed = run_sync(runs().take_over_runs("replica-b", kT0 + 1s, kT0 - 1s, kT0 + 1min, 10));
  ASSERT_TRUE(claimed);
  EXPECT_TRUE(claimed->empty());
}

TEST_P(RunRepositoryContract, ARenewedLeaseKeepsTheRunUntilItRunsOut) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  auto lost = run_sync(runs().renew_leases("replica-a", {numbered("run", 1)}, kT0 + 1min));
  ASSERT_TRUE(lost);
  EXPECT_TRUE(lost->empty());

  // Still held, even though the run itself looks old.
  auto early = run_sync(runs().take_over_runs("replica-b", kT0 + 30s, kT0 + 1h, kT0 + 2min, 10));
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());

  auto late = run_sync(runs().take_over_runs("replica-b", kT0 + 2min, kT0 + 1h, kT0 + 3min, 10));
  ASSERT_TRUE(late);
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ((*late)[0].attempts, 2);

  // The first replica learns it lost the run; the new holder keeps it.
  lost = run_sync(runs().renew_leases("replica-a", {numbered("run", 1)}, kT0 + 4min));
  ASSERT_TRUE(lost);
  EXPECT_EQ(*lost, std::vector<std::string>{numbered("run", 1)});
  lost = run_sync(runs().renew_leases("replica-b", {numbered("run", 1)}, kT0 + 4min));
  ASSERT_TRUE(lost);
  EXPECT_TRUE(lost->empty());
}

TEST_P(RunRepositoryContract, RenewingARunThatEndedAnswersItAsLost) {
  given_run_is(given_run(numbered("run", 1), given_conversation(numbered("conv", 1))),
               RunStatus::completed);
  auto lost = run_sync(runs().renew_leases("replica-a", {numbered("run", 1)}, kT0 + 1min));
  ASSERT_TRUE(lost);
  EXPECT_EQ(*lost, std::vector<std::string>{numbered("run", 1)});
}

TEST_P(RunRepositoryContract, TakeOverClaimsAtMostTheLimit) {
  for (int i = 1; i <= 3; ++i)
    given_run(numbered("run", i), given_conversation(numbered("conv", i)));
  auto first = run_sync(runs().take_over_runs("replica-b", kT0 + 2h, kT0 + 1h, kT0 + 3h, 2));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 2u);
  auto rest = run_sync(runs().take_over_runs("replica-c", kT0 + 2h, kT0 + 1h, kT0 + 3h, 2));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->size(), 1u);
}

}  // namespace
}  // namespace agentd::contract
