// What every ConversationRepository adapter must do.
#include <algorithm>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> ids_of(const Page<Conversation>& page) {
  std::vector<std::string> ids;
  for (const auto& conversation : page.items) ids.push_back(conversation.id);
  return ids;
}

std::vector<std::int64_t> positions_of(const std::vector<Message>& messages) {
  std::vector<std::int64_t> positions;
  for (const auto& message : messages) positions.push_back(message.position);
  return positions;
}

// --- conversations ---

TEST_P(ConversationRepositoryContract, CreatedConversationIsFoundByItsOwner) {
  Conversation conversation = sample_conversation("conv-01");
  conversation.system_prompt = "Réponds en français, s'il te plaît. 🚀";
  ASSERT_TRUE(run_sync(conversations().create(conversation)));

  auto found = run_sync(conversations().find(kOwner, "conv-01"));
  ASSERT_TRUE(found);
  expect_same(*found, conversation);
}

TEST_P(ConversationRepositoryContract, ConversationWithEmptyFieldsRoundTrips) {
  Conversation conversation = sample_conversation("conv-01");
  conversation.title.clear();
  conversation.model.clear();
  conversation.system_prompt.clear();
  ASSERT_TRUE(run_sync(conversations().create(conversation)));

  expect_same(stored("conv-01"), conversation);
}

TEST_P(ConversationRepositoryContract, UnknownConversationIsNotFound) {
  given_conversation("conv-01");
  auto found = run_sync(conversations().find(kOwner, "conv-99"));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, AnotherUsersConversationIsNotFound) {
  given_conversation("conv-01");
  auto found = run_sync(conversations().find(kStranger, "conv-01"));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, ListPagesNewestFirstWithACursor) {
  for (int i = 1; i <= 5; ++i) given_conversation(numbered("conv", i));

  auto first = run_sync(conversations().list(kOwner, 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"conv-05", "conv-04"}));
  EXPECT_TRUE(first->has_more);

  auto second = run_sync(conversations().list(kOwner, 2, first->items.back().id));
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{"conv-03", "conv-02"}));
  EXPECT_TRUE(second->has_more);

  auto last = run_sync(conversations().list(kOwner, 2, second->items.back().id));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(*last), (std::vector<std::string>{"conv-01"}));
  EXPECT_FALSE(last->has_more);
}

TEST_P(ConversationRepositoryContract, PageThatEndsExactlyOnTheLastConversationHasNoMore) {
  for (int i = 1; i <= 3; ++i) given_conversation(numbered("conv", i));

  auto page = run_sync(conversations().list(kOwner, 3, std::nullopt));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->has_more);
}

TEST_P(ConversationRepositoryContract, ListShowsOnlyTheOwnersConversationsWithEveryField) {
  const Conversation older = given_conversation("conv-01");
  given_conversation("conv-02", kStranger);
  const Conversation newer = given_conversation("conv-03");
  given_conversation("conv-04", kStranger);

  auto page = run_sync(conversations().list(kOwner, 10, std::nullopt));
  ASSERT_TRUE(page);
  ASSERT_EQ(ids_of(*page), (std::vector<std::string>{"conv-03", "conv-01"}));
  expect_same(page->items[0], newer);
  expect_same(page->items[1], older);
  EXPECT_FALSE(page->has_more);
}

TEST_P(ConversationRepositoryContract, CursorOfAnotherUsersConversationIsAnUnknownCursor) {
  given_conversation("conv-01");
  given_conversation("conv-02", kStranger);
  given_conversation("conv-03");

  // Answered exactly like a cursor that names nothing: their conversation's existence is private.
  for (const char* cursor : {"conv-02", "conv-99"}) {
    auto page = run_sync(conversations().list(kOwner, 10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().kind, ErrorCode::invalid_request) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

TEST_P(ConversationRepositoryContract, ListRejectsALimitBelowOne) {
  auto page = run_sync(conversations().list(kOwner, 0, std::nullopt));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
}

TEST_P(ConversationRepositoryContract, SetTitleIfEmptyKeepsTheFirstTitle) {
  Conversation untitled = sample_conversation("conv-01");
  untitled.title.clear();
  ASSERT_TRUE(run_sync(conversations().create(untitled)));
  given_conversation("conv-02");

  ASSERT_TRUE(run_sync(conversations().set_title_if_empty("conv-01", "Weather in Zürich")));
  ASSERT_TRUE(run_sync(conversations().set_title_if_empty("conv-01", "Something else")));
  ASSERT_TRUE(run_sync(conversations().set_title_if_empty("conv-02", "Something else")));

  EXPECT_EQ(stored("conv-01").title, "Weather in Zürich");
  EXPECT_EQ(stored("conv-02").title, "Trip to Zürich");
}

TEST_P(ConversationRepositoryContract, SettingTheTitleOfAnUnknownConversationIsNotFound) {
  auto set = run_sync(conversations().set_title_if_empty("conv-99", "Title"));
  ASSERT_FALSE(set);
  expect_not_found(set.error(), "conversation_not_found");
}

// --- messages ---

TEST_P(ConversationRepositoryContract, AppendedMessagesAreNumberedCountedAndKeptInOrder) {
  given_conversation("conv-01");
  for (int i = 1; i <= 3; ++i) {
    auto appended = run_sync(conversations().append_message(
        sample_message(numbered("msg", i), "conv-01", kT0 + std::chrono::seconds{i})));
    ASSERT_TRUE(appended);
    EXPECT_EQ(appended->position, i);
  }

  auto messages = run_sync(conversations().messages("conv-01"));
  ASSERT_TRUE(messages);
  EXPECT_EQ(positions_of(*messages), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(messages->front().id, "msg-01");
  EXPECT_EQ(messages->back().id, "msg-03");
  const Conversation conversation = stored("conv-01");
  EXPECT_EQ(conversation.message_count, 3);
  EXPECT_EQ(conversation.updated_at, kT0 + 3s);
}

TEST_P(ConversationRepositoryContract, EachConversationNumbersItsOwnMessages) {
  given_conversation("conv-01");
  given_conversation("conv-02");
  given_message(sample_message("msg-01", "conv-01", kT0 + 1s));
  given_message(sample_message("msg-02", "conv-02", kT0 + 2s));
  given_message(sample_message("msg-03", "conv-01", kT0 + 3s));

  auto first = run_sync(conversations().messages("conv-01"));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[1].id, "msg-03");
  EXPECT_EQ(positions_of(*first), (std::vector<std::int64_t>{1, 2}));
  auto second = run_sync(conversations().messages("conv-02"));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().position, 1);
  EXPECT_EQ(stored("conv-02").message_count, 1);
}

TEST_P(ConversationRepositoryContract, MessagesKeepToolCallsUsageAndTextExactly) {
  given_conversation("conv-01");
  const Run run = given_run("run-01", stored("conv-01"));

  Message call = sample_message("msg-01", "conv-01", kT0 + 1s);
  call.role = "assistant";
  call.content.clear();
  call.run_id = run.id;
  call.tool_calls = {{"call_1", "weather", R"({"city": "Zürich", "note": "\"quoted\"\n"})"},
                     {"call_2", "calculator", ""}};
  call.usage = Usage{120, 30, 150};
  Message result = sample_message("msg-02", "conv-01", kT0 + 2s);
  result.role = "tool";
  result.run_id = run.id;
  result.tool_call_id = "call_1";
  result.name = "weather";
  result.content = "日本語 ✓ 🌧 \\ back\tslash \"and\" quotes";
  Message plain = sample_message("msg-03", "conv-01", kT0 + 3s);
  plain.content.clear();

  call = given_message(call);
  result = given_message(result);
  plain = given_message(plain);

  auto messages = run_sync(conversations().messages("conv-01"));
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 3u);
  expect_same((*messages)[0], call);
  expect_same((*messages)[1], result);
  expect_same((*messages)[2], plain);
  EXPECT_FALSE((*messages)[2].usage);
  EXPECT_FALSE((*messages)[2].run_id);
}

TEST_P(ConversationRepositoryContract, AppendingToAnUnknownConversationIsNotFound) {
  auto appended =
      run_sync(conversations().append_message(sample_message("msg-01", "conv-99", kT0)));
  ASSERT_FALSE(appended);
  expect_not_found(appended.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, ConversationWithoutMessagesListsNone) {
  given_conversation("conv-01");
  auto messages = run_sync(conversations().messages("conv-01"));
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
}

// --- runs ---

TEST_P(ConversationRepositoryContract, StartingARunMarksTheConversationRunning) {
  const Conversation conversation = given_conversation("conv-01");
  Run run = sample_run("run-01", conversation);
  run.usage = Usage{1, 2, 3};
  ASSERT_TRUE(run_sync(conversations().start_run(run)));

  const Conversation after = stored("conv-01");
  EXPECT_EQ(after.status, ConversationStatus::running);
  EXPECT_EQ(after.updated_at, run.created_at);
  expect_same(stored_run("run-01"), run);
}

TEST_P(ConversationRepositoryContract, SecondRunWhileOneIsRunningIsRefused) {
  const Conversation conversation = given_conversation("conv-01");
  given_run("run-01", conversation);

  auto second = run_sync(conversations().start_run(sample_run("run-02", conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_FALSE(run_sync(conversations().find_run("run-02")));
}

TEST_P(ConversationRepositoryContract, PausedRunKeepsOthersFromStarting) {
  const Conversation conversation = given_conversation("conv-01");
  given_run_is(given_run("run-01", conversation), RunStatus::awaiting_approval);

  auto second = run_sync(conversations().start_run(sample_run("run-02", conversation)));
  ASSERT_FALSE(second);
  expect_run_in_progress(second.error());
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::awaiting_approval);
}

TEST_P(ConversationRepositoryContract, ConcurrentStartsLetExactlyOneRunBegin) {
  const Conversation conversation = given_conversation("conv-01");
  std::vector<boost::asio::awaitable<Status>> starts;
  for (int i = 1; i <= 8; ++i) {
    starts.push_back(conversations().start_run(sample_run(numbered("run", i), conversation)));
  }
  auto results = run_concurrently(std::move(starts));

  EXPECT_EQ(std::count_if(results.begin(), results.end(),
                          [](const Status& result) { return result.ok(); }),
            1);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto run = run_sync(conversations().find_run(numbered("run", static_cast<int>(i) + 1)));
    EXPECT_EQ(run.ok(), results[i].ok()) << "run " << i + 1;
    if (!results[i]) expect_run_in_progress(results[i].error());
  }
}

TEST_P(ConversationRepositoryContract, StartingARunInAnUnknownConversationIsNotFound) {
  const Conversation missing = sample_conversation("conv-99");
  auto started = run_sync(conversations().start_run(sample_run("run-01", missing)));
  ASSERT_FALSE(started);
  expect_not_found(started.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, AnotherUserCannotStartARunInTheConversation) {
  given_conversation("conv-01");
  Run run = sample_run("run-01", sample_conversation("conv-01", kStranger));

  auto started = run_sync(conversations().start_run(run));
  ASSERT_FALSE(started);
  expect_not_found(started.error(), "conversation_not_found");
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::idle);
  EXPECT_FALSE(run_sync(conversations().find_run("run-01")));
}

TEST_P(ConversationRepositoryContract, UpdateRunStoresItsProgress) {
  Run run = given_run("run-01", given_conversation("conv-01"));
  run.status = RunStatus::failed;
  run.steps = 4;
  run.usage = Usage{1200, 345, 1545};
  run.error = "model unavailable: upstream returned 503";
  run.updated_at = kT0 + 5min;
  run.finished_at = kT0 + 5min;
  run.last_event_id = 17;
  ASSERT_TRUE(run_sync(conversations().update_run(run)));

  expect_same(stored_run("run-01"), run);
}

TEST_P(ConversationRepositoryContract, ARunsOwnFieldsRoundTrip) {
  const Run run = given_run("run-01", given_conversation("conv-01"));

  const Run stored = stored_run("run-01");

  expect_same(stored, run);
  EXPECT_EQ(stored.model, "gpt-4o-mini");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.last_event_id, 0);
  EXPECT_FALSE(stored.finished_at);
}

TEST_P(ConversationRepositoryContract, RunsOfAConversationAreListedNewestFirstWithACursor) {
  const auto conversation = given_conversation("conv-01");
  const auto other = given_conversation("conv-02");
  for (int i = 1; i <= 3; ++i) {
    given_run_is(given_run(numbered("run", i), conversation), RunStatus::completed);
  }
  given_run("run-09", other);

  auto first = must(run_sync(conversations().list_runs("conv-01", 2, std::nullopt)));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, "run-03");
  EXPECT_EQ(first.items[1].id, "run-02");
  EXPECT_TRUE(first.has_more);
  auto second = must(run_sync(conversations().list_runs("conv-01", 2, "run-02")));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, "run-01");
  EXPECT_FALSE(second.has_more);
}

TEST_P(ConversationRepositoryContract, ARunCursorOfAnotherConversationIsInvalid) {
  given_run("run-01", given_conversation("conv-01"));
  given_run("run-09", given_conversation("conv-02"));

  for (const std::string cursor : {"run-09", "run-99"}) {
    auto listed = run_sync(conversations().list_runs("conv-01", 20, cursor));
    ASSERT_FALSE(listed) << cursor;
    EXPECT_EQ(listed.error().code, "invalid_cursor");
    EXPECT_EQ(listed.error().param, "after");
  }
}

TEST_P(ConversationRepositoryContract, ACancelRequestIsStoredOnARunningRunOnly) {
  given_run("run-01", given_conversation("conv-01"));
  given_run_is(given_run("run-02", given_conversation("conv-02")), RunStatus::completed);

  auto requested = must(run_sync(conversations().request_cancel("run-01", kT0 + 3min)));
  EXPECT_EQ(requested.cancel_requested_at, kT0 + 3min);
  EXPECT_EQ(requested.status, RunStatus::running);
  auto again = must(run_sync(conversations().request_cancel("run-01", kT0 + 4min)));
  EXPECT_EQ(again.cancel_requested_at, kT0 + 3min) << "the first request's time is kept";

  auto ended = run_sync(conversations().request_cancel("run-02", kT0 + 3min));
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, "run_not_active");
  auto unknown = run_sync(conversations().request_cancel("run-99", kT0 + 3min));
  ASSERT_FALSE(unknown);
  expect_not_found(unknown.error(), "run_not_found");
}

TEST_P(ConversationRepositoryContract, CancelRequestedNamesTheRequestedRunsAmongThoseAsked) {
  given_run("run-01", given_conversation("conv-01"));
  given_run("run-02", given_conversation("conv-02"));
  given_run("run-03", given_conversation("conv-03"));
  must(run_sync(conversations().request_cancel("run-01", kT0 + 3min)));
  must(run_sync(conversations().request_cancel("run-03", kT0 + 3min)));

  auto requested = must(run_sync(conversations().cancel_requested({"run-01", "run-02", "run-99"})));

  EXPECT_EQ(requested, std::vector<std::string>{"run-01"});
  EXPECT_TRUE(must(run_sync(conversations().cancel_requested({}))).empty());
}

TEST_P(ConversationRepositoryContract, UpdateRunSetsTheConversationStatusToMatch) {
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

TEST_P(ConversationRepositoryContract, ResumedRunMarksTheConversationRunningAgain) {
  const Run paused = given_run_is(given_run("run-01", given_conversation("conv-01")),
                                  RunStatus::awaiting_approval);
  given_run_is(paused, RunStatus::running);

  EXPECT_EQ(stored("conv-01").status, ConversationStatus::running);
}

TEST_P(ConversationRepositoryContract, FinishedRunLetsTheNextRunStart) {
  const Conversation conversation = given_conversation("conv-01");
  given_run_is(given_run("run-01", conversation), RunStatus::completed);

  ASSERT_TRUE(run_sync(conversations().start_run(sample_run("run-02", conversation))));
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::running);
  EXPECT_EQ(stored_run("run-01").status, RunStatus::completed);
}

TEST_P(ConversationRepositoryContract, UnknownRunIsNotFound) {
  auto found = run_sync(conversations().find_run("run-99"));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "run_not_found");

  auto updated =
      run_sync(conversations().update_run(sample_run("run-99", sample_conversation("conv-01"))));
  ASSERT_FALSE(updated);
  expect_not_found(updated.error(), "run_not_found");
}

TEST_P(ConversationRepositoryContract, InterruptedRunsFailAndFreeTheirConversations) {
  given_run("run-01", given_conversation("conv-01"));
  given_run_is(given_run("run-02", given_conversation("conv-02")), RunStatus::awaiting_approval);
  const Run completed =
      given_run_is(given_run("run-03", given_conversation("conv-03")), RunStatus::completed);

  auto failed = run_sync(conversations().fail_interrupted_runs(kT0 + 2h));
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 1);

  const Run interrupted = stored_run("run-01");
  EXPECT_EQ(interrupted.status, RunStatus::failed);
  EXPECT_EQ(interrupted.error, "interrupted: the server stopped during the run");
  EXPECT_EQ(interrupted.updated_at, kT0 + 2h);
  EXPECT_EQ(stored("conv-01").status, ConversationStatus::idle);
  // A paused run waits for a person, not for this process: it survives a restart.
  EXPECT_EQ(stored_run("run-02").status, RunStatus::awaiting_approval);
  EXPECT_EQ(stored("conv-02").status, ConversationStatus::awaiting_approval);
  expect_same(stored_run("run-03"), completed);
  EXPECT_TRUE(run_sync(conversations().start_run(sample_run("run-04", stored("conv-01")))));
}

TEST_P(ConversationRepositoryContract, NoInterruptedRunsChangesNothing) {
  given_run_is(given_run("run-01", given_conversation("conv-01")), RunStatus::completed);

  auto failed = run_sync(conversations().fail_interrupted_runs(kT0 + 2h));
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 0);
  EXPECT_EQ(stored_run("run-01").status, RunStatus::completed);
}

// --- removal ---

TEST_P(ConversationRepositoryContract, RemoveDeletesTheConversationWithItsMessagesAndRuns) {
  const Conversation doomed = given_conversation("conv-01");
  const Conversation kept = given_conversation("conv-02");
  given_message(sample_message("msg-01", "conv-01", kT0 + 1s));
  given_message(sample_message("msg-02", "conv-02", kT0 + 2s));
  given_run_is(given_run("run-01", doomed), RunStatus::completed);
  given_run("run-02", kept);

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, "conv-01")));

  auto found = run_sync(conversations().find(kOwner, "conv-01"));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
  auto messages = run_sync(conversations().messages("conv-01"));
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
  EXPECT_FALSE(run_sync(conversations().find_run("run-01")));

  auto kept_messages = run_sync(conversations().messages("conv-02"));
  ASSERT_TRUE(kept_messages);
  EXPECT_EQ(kept_messages->size(), 1u);
  EXPECT_TRUE(run_sync(conversations().find_run("run-02")));
}

TEST_P(ConversationRepositoryContract, RemoveIsRefusedWhileARunIsRunning) {
  given_run("run-01", given_conversation("conv-01"));
  given_message(sample_message("msg-01", "conv-01", kT0 + 1s));

  auto removed = run_sync(conversations().remove(kOwner, "conv-01"));
  ASSERT_FALSE(removed);
  expect_run_in_progress(removed.error());
  EXPECT_EQ(stored("conv-01").message_count, 1);
  EXPECT_TRUE(run_sync(conversations().find_run("run-01")));
}

TEST_P(ConversationRepositoryContract, PausedConversationCanBeRemoved) {
  given_run_is(given_run("run-01", given_conversation("conv-01")), RunStatus::awaiting_approval);

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, "conv-01")));
  EXPECT_FALSE(run_sync(conversations().find(kOwner, "conv-01")));
}

TEST_P(ConversationRepositoryContract, AnotherUserCannotRemoveTheConversation) {
  given_conversation("conv-01");

  auto removed = run_sync(conversations().remove(kStranger, "conv-01"));
  ASSERT_FALSE(removed);
  expect_not_found(removed.error(), "conversation_not_found");
  EXPECT_TRUE(run_sync(conversations().find(kOwner, "conv-01")));
}

TEST_P(ConversationRepositoryContract, RemovingAnUnknownConversationIsNotFound) {
  auto removed = run_sync(conversations().remove(kOwner, "conv-99"));
  ASSERT_FALSE(removed);
  expect_not_found(removed.error(), "conversation_not_found");
}

}  // namespace
}  // namespace agentd::contract
