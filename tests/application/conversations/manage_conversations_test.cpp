// A user's conversations: created with a checked model and a tidy title, listed newest first,
// read with their messages, deleted; another user's conversation does not exist for them.
#include "application/conversations/manage_conversations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "application/agent_env.h"

namespace agentd {
namespace {

using ::testing::ElementsAre;

NewConversation titled(std::string title) {
  NewConversation request;
  request.title = std::move(title);
  return request;
}

class ManageConversationsTest : public ::testing::Test {
 protected:
  Result<Conversation> create(NewConversation request, const Principal& as) {
    return run_sync(env.manage.create(as, std::move(request)));
  }
  Result<Conversation> create(NewConversation request) {
    return create(std::move(request), caller);
  }

  AgentEnv env;
  Principal caller = user_caller();
};

TEST_F(ManageConversationsTest, CreatesAnIdleConversationOwnedByTheCaller) {
  NewConversation request = titled("  Trip   planning ");
  request.model = std::string(kTestModel);
  request.system_prompt = "You plan trips.";

  auto created = create(std::move(request));

  ASSERT_TRUE(created) << created.error().message;
  EXPECT_FALSE(created->id.empty());
  EXPECT_EQ(created->user_id, caller.user_id);
  EXPECT_EQ(created->title, "Trip planning");
  EXPECT_EQ(created->model, kTestModel);
  EXPECT_EQ(created->system_prompt, "You plan trips.");
  EXPECT_EQ(created->status, ConversationStatus::idle);
  EXPECT_EQ(created->message_count, 0);
  EXPECT_EQ(created->created_at, env.clock.now());
  auto stored = env.stored_conversation(caller, created->id);
  EXPECT_EQ(stored.title, "Trip planning");
  EXPECT_EQ(stored.system_prompt, "You plan trips.");
}

TEST_F(ManageConversationsTest, WithoutAModelStoresTheServersDefaultModel) {
  ModelRoute other;
  other.name = "other-model";
  other.provider = env.provider;
  ASSERT_TRUE(env.catalog.add(std::move(other)));
  env.catalog.set_default("other-model");

  auto created = create(titled("no model named"));

  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->model, "other-model");
  EXPECT_EQ(env.stored_conversation(caller, created->id).model, "other-model");
}

TEST_F(ManageConversationsTest, WithoutAnyModelOnTheServerTheModelStaysEmpty) {
  ModelCatalog no_models;
  ModelRouter router{no_models, env.delay, RetryPolicy{}, [] { return 0.0; }};
  ManageConversations manage{env.conversations, env.run_store, router,   env.live_runs,
                             env.manage_runs,   env.ids,       env.clock};

  auto created = run_sync(manage.create(caller, titled("no model anywhere")));

  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->model, "");
  EXPECT_EQ(env.stored_conversation(caller, created->id).model, "");
}

TEST_F(ManageConversationsTest, RefusesATitleOverAThousandBytes) {
  auto created = create(titled(std::string(kMaxTitleInputBytes + 1, 'a')));

  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(created.error().param, "title");
}

TEST_F(ManageConversationsTest, ALongTitleIsShortened) {
  auto created = create(titled(std::string(kMaxTitleInputBytes, 'a')));

  ASSERT_TRUE(created) << created.error().message;
  EXPECT_LE(created->title.size(), kMaxTitleBytes);
}

TEST_F(ManageConversationsTest, RefusesAModelThatDoesNotExistOrIsNotAllowed) {
  NewConversation unknown;
  unknown.model = "no-such-model";
  auto missing = create(std::move(unknown));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "model_not_found");

  caller.allowed_models = std::vector<std::string>{"some-other-model"};
  NewConversation forbidden;
  forbidden.model = std::string(kTestModel);
  auto refused = create(std::move(forbidden));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().code, "model_not_allowed");

  auto none = run_sync(env.manage.list(user_caller(), 10, std::nullopt));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());
}

TEST_F(ManageConversationsTest, ListsOnlyTheCallersConversationsNewestFirst) {
  auto first = create(titled("first"));
  auto theirs = create(titled("theirs"), user_caller("user-2"));
  auto second = create(titled("second"));
  ASSERT_TRUE(first && theirs && second);

  auto page = run_sync(env.manage.list(caller, 10, std::nullopt));

  ASSERT_TRUE(page) << page.error().message;
  std::vector<std::string> titles;
  for (const auto& conversation : page->items) titles.push_back(conversation.title);
  EXPECT_THAT(titles, ElementsAre("second", "first"));
  EXPECT_FALSE(page->has_more);
}

TEST_F(ManageConversationsTest, ReadsAConversationWithItsMessages) {
  auto conversation = env.given_conversation(caller);
  env.provider->then(ScriptedAnswer::says("Hello."));
  ASSERT_TRUE(env.turn_of(caller, turn(conversation.id, "Hi.")));

  auto detail = run_sync(env.manage.get(caller, conversation.id));

  ASSERT_TRUE(detail) << detail.error().message;
  EXPECT_EQ(detail->conversation.id, conversation.id);
  EXPECT_EQ(detail->conversation.title, "Hi.");
  EXPECT_EQ(detail->conversation.message_count, 2);
  ASSERT_EQ(detail->messages.size(), 2u);
  EXPECT_EQ(detail->messages[0].content, "Hi.");
  EXPECT_EQ(detail->messages[1].content, "Hello.");
}

TEST_F(ManageConversationsTest, AnotherUsersConversationDoesNotExist) {
  auto conversation = env.given_conversation(caller);
  const auto stranger = user_caller("user-2");

  auto read = run_sync(env.manage.get(stranger, conversation.id));
  auto removed = run_sync(env.manage.remove(stranger, conversation.id));

  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().kind, ErrorCode::not_found);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().kind, ErrorCode::not_found);
  EXPECT_TRUE(run_sync(env.manage.get(caller, conversation.id)));
}

TEST_F(ManageConversationsTest, DeletingForgetsTheConversationAndItsLiveRun) {
  auto conversation = env.given_conversation(caller);
  env.provider->then(ScriptedAnswer::says("Hello."));
  ASSERT_TRUE(env.turn_of(caller, turn(conversation.id, "Hi.")));
  ASSERT_NE(env.live_runs.latest(conversation.id), nullptr);

  auto removed = run_sync(env.manage.remove(caller, conversation.id));

  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(env.live_runs.latest(conversation.id), nullptr);
  auto read = run_sync(env.manage.get(caller, conversation.id));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().kind, ErrorCode::not_found);
}

}  // namespace
}  // namespace agentd
