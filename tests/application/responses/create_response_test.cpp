// A client's turn through the Responses API: where it goes (a new conversation, the one named,
// the previous response's), what is refused before anything runs, and approvals answered on
// OpenAI's wire format deciding the same paused run.
#include "application/responses/create_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "application/agent_env.h"
#include "application/responses/response_tracker.h"
#include "fakes/fake_response_repository.h"

namespace agentd {
namespace {

ChatMessage user_says(std::string text) {
  ChatMessage message;
  message.role = "user";
  message.content = std::move(text);
  return message;
}

class CreateResponseTest : public ::testing::Test {
 protected:
  CreateResponseTest() { env.runs.observe_with(tracker); }

  ResponseRequest asking(std::string text) {
    ResponseRequest request;
    request.input = {user_says(std::move(text))};
    request.echo = "{}";
    request.input_items = "[]";
    return request;
  }
  Result<StartedResponse> start(ResponseRequest request) {
    return run_sync(create.start(caller, std::move(request)));
  }
  // Starts and waits for the run; the response as stored once it ended.
  StoredResponse answered(ResponseRequest request) {
    auto started = start(std::move(request));
    if (!started) throw std::runtime_error("refused: " + started.error().message);
    (void)run_sync(ConversationRuns::wait(*started->live));
    auto stored = run_sync(responses.find(caller.user_id, started->response.id));
    if (!stored) throw std::runtime_error("not stored");
    return *stored;
  }

  AgentEnv env;
  Principal caller = user_caller();
  FakeResponseRepository responses;
  ResponseTracker tracker{responses, env.conversations, env.clock};
  CreateResponse create{env.conversations, env.run_store, responses, env.runs,
                        env.manage,        env.ids,       env.clock};
};

TEST_F(CreateResponseTest, ANewResponseGetsAConversationOfItsOwnAndEndsWithItsRun) {
  env.provider->then(ScriptedAnswer::says("Hello."));

  auto response = answered(asking("Hi"));

  EXPECT_EQ(response.status, ResponseStatus::completed);
  EXPECT_EQ(response.output_after, 1);  // after the input it stored
  EXPECT_EQ(response.output_until, 2);
  EXPECT_THAT(roles_of(env.stored_messages(response.conversation_id)),
              ::testing::ElementsAre("user", "assistant"));
}

TEST_F(CreateResponseTest, PreviousResponseContinuesItsConversation) {
  env.provider->then(ScriptedAnswer::says("One.")).then(ScriptedAnswer::says("Two."));
  auto first = answered(asking("First"));
  auto request = asking("Second");
  request.previous_response_id = first.id;

  auto second = answered(std::move(request));

  EXPECT_EQ(second.conversation_id, first.conversation_id);
  EXPECT_EQ(second.previous_response_id, first.id);
  EXPECT_EQ(second.output_after, 3);
  EXPECT_EQ(env.provider->requests()[1].messages.size(), 3u);  // it saw the first turn
}

TEST_F(CreateResponseTest, OnlyTheLatestResponseOfAConversationCanBeContinued) {
  env.provider->then(ScriptedAnswer::says("One.")).then(ScriptedAnswer::says("Two."));
  auto first = answered(asking("First"));
  auto next = asking("Second");
  next.previous_response_id = first.id;
  answered(std::move(next));

  auto branch = asking("Branch");
  branch.previous_response_id = first.id;
  auto refused = start(std::move(branch));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "previous_response_not_latest");
  EXPECT_EQ(refused.error().param, "previous_response_id");
}

TEST_F(CreateResponseTest, AnotherUsersPreviousResponseIsNotFound) {
  env.provider->then(ScriptedAnswer::says("Mine."));
  auto mine = answered(asking("Mine"));
  auto request = asking("Yours?");
  request.previous_response_id = mine.id;

  auto refused = run_sync(create.start(user_caller("user-2"), std::move(request)));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::not_found);
  EXPECT_EQ(refused.error().param, "previous_response_id");
}

TEST_F(CreateResponseTest, RefusedRequestsLeaveNothingBehind) {
  auto background = asking("Later");
  background.background = true;
  background.store = false;
  auto unstored = start(std::move(background));
  ASSERT_FALSE(unstored);
  EXPECT_EQ(unstored.error().param, "store");

  ResponseRequest answer;
  answer.approvals = {ApprovalAnswer{"approval-1", true, std::nullopt}};
  auto orphan = start(std::move(answer));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().param, "previous_response_id");

  EXPECT_TRUE(env.provider->requests().empty());
}

TEST_F(CreateResponseTest, AToolOutputMustAnswerACallAwaitingIt) {
  env.provider->then(ScriptedAnswer::says("No tools here."));
  auto first = answered(asking("Hi"));
  ChatMessage output;
  output.role = "tool";
  output.tool_call_id = "call_nobody_made";
  output.content = "42";
  ResponseRequest request;
  request.previous_response_id = first.id;
  request.input = {output};

  auto refused = start(std::move(request));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "invalid_function_call_output");
  EXPECT_EQ(env.provider->requests().size(), 1u);
}

TEST_F(CreateResponseTest, AnApprovalAnswerResumesThePausedRunAsANewResponse) {
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  env.given(deploy);
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto request = asking("Deploy it");
  request.agentd_tools = true;
  auto paused = answered(std::move(request));
  EXPECT_EQ(paused.status, ResponseStatus::completed);  // ended asking for approval
  auto approvals = run_sync(env.run_store.run_approvals(paused.run_id));
  ASSERT_TRUE(approvals);
  ASSERT_EQ(approvals->size(), 1u);

  ResponseRequest answer;
  answer.previous_response_id = paused.id;
  answer.approvals = {ApprovalAnswer{approvals->front().id, true, std::nullopt}};
  answer.echo = "{}";
  answer.input_items = "[]";
  auto resumed = answered(std::move(answer));

  EXPECT_EQ(resumed.run_id, paused.run_id);
  EXPECT_EQ(resumed.status, ResponseStatus::completed);
  EXPECT_EQ(resumed.output_after, paused.output_until);
  EXPECT_EQ(deploy->calls(), 1);
  auto decided = run_sync(env.run_store.run_approvals(paused.run_id));
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->front().status, ApprovalStatus::approved);
}

}  // namespace
}  // namespace agentd
