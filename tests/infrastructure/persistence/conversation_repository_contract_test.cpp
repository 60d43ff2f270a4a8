// What every ConversationRepository adapter must do.
#include <algorithm>

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
  Conversation conversation = sample_conversation(numbered("conv", 1));
  conversation.system_prompt = "Réponds en français, s'il te plaît. 🚀";
  conversation.truncation = Truncation::disabled;
  ASSERT_TRUE(run_sync(conversations().create(conversation)));

  auto found = run_sync(conversations().find(kOwner, numbered("conv", 1)));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, conversation);
}

TEST_P(ConversationRepositoryContract, ConversationWithEmptyFieldsRoundTrips) {
  Conversation conversation = sample_conversation(numbered("conv", 1));
  conversation.title.clear();
  conversation.model.clear();
  conversation.system_prompt.clear();
  ASSERT_TRUE(run_sync(conversations().create(conversation)));

  EXPECT_EQ(stored(numbered("conv", 1)), conversation);
}

TEST_P(ConversationRepositoryContract, UnknownConversationIsNotFound) {
  given_conversation(numbered("conv", 1));
  auto found = run_sync(conversations().find(kOwner, numbered("conv", 99)));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, IdThatIsNotAUuidNamesNoConversation) {
  given_conversation(numbered("conv", 1));

  auto found = run_sync(conversations().find(kOwner, kNotAUuid));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
  auto removed = run_sync(conversations().remove(kOwner, kNotAUuid));
  ASSERT_FALSE(removed);
  expect_not_found(removed.error(), "conversation_not_found");
  auto messages = run_sync(conversations().messages(kNotAUuid));
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
}

TEST_P(ConversationRepositoryContract, AnotherUsersConversationIsNotFound) {
  given_conversation(numbered("conv", 1));
  auto found = run_sync(conversations().find(kStranger, numbered("conv", 1)));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, ListPagesNewestFirstWithACursor) {
  for (int i = 1; i <= 5; ++i) given_conversation(numbered("conv", i));

  auto first = run_sync(conversations().list(kOwner, 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{numbered("conv", 5), numbered("conv", 4)}));
  EXPECT_TRUE(first->has_more);

  auto second = run_sync(conversations().list(kOwner, 2, first->items.back().id));
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{numbered("conv", 3), numbered("conv", 2)}));
  EXPECT_TRUE(second->has_more);

  auto last = run_sync(conversations().list(kOwner, 2, second->items.back().id));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(*last), (std::vector<std::string>{numbered("conv", 1)}));
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
  const Conversation older = given_conversation(numbered("conv", 1));
  given_conversation(numbered("conv", 2), kStranger);
  const Conversation newer = given_conversation(numbered("conv", 3));
  given_conversation(numbered("conv", 4), kStranger);

  auto page = run_sync(conversations().list(kOwner, 10, std::nullopt));
  ASSERT_TRUE(page);
  ASSERT_EQ(ids_of(*page), (std::vector<std::string>{numbered("conv", 3), numbered("conv", 1)}));
  EXPECT_EQ(page->items[0], newer);
  EXPECT_EQ(page->items[1], older);
  EXPECT_FALSE(page->has_more);
}

TEST_P(ConversationRepositoryContract, CursorOfAnotherUsersConversationIsAnUnknownCursor) {
  given_conversation(numbered("conv", 1));
  given_conversation(numbered("conv", 2), kStranger);
  given_conversation(numbered("conv", 3));

  // Answered exactly like a cursor that names nothing: their conversation's existence is private.
  for (const std::string& cursor : {numbered("conv", 2), numbered("conv", 99)}) {
    auto page = run_sync(conversations().list(kOwner, 10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().kind, ErrorCode::invalid_request) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

TEST_P(ConversationRepositoryContract, CursorThatIsNotAUuidIsAnUnknownCursor) {
  given_conversation(numbered("conv", 1));

  auto page = run_sync(conversations().list(kOwner, 10, kNotAUuid));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().param, "after");
}

TEST_P(ConversationRepositoryContract, ListRejectsALimitBelowOne) {
  auto page = run_sync(conversations().list(kOwner, 0, std::nullopt));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
}

TEST_P(ConversationRepositoryContract, SetTitleIfEmptyKeepsTheFirstTitle) {
  Conversation untitled = sample_conversation(numbered("conv", 1));
  untitled.title.clear();
  ASSERT_TRUE(run_sync(conversations().create(untitled)));
  given_conversation(numbered("conv", 2));

  ASSERT_TRUE(
      run_sync(conversations().set_title_if_empty(numbered("conv", 1), "Weather in Zürich")));
  ASSERT_TRUE(run_sync(conversations().set_title_if_empty(numbered("conv", 1), "Something else")));
  ASSERT_TRUE(run_sync(conversations().set_title_if_empty(numbered("conv", 2), "Something else")));

  EXPECT_EQ(stored(numbered("conv", 1)).title, "Weather in Zürich");
  EXPECT_EQ(stored(numbered("conv", 2)).title, "Trip to Zürich");
}

TEST_P(ConversationRepositoryContract, SettingTheTitleOfAnUnknownConversationIsNotFound) {
  auto set = run_sync(conversations().set_title_if_empty(numbered("conv", 99), "Title"));
  ASSERT_FALSE(set);
  expect_not_found(set.error(), "conversation_not_found");
}

// --- messages ---

TEST_P(ConversationRepositoryContract, AppendedMessagesAreNumberedCountedAndKeptInOrder) {
  given_conversation(numbered("conv", 1));
  for (int i = 1; i <= 3; ++i) {
    auto appended = run_sync(conversations().append_message(
        sample_message(numbered("msg", i), numbered("conv", 1), kT0 + std::chrono::seconds{i})));
    ASSERT_TRUE(appended);
    EXPECT_EQ(appended->position, i);
  }

  auto messages = run_sync(conversations().messages(numbered("conv", 1)));
  ASSERT_TRUE(messages);
  EXPECT_EQ(positions_of(*messages), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(messages->front().id, numbered("msg", 1));
  EXPECT_EQ(messages->back().id, numbered("msg", 3));
  const Conversation conversation = stored(numbered("conv", 1));
  EXPECT_EQ(conversation.message_count, 3);
  EXPECT_EQ(conversation.updated_at, kT0 + 3s);
}

TEST_P(ConversationRepositoryContract, EachConversationNumbersItsOwnMessages) {
  given_conversation(numbered("conv", 1));
  given_conversation(numbered("conv", 2));
  given_message(sample_message(numbered("msg", 1), numbered("conv", 1), kT0 + 1s));
  given_message(sample_message(numbered("msg", 2), numbered("conv", 2), kT0 + 2s));
  given_message(sample_message(numbered("msg", 3), numbered("conv", 1), kT0 + 3s));

  auto first = run_sync(conversations().messages(numbered("conv", 1)));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[1].id, numbered("msg", 3));
  EXPECT_EQ(positions_of(*first), (std::vector<std::int64_t>{1, 2}));
  auto second = run_sync(conversations().messages(numbered("conv", 2)));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().position, 1);
  EXPECT_EQ(stored(numbered("conv", 2)).message_count, 1);
}

TEST_P(ConversationRepositoryContract, MessagesKeepToolCallsUsageAndTextExactly) {
  given_conversation(numbered("conv", 1));
  const Run run = given_run(numbered("run", 1), stored(numbered("conv", 1)));

  Message call = sample_message(numbered("msg", 1), numbered("conv", 1), kT0 + 1s);
  call.role = "assistant";
  call.content.clear();
  call.run_id = run.id;
  call.tool_calls = {{"call_1", "weather", R"({"city": "Zürich", "note": "\"quoted\"\n"})"},
                     {"call_2", "calculator", ""}};
  call.usage = Usage{120, 30, 150};
  Message result = sample_message(numbered("msg", 2), numbered("conv", 1), kT0 + 2s);
  result.role = "tool";
  result.run_id = run.id;
  result.tool_call_id = "call_1";
  result.name = "weather";
  result.content = "日本語 ✓ 🌧 \\ back\tslash \"and\" quotes";
  Message plain = sample_message(numbered("msg", 3), numbered("conv", 1), kT0 + 3s);
  plain.content.clear();

  call = given_message(call);
  result = given_message(result);
  plain = given_message(plain);

  auto messages = run_sync(conversations().messages(numbered("conv", 1)));
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 3u);
  EXPECT_EQ((*messages)[0], call);
  EXPECT_EQ((*messages)[1], result);
  EXPECT_EQ((*messages)[2], plain);
  EXPECT_FALSE((*messages)[2].usage);
  EXPECT_FALSE((*messages)[2].run_id);
}

TEST_P(ConversationRepositoryContract, AppendingToAnUnknownConversationIsNotFound) {
  auto appended = run_sync(conversations().append_message(
      sample_message(numbered("msg", 1), numbered("conv", 99), kT0)));
  ASSERT_FALSE(appended);
  expect_not_found(appended.error(), "conversation_not_found");
}

TEST_P(ConversationRepositoryContract, ConversationWithoutMessagesListsNone) {
  given_conversation(numbered("conv", 1));
  auto messages = run_sync(conversations().messages(numbered("conv", 1)));
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
}

// --- removal ---

TEST_P(ConversationRepositoryContract, RemoveDeletesTheConversationWithItsMessagesAndRuns) {
  const Conversation doomed = given_conversation(numbered("conv", 1));
  const Conversation kept = given_conversation(numbered("conv", 2));
  given_message(sample_message(numbered("msg", 1), numbered("conv", 1), kT0 + 1s));
  given_message(sample_message(numbered("msg", 2), numbered("conv", 2), kT0 + 2s));
  given_run_is(given_run(numbered("run", 1), doomed), RunStatus::completed);
  given_run(numbered("run", 2), kept);

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, numbered("conv", 1))));

  auto found = run_sync(conversations().find(kOwner, numbered("conv", 1)));
  ASSERT_FALSE(found);
  expect_not_found(found.error(), "conversation_not_found");
  auto messages = run_sync(conversations().messages(numbered("conv", 1)));
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
  EXPECT_FALSE(run_sync(runs().find_run(numbered("run", 1))));

  auto kept_messages = run_sync(conversations().messages(numbered("conv", 2)));
  ASSERT_TRUE(kept_messages);
  EXPECT_EQ(kept_messages->size(), 1u);
  EXPECT_TRUE(run_sync(runs().find_run(numbered("run", 2))));
}

TEST_P(ConversationRepositoryContract, RemoveIsRefusedWhileARunIsRunning) {
  given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  given_message(sample_message(numbered("msg", 1), numbered("conv", 1), kT0 + 1s));

  auto removed = run_sync(conversations().remove(kOwner, numbered("conv", 1)));
  ASSERT_FALSE(removed);
  expect_run_in_progress(removed.error());
  EXPECT_EQ(stored(numbered("conv", 1)).message_count, 1);
  EXPECT_TRUE(run_sync(runs().find_run(numbered("run", 1))));
}

TEST_P(ConversationRepositoryContract, PausedConversationCanBeRemoved) {
  given_run_is(given_run(numbered("run", 1), given_conversation(numbered("conv", 1))),
               RunStatus::awaiting_approval);

  ASSERT_TRUE(run_sync(conversations().remove(kOwner, numbered("conv", 1))));
  EXPECT_FALSE(run_sync(conversations().find(kOwner, numbered("conv", 1))));
}

TEST_P(ConversationRepositoryContract, AnotherUserCannotRemoveTheConversation) {
  given_conversation(numbered("conv", 1));

  auto removed = run_sync(conversations().remove(kStranger, numbered("conv", 1)));
  ASSERT_FALSE(removed);
  expect_not_found(removed.error(), "conversation_not_found");
  EXPECT_TRUE(run_sync(conversations().find(kOwner, numbered("conv", 1))));
}

TEST_P(ConversationRepositoryContract, RemovingAnUnknownConversationIsNotFound) {
  auto removed = run_sync(conversations().remove(kOwner, numbered("conv", 99)));
  ASSERT_FALSE(removed);
  expect_not_found(removed.error(), "conversation_not_found");
}

}  // namespace
}  // namespace agentd::contract
