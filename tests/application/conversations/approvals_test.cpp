// Human in the loop: a run pauses before the tool calls that need a person, stores what it
// waits for, and resumes from its checkpoint once the calls are decided. Approved calls run
// once (with edited arguments when given), rejected and expired ones answer the model, and
// the history stays valid however the pause ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "application/agent/agent_state_codec.h"
#include "application/agent/history.h"
#include "application/agent_env.h"
#include "application/conversations/conversation_memory.h"
#include "application/conversations/conversation_runs.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::chrono::seconds kTtl = 1h;
constexpr std::string_view kDeploySchema =
    R"({"type":"object","properties":{"env":{"type":"string","enum":["staging","prod"]}},)"
    R"("required":["env"],"additionalProperties":false})";

AgentSettings with_approval_ttl(std::chrono::seconds ttl) {
  AgentSettings settings;
  settings.approval_ttl = ttl;
  return settings;
}

ApprovalDecision approve_call(std::string tool_call_id,
                              std::optional<std::string> arguments = std::nullopt) {
  ApprovalDecision decision;
  decision.tool_call_id = std::move(tool_call_id);
  decision.approved = true;
  decision.arguments = std::move(arguments);
  return decision;
}

ApprovalDecision reject_call(std::string tool_call_id, std::string reason) {
  ApprovalDecision decision;
  decision.tool_call_id = std::move(tool_call_id);
  decision.reason = std::move(reason);
  return decision;
}

// The tool messages answering `tool_call_id`, parsed.
std::vector<boost::json::value> answers_to(const std::vector<ChatMessage>& messages,
                                           const std::string& tool_call_id) {
  std::vector<boost::json::value> answers;
  for (const auto& message : messages) {
    if (message.role == "tool" && message.tool_call_id == tool_call_id) {
      answers.push_back(boost::json::parse(message.content));
    }
  }
  return answers;
}

// Every tool call is asked for once and answered once, right after the turn that asked.
void expect_valid(std::vector<ChatMessage> messages) {
  EXPECT_EQ(answer_unanswered_calls(messages), 0);
  std::map<std::string, int> asked;
  std::map<std::string, int> answered;
  for (const auto& message : messages) {
    for (const auto& call : message.tool_calls) ++asked[call.id];
    if (message.role == "tool") ++answered[message.tool_call_id];
  }
  for (const auto& [id, times] : asked) EXPECT_EQ(times, 1) << id << " was asked for again";
  std::map<std::string, int> once;
  for (const auto& [id, times] : asked) once[id] = 1;
  EXPECT_EQ(answered, once);
}

// Runs the decisions at once, each on its own thread and io_context: they race for real, yet
// each run stays on one thread, as it does on a connection's strand (a run's coroutines share
// their executor and rely on it running one of them at a time).
std::vector<Result<FinishedTurn>> race(
    std::vector<boost::asio::awaitable<Result<FinishedTurn>>> decisions) {
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<std::optional<Result<FinishedTurn>>> outcomes(decisions.size());
  std::vector<std::exception_ptr> failures(decisions.size());
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    contexts.push_back(std::make_unique<boost::asio::io_context>());
    boost::asio::co_spawn(
        *contexts[i],
        [&, i]() -> boost::asio::awaitable<void> {
          outcomes[i].emplace(co_await std::move(decisions[i]));
        },
        [&, i](std::exception_ptr failure) { failures[i] = failure; });
  }
  std::vector<std::thread> threads;
  for (auto& context : contexts) threads.emplace_back([&context] { context->run(); });
  for (auto& thread : threads) thread.join();
  std::vector<Result<FinishedTurn>> results;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (failures[i]) std::rethrow_exception(failures[i]);
    results.push_back(std::move(*outcomes[i]));
  }
  return results;
}

class ApprovalsTest : public ::testing::Test {
 protected:
  // A tool that waits for a person before it runs (its schema is compiled as it is given).
  std::shared_ptr<FakeTool> given_guarded_tool(
      std::string name, std::string_view parameters = R"({"type":"object"})") {
    auto tool = std::make_shared<FakeTool>(std::move(name));
    tool->with_approval_required().with_parameters(parameters);
    return env.given(std::move(tool));
  }

  FinishedTurn ask(std::string message) {
    auto finished = env.turn_of(caller, turn(conversation.id, std::move(message)));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }

  ApproveRequest deciding(std::vector<ApprovalDecision> decisions) const {
    ApproveRequest request;
    request.conversation_id = conversation.id;
    request.decisions = std::move(decisions);
    return request;
  }
  ApproveRequest deciding_all(bool approved, std::string reason = {}) const {
    ApproveRequest request;
    request.conversation_id = conversation.id;
    request.approve_all = approved;
    request.reason = std::move(reason);
    return request;
  }

  Result<FinishedTurn> decide(ApproveRequest request) {
    return env.approval_of(caller, std::move(request));
  }
  FinishedTurn decided(ApproveRequest request) {
    auto finished = decide(std::move(request));
    if (!finished) throw std::runtime_error("the decision failed: " + finished.error().message);
    return std::move(*finished);
  }

  std::vector<Approval> approvals_of(const std::string& run_id) {
    auto approvals = run_sync(env.run_store.run_approvals(run_id));
    if (!approvals) throw std::runtime_error("reading the approvals failed");
    return *approvals;
  }
  std::vector<Message> history() { return env.stored_messages(conversation.id); }
  ConversationStatus status() { return env.stored_conversation(caller, conversation.id).status; }
  // What the model was sent in its request number `index` (from 0).
  std::vector<ChatMessage> sent_to_model(std::size_t index) {
    const auto requests = env.provider->requests();
    if (index >= requests.size()) throw std::runtime_error("the model was not called that often");
    return requests[index].messages;
  }

  // The stored history, and every request the model received, are valid.
  void expect_valid_history() {
    {
      SCOPED_TRACE("stored history");
      expect_valid(as_chat(history()));
    }
    const auto requests = env.provider->requests();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      SCOPED_TRACE("model request " + std::to_string(i));
      expect_valid(requests[i].messages);
    }
  }

  // A refused decision leaves the pause as it was: nothing ran, decided or was asked.
  void expect_still_paused(const FinishedTurn& paused, const FakeTool& tool) {
    EXPECT_EQ(status(), ConversationStatus::awaiting_approval);
    EXPECT_EQ(env.stored_run(paused.result.run.id).status, RunStatus::awaiting_approval);
    const auto approvals = approvals_of(paused.result.run.id);
    EXPECT_EQ(approvals.size(), paused.result.pending_approvals.size());
    for (const auto& approval : approvals) {
      EXPECT_EQ(approval.status, ApprovalStatus::pending) << approval.tool_call_id;
      EXPECT_FALSE(approval.decided_at) << approval.tool_call_id;
    }
    EXPECT_EQ(tool.calls(), 0);
    EXPECT_EQ(env.provider->requests().size(), 1u);
    EXPECT_THAT(roles_of(history()), ElementsAre("user", "assistant"));
  }

  AgentEnv env{with_approval_ttl(kTtl)};
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

// --- The pause ------------------------------------------------------------------------

TEST_F(ApprovalsTest, AToolCallThatNeedsApprovalPausesTheRunBeforeItRuns) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")})
                         .with_usage({10, 5, 15}));
  const auto paused_at = env.clock.now();

  auto paused = ask("Deploy to prod.");

  const auto& run = paused.result.run;
  EXPECT_EQ(run.status, RunStatus::awaiting_approval);
  EXPECT_EQ(run.steps, 1);
  EXPECT_EQ(run.usage, (Usage{10, 5, 15}));
  ASSERT_EQ(paused.result.pending_approvals.size(), 1u);
  const auto& approval = paused.result.pending_approvals[0];
  EXPECT_FALSE(approval.id.empty());
  EXPECT_EQ(approval.run_id, run.id);
  EXPECT_EQ(approval.conversation_id, conversation.id);
  EXPECT_EQ(approval.user_id, caller.user_id);
  EXPECT_EQ(approval.tool_call_id, "call_1");
  EXPECT_EQ(approval.tool, "deploy");
  EXPECT_EQ(approval.arguments, R"({"env":"prod"})");
  EXPECT_EQ(approval.status, ApprovalStatus::pending);
  EXPECT_EQ(approval.created_at, paused_at);
  EXPECT_EQ(approval.expires_at, paused_at + kTtl);
  EXPECT_FALSE(approval.decided_at);
  EXPECT_FALSE(approval.reason);

  const auto events = events_of(*paused.live);
  EXPECT_THAT(event_names(events),
              ElementsAre("run.started", "approval.required", "run.completed"));
  ASSERT_EQ(events.size(), 3u);
  const auto& required = std::get<ApprovalRequired>(events[1].event).approvals;
  ASSERT_EQ(required.size(), 1u);
  EXPECT_EQ(required[0].id, approval.id);
  EXPECT_EQ(required[0].tool_call_id, "call_1");
  const auto& ended = std::get<RunCompleted>(events[2].event).result;
  EXPECT_EQ(ended.run.status, RunStatus::awaiting_approval);
  ASSERT_EQ(ended.pending_approvals.size(), 1u);
  EXPECT_EQ(ended.pending_approvals[0].id, approval.id);
  EXPECT_TRUE(paused.live->events().closed());

  EXPECT_EQ(deploy->calls(), 0);
  EXPECT_EQ(status(), ConversationStatus::awaiting_approval);
  const auto stored = env.stored_run(run.id);
  EXPECT_EQ(stored.status, RunStatus::awaiting_approval);
  EXPECT_EQ(stored.steps, 1);
  EXPECT_EQ(stored.usage, (Usage{10, 5, 15}));
  const auto approvals = approvals_of(run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].id, approval.id);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::pending);
  const auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant"));
  EXPECT_EQ(messages[1].tool_calls,
            (std::vector<ModelToolCall>{tool_call("call_1", "deploy", R"({"env":"prod"})")}));

  // The checkpoint resumes at the approval check, with the awaited call still pending.
  const auto checkpoint = env.checkpoints.last(run.id);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->next_node, ReactAgent::resume_point(0).node);
  auto state = decode_agent_state(checkpoint->state);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_THAT(state->awaiting_approval, ElementsAre("call_1"));
  EXPECT_EQ(state->pending_calls, messages[1].tool_calls);
  EXPECT_TRUE(state->decisions.empty());
  EXPECT_EQ(state->steps, 1);
}

TEST_F(ApprovalsTest, ANewMessageWhileApprovalsArePendingIsAConflict) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}));
  auto paused = ask("Deploy.");
  env.clock.advance(kTtl - 1s);  // the approval is about to expire, but has not

  auto second = env.turn_of(caller, turn(conversation.id, "Are you there?"));

  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorCode::conflict);
  EXPECT_EQ(second.error().code, "run_in_progress");
  expect_still_paused(paused, *deploy);
}

// --- Deciding -------------------------------------------------------------------------

TEST_F(ApprovalsTest, AnApprovedCallRunsOnceAndTheModelSeesItsResult) {
  auto deploy = given_guarded_tool("deploy");
  deploy->returns(boost::json::parse(R"({"deployed":true})"));
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto paused = ask("Deploy to prod.");
  env.clock.advance(1min);

  auto resumed = decided(deciding({approve_call("call_1")}));

  EXPECT_EQ(deploy->calls(), 1);
  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"prod"})").as_object());
  ASSERT_EQ(env.provider->requests().size(), 2u);
  const auto sent = sent_to_model(1);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().role, "tool");
  EXPECT_EQ(sent.back().tool_call_id, "call_1");
  EXPECT_EQ(boost::json::parse(sent.back().content), boost::json::parse(R"({"deployed":true})"));

  EXPECT_EQ(resumed.result.run.id, paused.result.run.id);
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  ASSERT_TRUE(resumed.result.message);
  EXPECT_EQ(resumed.result.message->content, "Deployed.");
  EXPECT_TRUE(resumed.result.pending_approvals.empty());
  EXPECT_THAT(event_names(events_of(*resumed.live)),
              ElementsAre("run.started", "tool_call.started", "tool_call.completed",
                          "message.delta", "run.completed"));
  EXPECT_EQ(status(), ConversationStatus::idle);
  const auto stored = env.stored_run(paused.result.run.id);
  EXPECT_EQ(stored.status, RunStatus::completed);
  EXPECT_EQ(stored.steps, 2);
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::approved);
  EXPECT_EQ(approvals[0].decided_by, (Decider{caller.user_id, std::nullopt}));
  EXPECT_EQ(approvals[0].decided_at, env.clock.now());
  EXPECT_FALSE(approvals[0].edited_arguments);
  EXPECT_THAT(roles_of(history()), ElementsAre("user", "assistant", "tool", "assistant"));
  expect_valid_history();
}

TEST_F(ApprovalsTest, ARejectedCallNeverRunsAndTheModelIsToldWhy) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("I will not deploy."));
  auto paused = ask("Deploy to prod.");

  auto resumed = decided(deciding({reject_call("call_1", "not on a Friday")}));

  EXPECT_EQ(deploy->calls(), 0);
  const auto answers = answers_to(sent_to_model(1), "call_1");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(answers[0].at("error").as_string()), HasSubstr("rejected"));
  EXPECT_THAT(std::string(answers[0].at("error").as_string()), HasSubstr("not on a Friday"));
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  ASSERT_TRUE(resumed.result.message);
  EXPECT_EQ(resumed.result.message->content, "I will not deploy.");
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::rejected);
  EXPECT_EQ(approvals[0].reason, "not on a Friday");
  EXPECT_EQ(approvals[0].decided_by, (Decider{caller.user_id, std::nullopt}));
  EXPECT_EQ(status(), ConversationStatus::idle);
  expect_valid_history();
}

TEST_F(ApprovalsTest, TheShortFormDecidesEveryPendingCallWithOneReason) {
  auto deploy = given_guarded_tool("deploy");
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"staging"})"),
                                    tool_call("call_2", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Nothing deployed."));
  auto paused = ask("Deploy everywhere.");
  ASSERT_EQ(paused.result.pending_approvals.size(), 2u);

  auto resumed = decided(deciding_all(false, "freeze"));

  EXPECT_EQ(deploy->calls(), 0);
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  const auto sent = sent_to_model(1);
  for (const std::string id : {"call_1", "call_2"}) {
    const auto answers = answers_to(sent, id);
    ASSERT_EQ(answers.size(), 1u) << id;
    EXPECT_EQ(answers[0].at("code"), "tool_call_rejected") << id;
    EXPECT_THAT(std::string(answers[0].at("error").as_string()), HasSubstr("freeze")) << id;
  }
  for (const auto& approval : approvals_of(paused.result.run.id)) {
    EXPECT_EQ(approval.status, ApprovalStatus::rejected) << approval.tool_call_id;
    EXPECT_EQ(approval.reason, "freeze") << approval.tool_call_id;
  }
  expect_valid_history();
}

TEST_F(ApprovalsTest, AnApprovalWithEditedArgumentsRunsTheToolWithThem) {
  auto deploy = given_guarded_tool("deploy", kDeploySchema);
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed to staging."));
  auto paused = ask("Deploy to prod.");

  auto resumed = decided(deciding({approve_call("call_1", R"({"env":"staging"})")}));

  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"staging"})").as_object());
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::approved);
  EXPECT_EQ(approvals[0].edited_arguments, R"({"env":"staging"})");
  EXPECT_EQ(approvals[0].arguments, R"({"env":"prod"})");  // what the model asked stays known
  expect_valid_history();
}

TEST_F(ApprovalsTest, EditedArgumentsThatDoNotFitTheToolAreRefusedAndChangeNothing) {
  auto deploy = given_guarded_tool("deploy", kDeploySchema);
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed to staging."));
  auto paused = ask("Deploy to prod.");

  for (const std::string arguments : {R"({"env":"moon"})", R"({"region":"eu"})", "[1,2]", "{"}) {
    SCOPED_TRACE(arguments);
    auto refused = decide(deciding({approve_call("call_1", arguments)}));

    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorCode::invalid_request);
    EXPECT_EQ(refused.error().param, "decisions[0].arguments");
    EXPECT_EQ(refused.error().code, "invalid_arguments");
    expect_still_paused(paused, *deploy);
  }
  // The pause still takes a decision that fits.
  auto resumed = decided(deciding({approve_call("call_1", R"({"env":"staging"})")}));
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"staging"})").as_object());
}

TEST_F(ApprovalsTest, EachAwaitedCallFollowsItsOwnDecision) {
  auto deploy = given_guarded_tool("deploy");
  deploy->returns(boost::json::parse(R"({"deployed":true})"));
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"staging"})"),
                                    tool_call("call_2", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Staging only."));
  auto paused = ask("Deploy everywhere.");
  ASSERT_EQ(paused.result.pending_approvals.size(), 2u);

  auto resumed =
      decided(deciding({reject_call("call_2", "prod is frozen"), approve_call("call_1")}));

  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"staging"})").as_object());
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  const auto sent = sent_to_model(1);
  const auto approved = answers_to(sent, "call_1");
  ASSERT_EQ(approved.size(), 1u);
  EXPECT_EQ(approved[0], boost::json::parse(R"({"deployed":true})"));
  const auto rejected = answers_to(sent, "call_2");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(rejected[0].at("error").as_string()), HasSubstr("prod is frozen"));
  // Answers follow the order the model asked in, whatever the order of the decisions.
  const auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool", "tool", "assistant"));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(messages[3].tool_call_id, "call_2");
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 2u);
  EXPECT_EQ(approvals[0].tool_call_id, "call_1");
  EXPECT_EQ(approvals[0].status, ApprovalStatus::approved);
  EXPECT_EQ(approvals[1].tool_call_id, "call_2");
  EXPECT_EQ(approvals[1].status, ApprovalStatus::rejected);
  EXPECT_EQ(approvals[1].reason, "prod is frozen");
  expect_valid_history();
}

TEST_F(ApprovalsTest, CallsThatNeedNoApprovalRunBeforeThePause) {
  auto lookup = env.given_tool("lookup");
  lookup->returns(boost::json::parse(R"({"build":42})"));
  auto deploy = given_guarded_tool("deploy");
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "lookup", R"({"q":"latest"})"),
                                    tool_call("call_2", "deploy", R"({"build":42})")}))
      .then(ScriptedAnswer::says("Build 42 is deployed."));

  auto paused = ask("Deploy the latest build.");

  EXPECT_EQ(paused.result.run.status, RunStatus::awaiting_approval);
  EXPECT_EQ(lookup->calls(), 1);
  EXPECT_EQ(deploy->calls(), 0);
  ASSERT_EQ(paused.result.pending_approvals.size(), 1u);
  EXPECT_EQ(paused.result.pending_approvals[0].tool_call_id, "call_2");
  EXPECT_EQ(approvals_of(paused.result.run.id).size(), 1u);
  EXPECT_THAT(event_names(events_of(*paused.live)),
              ElementsAre("run.started", "tool_call.started", "tool_call.completed",
                          "approval.required", "run.completed"));
  auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool"));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(boost::json::parse(messages[2].content), boost::json::parse(R"({"build":42})"));
  const auto checkpoint = env.checkpoints.last(paused.result.run.id);
  ASSERT_TRUE(checkpoint);
  auto state = decode_agent_state(checkpoint->state);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->pending_calls,
            (std::vector<ModelToolCall>{tool_call("call_2", "deploy", R"({"build":42})")}));

  auto resumed = decided(deciding({approve_call("call_2")}));

  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  EXPECT_EQ(lookup->calls(), 1);
  EXPECT_EQ(deploy->calls(), 1);
  EXPECT_THAT(event_names(events_of(*resumed.live)),
              ElementsAre("run.started", "tool_call.started", "tool_call.completed",
                          "message.delta", "run.completed"));
  const auto sent = sent_to_model(1);
  EXPECT_EQ(answers_to(sent, "call_1").size(), 1u);
  EXPECT_EQ(answers_to(sent, "call_2").size(), 1u);
  EXPECT_THAT(roles_of(history()), ElementsAre("user", "assistant", "tool", "tool", "assistant"));
  expect_valid_history();
}

TEST_F(ApprovalsTest, TheCallersKeyCanRequireApprovalForAToolThatNeedsNone) {
  auto lookup = env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup", R"({"q":"x"})")}))
      .then(ScriptedAnswer::says("Found."));
  caller.approval_required_tools = {"lookup"};

  auto paused = ask("Look it up.");

  EXPECT_EQ(paused.result.run.status, RunStatus::awaiting_approval);
  ASSERT_EQ(paused.result.pending_approvals.size(), 1u);
  EXPECT_EQ(paused.result.pending_approvals[0].tool, "lookup");
  EXPECT_EQ(lookup->calls(), 0);

  auto resumed = decided(deciding({approve_call("call_1")}));

  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  EXPECT_EQ(lookup->calls(), 1);
  expect_valid_history();
}

TEST_F(ApprovalsTest, AResumedRunMayPauseAgainAndCountsAllItsSteps) {
  auto deploy = given_guarded_tool("deploy");
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"staging"})")})
                 .with_usage({10, 5, 15}))
      .then(ScriptedAnswer::calls({tool_call("call_2", "deploy", R"({"env":"prod"})")})
                .with_usage({20, 5, 25}))
      .then(ScriptedAnswer::says("Both deployed.").with_usage({30, 5, 35}));
  auto first = ask("Deploy to staging, then prod.");
  ASSERT_EQ(first.result.pending_approvals.size(), 1u);

  auto second = decided(deciding({approve_call("call_1")}));

  EXPECT_EQ(second.result.run.id, first.result.run.id);
  EXPECT_EQ(second.result.run.status, RunStatus::awaiting_approval);
  EXPECT_EQ(second.result.run.steps, 2);
  EXPECT_EQ(second.result.run.usage, (Usage{30, 10, 40}));
  ASSERT_EQ(second.result.pending_approvals.size(), 1u);
  EXPECT_EQ(second.result.pending_approvals[0].tool_call_id, "call_2");
  EXPECT_NE(second.result.pending_approvals[0].id, first.result.pending_approvals[0].id);
  EXPECT_THAT(event_names(events_of(*second.live)),
              ElementsAre("run.started", "tool_call.started", "tool_call.completed",
                          "approval.required", "run.completed"));
  EXPECT_EQ(deploy->calls(), 1);
  EXPECT_EQ(status(), ConversationStatus::awaiting_approval);
  EXPECT_EQ(env.stored_run(first.result.run.id).status, RunStatus::awaiting_approval);

  auto done = decided(deciding({approve_call("call_2")}));

  EXPECT_EQ(done.result.run.id, first.result.run.id);
  EXPECT_EQ(done.result.run.status, RunStatus::completed);
  ASSERT_TRUE(done.result.message);
  EXPECT_EQ(done.result.message->content, "Both deployed.");
  ASSERT_EQ(deploy->received().size(), 2u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"staging"})").as_object());
  EXPECT_EQ(deploy->received()[1], boost::json::parse(R"({"env":"prod"})").as_object());
  const auto stored = env.stored_run(first.result.run.id);
  EXPECT_EQ(stored.status, RunStatus::completed);
  EXPECT_EQ(stored.steps, 3);
  EXPECT_EQ(stored.usage, (Usage{60, 15, 75}));
  const auto approvals = approvals_of(first.result.run.id);
  ASSERT_EQ(approvals.size(), 2u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::approved);
  EXPECT_EQ(approvals[1].status, ApprovalStatus::approved);
  EXPECT_EQ(status(), ConversationStatus::idle);
  EXPECT_THAT(roles_of(history()),
              ElementsAre("user", "assistant", "tool", "assistant", "tool", "assistant"));
  expect_valid_history();
}

// --- Expiry ---------------------------------------------------------------------------

TEST_F(ApprovalsTest, TheShortFormRejectsCallsWhoseApprovalExpired) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}))
      .then(ScriptedAnswer::says("Too late."));
  auto paused = ask("Deploy.");
  env.clock.advance(kTtl + 1s);

  auto resumed = decided(deciding_all(true));

  EXPECT_EQ(deploy->calls(), 0);
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  const auto answers = answers_to(sent_to_model(1), "call_1");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(answers[0].at("error").as_string()), HasSubstr("expired"));
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::expired);
  EXPECT_EQ(approvals[0].reason, "expired");
  EXPECT_EQ(approvals[0].decided_at, env.clock.now());
  EXPECT_EQ(status(), ConversationStatus::idle);
  expect_valid_history();
}

TEST_F(ApprovalsTest, AnEmptyDecisionListSettlesAPauseWhoseApprovalsAllExpired) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}))
      .then(ScriptedAnswer::says("Too late."));
  auto paused = ask("Deploy.");
  env.clock.advance(kTtl);  // expired from the moment its time has come

  auto resumed = decided(deciding({}));

  EXPECT_EQ(deploy->calls(), 0);
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  EXPECT_EQ(approvals_of(paused.result.run.id).at(0).status, ApprovalStatus::expired);
  expect_valid_history();
}

TEST_F(ApprovalsTest, AnExplicitApprovalOfAnExpiredCallDoesNotRunIt) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}))
      .then(ScriptedAnswer::says("Too late."));
  auto paused = ask("Deploy.");
  env.clock.advance(kTtl + 1s);

  auto resumed = decided(deciding({approve_call("call_1")}));

  EXPECT_EQ(deploy->calls(), 0);
  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  const auto answers = answers_to(sent_to_model(1), "call_1");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(answers[0].at("error").as_string()), HasSubstr("expired"));
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::expired);
  EXPECT_EQ(approvals[0].reason, "expired");
  expect_valid_history();
}

TEST_F(ApprovalsTest, DecisionsNeedNameOnlyTheCallsThatHaveNotExpired) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::says("Staging is deployed."));
  // One pause's approvals share their expiry, so a pause with one live and one lapsed
  // approval is stored through the ports, as a store may hold it.
  const auto now = env.clock.now();
  agentd::Run run;
  run.id = "run-seeded";
  run.conversation_id = conversation.id;
  run.user_id = caller.user_id;
  run.created_at = now;
  run.updated_at = now;
  ASSERT_TRUE(run_sync(env.run_store.start_run(run)));
  ConversationMemory memory(env.conversations, env.ids, env.clock, conversation, run.id);
  ChatMessage user;
  user.role = "user";
  user.content = "Deploy to staging and prod.";
  ChatMessage asking;
  asking.role = "assistant";
  asking.tool_calls = {tool_call("call_1", "deploy", R"({"env":"staging"})"),
                       tool_call("call_2", "deploy", R"({"env":"prod"})")};
  ASSERT_TRUE(run_sync(memory.keep(user, std::nullopt)));
  ASSERT_TRUE(run_sync(memory.keep(asking, std::nullopt)));
  AgentState state;
  state.model = conversation.model;
  state.tools = {"deploy"};
  state.steps = 1;
  state.messages = {user, asking};
  state.pending_calls = asking.tool_calls;
  state.awaiting_approval = {"call_1", "call_2"};
  const auto resume = ReactAgent::resume_point(5);
  Checkpoint checkpoint{run.id, resume.node, resume.steps, encode_agent_state(state), now};
  std::vector<Approval> approvals;
  for (const auto& call : asking.tool_calls) {
    Approval approval;
    approval.id = "approval-" + call.id;
    approval.conversation_id = conversation.id;
    approval.run_id = run.id;
    approval.user_id = caller.user_id;
    approval.tool_call_id = call.id;
    approval.tool = call.name;
    approval.arguments = call.arguments;
    approval.created_at = now;
    approval.expires_at = call.id == "call_1" ? now + kTtl : now + 1min;
    approvals.push_back(std::move(approval));
  }
  run.status = RunStatus::awaiting_approval;
  ASSERT_TRUE(run_sync(env.run_store.pause_run(run, std::move(approvals), std::move(checkpoint))));
  env.clock.advance(2min);

  auto incomplete = decide(deciding({}));
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code, "decisions_incomplete");
  auto resumed = decided(deciding({approve_call("call_1")}));

  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"staging"})").as_object());
  const auto sent = sent_to_model(0);
  ASSERT_EQ(answers_to(sent, "call_1").size(), 1u);
  EXPECT_FALSE(answers_to(sent, "call_1")[0].as_object().contains("error"));
  const auto lapsed = answers_to(sent, "call_2");
  ASSERT_EQ(lapsed.size(), 1u);
  EXPECT_EQ(lapsed[0].at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(lapsed[0].at("error").as_string()), HasSubstr("expired"));
  const auto stored = approvals_of(run.id);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].status, ApprovalStatus::approved);
  EXPECT_EQ(stored[1].status, ApprovalStatus::expired);
  EXPECT_EQ(stored[1].reason, "expired");
  expect_valid_history();
}

TEST_F(ApprovalsTest, ANewMessageIsAcceptedOnceEveryApprovalExpired) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}))
      .then(ScriptedAnswer::says("Hello again."));
  auto paused = ask("Deploy.");
  env.clock.advance(kTtl + 1s);

  auto next = ask("Never mind, just say hello.");

  EXPECT_NE(next.result.run.id, paused.result.run.id);
  EXPECT_EQ(next.result.run.status, RunStatus::completed);
  ASSERT_TRUE(next.result.message);
  EXPECT_EQ(next.result.message->content, "Hello again.");
  EXPECT_EQ(deploy->calls(), 0);
  const auto old = env.stored_run(paused.result.run.id);
  EXPECT_EQ(old.status, RunStatus::cancelled);
  EXPECT_EQ(old.error, "its approvals expired");
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].status, ApprovalStatus::expired);
  EXPECT_EQ(approvals[0].reason, "expired");
  const auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool", "user", "assistant"));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(messages[2].run_id, paused.result.run.id);
  const auto answer = boost::json::parse(messages[2].content);
  EXPECT_EQ(answer.at("code"), "tool_call_rejected");
  EXPECT_THAT(std::string(answer.at("error").as_string()), HasSubstr("expired"));
  EXPECT_EQ(status(), ConversationStatus::idle);
  expect_valid_history();

  auto late = decide(deciding_all(true));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "not_awaiting_approval");
}

// --- Races and refusals ---------------------------------------------------------------

TEST_F(ApprovalsTest, OfTwoRacingDecisionsExactlyOneWins) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto paused = ask("Deploy.");

  std::vector<boost::asio::awaitable<Result<FinishedTurn>>> racers;
  for (int i = 0; i < 2; ++i) {
    auto request = deciding({approve_call("call_1")});
    racers.push_back(take_approval(env.runs, caller, std::move(request)));
  }
  auto outcomes = race(std::move(racers));

  ASSERT_EQ(outcomes.size(), 2u);
  const int won = static_cast<int>(outcomes[0].ok()) + static_cast<int>(outcomes[1].ok());
  ASSERT_EQ(won, 1);
  const auto& winner = outcomes[0] ? outcomes[0] : outcomes[1];
  const auto& loser = outcomes[0] ? outcomes[1] : outcomes[0];
  EXPECT_EQ(winner->result.run.status, RunStatus::completed);
  EXPECT_EQ(loser.error().kind, ErrorCode::conflict);
  EXPECT_EQ(loser.error().code, "not_awaiting_approval");
  EXPECT_EQ(deploy->calls(), 1);
  EXPECT_EQ(env.provider->requests().size(), 2u);
  EXPECT_EQ(approvals_of(paused.result.run.id).at(0).status, ApprovalStatus::approved);
  EXPECT_EQ(status(), ConversationStatus::idle);
  expect_valid_history();
}

TEST_F(ApprovalsTest, ADecisionOnAnUnknownCallIsRefused) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}));
  auto paused = ask("Deploy.");

  auto refused = decide(deciding({approve_call("call_1"), approve_call("call_404")}));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(refused.error().code, "unknown_tool_call");
  EXPECT_EQ(refused.error().param, "decisions");
  expect_still_paused(paused, *deploy);
}

TEST_F(ApprovalsTest, DecisionsMustCoverEveryPendingCall) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls(
      {tool_call("call_1", "deploy", R"({"env":"staging"})"), tool_call("call_2", "deploy")}));
  auto paused = ask("Deploy everywhere.");

  auto refused = decide(deciding({approve_call("call_1")}));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(refused.error().code, "decisions_incomplete");
  expect_still_paused(paused, *deploy);
}

TEST_F(ApprovalsTest, DecidingACallTwiceIsRefused) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}));
  auto paused = ask("Deploy.");

  auto refused = decide(deciding({approve_call("call_1"), reject_call("call_1", "no")}));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(refused.error().code, "duplicate_decision");
  expect_still_paused(paused, *deploy);
}

TEST_F(ApprovalsTest, DecidingWithNothingPendingIsAConflict) {
  given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::says("Hello."));
  ask("Hello.");

  auto refused = decide(deciding_all(true));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::conflict);
  EXPECT_EQ(refused.error().code, "not_awaiting_approval");
  EXPECT_EQ(env.provider->requests().size(), 1u);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ApprovalsTest, AnotherUserCannotDecideAndSeesNoConversation) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy")}));
  auto paused = ask("Deploy.");

  auto refused = env.approval_of(user_caller("user-2"), deciding({approve_call("call_1")}));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::not_found);
  EXPECT_EQ(refused.error().code, "conversation_not_found");
  expect_still_paused(paused, *deploy);
}

// --- Another process ------------------------------------------------------------------

TEST_F(ApprovalsTest, APausedRunResumesInAnotherProcess) {
  auto deploy = given_guarded_tool("deploy");
  deploy->returns(boost::json::parse(R"({"deployed":true})"));
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto paused = ask("Deploy to prod.");
  ASSERT_EQ(paused.result.run.status, RunStatus::awaiting_approval);

  // Everything but the shared store (and the model and tool it talks to) built anew.
  ToolRegistry registry{env.compiler};
  ASSERT_TRUE(registry.add(deploy));
  ExecuteTool execute{registry, env.audit, env.ids, env.clock, 4};
  ReactAgent agent{
      env.router, execute, registry, &env.checkpoints, env.ids, env.clock, with_approval_ttl(kTtl)};
  LiveRuns live_runs{env.clock, env.delay};
  ConversationRuns runs{env.conversations, env.run_store, env.checkpoints, agent,     env.router,
                        registry,          live_runs,     env.ids,         env.clock, env.delay};
  auto request = deciding({approve_call("call_1")});

  auto resumed = run_sync(take_approval(runs, caller, std::move(request)));

  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(resumed->result.run.id, paused.result.run.id);
  EXPECT_EQ(resumed->result.run.status, RunStatus::completed);
  ASSERT_TRUE(resumed->result.message);
  EXPECT_EQ(resumed->result.message->content, "Deployed.");
  EXPECT_EQ(live_runs.latest(conversation.id), resumed->live);
  ASSERT_EQ(deploy->received().size(), 1u);
  EXPECT_EQ(deploy->received()[0], boost::json::parse(R"({"env":"prod"})").as_object());
  const auto answers = answers_to(sent_to_model(1), "call_1");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], boost::json::parse(R"({"deployed":true})"));
  EXPECT_EQ(env.stored_run(paused.result.run.id).status, RunStatus::completed);
  EXPECT_EQ(status(), ConversationStatus::idle);
  EXPECT_THAT(roles_of(history()), ElementsAre("user", "assistant", "tool", "assistant"));
  expect_valid_history();
}

// --- Who may decide --------------------------------------------------------------------

TEST_F(ApprovalsTest, AKeyWithoutCanApproveCannotDecide) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}));
  auto paused = ask("Deploy to prod.");

  auto refused = env.approval_of(key_caller("key-2"), deciding_all(true));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().code, "approval_not_allowed");
  expect_still_paused(paused, *deploy);
}

TEST_F(ApprovalsTest, AKeyCannotApproveACallItsOwnListMadeWaitButAnotherKeyMay) {
  auto lookup = env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup", R"({"q":"x"})")}))
      .then(ScriptedAnswer::says("Found."));
  caller = key_caller("key-1");
  caller.approval_required_tools = {"lookup"};
  caller.can_approve = true;
  auto paused = ask("Look it up.");
  ASSERT_EQ(paused.result.pending_approvals.size(), 1u);
  EXPECT_EQ(paused.result.pending_approvals[0].required_by_api_key_id, "key-1");

  auto refused = decide(deciding_all(true));

  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().code, "self_approval");
  EXPECT_EQ(lookup->calls(), 0);
  EXPECT_EQ(status(), ConversationStatus::awaiting_approval);

  auto approver = key_caller("key-2");
  approver.can_approve = true;
  auto resumed = env.approval_of(approver, deciding_all(true));

  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(resumed->result.run.status, RunStatus::completed);
  EXPECT_EQ(lookup->calls(), 1);
  const auto approvals = approvals_of(paused.result.run.id);
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].decided_by, (Decider{"user-1", "key-2"}));
}

TEST_F(ApprovalsTest, ACallTheToolConfigMadeWaitMayBeApprovedByTheKeyThatAskedIfItMayApprove) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  caller = key_caller("key-1");
  caller.can_approve = true;
  auto paused = ask("Deploy to prod.");
  EXPECT_FALSE(paused.result.pending_approvals.at(0).required_by_api_key_id);

  auto resumed = decided(deciding_all(true));

  EXPECT_EQ(resumed.result.run.status, RunStatus::completed);
  EXPECT_EQ(deploy->calls(), 1);
}

TEST_F(ApprovalsTest, AResumedRunKeepsTheStartersPermissionsNotTheApprovers) {
  auto lookup = env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup", R"({"q":"a"})")}))
      .then(ScriptedAnswer::calls({tool_call("call_2", "lookup", R"({"q":"b"})")}))
      .then(ScriptedAnswer::says("Found both."));
  caller = key_caller("key-1");
  caller.approval_required_tools = {"lookup"};
  auto paused = ask("Look up a, then b.");
  ASSERT_EQ(paused.result.pending_approvals.size(), 1u);

  // The owner approves in person; the key's own list still holds for the next call.
  auto second = env.approval_of(user_caller(), deciding_all(true));

  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->result.run.status, RunStatus::awaiting_approval);
  ASSERT_EQ(second->result.pending_approvals.size(), 1u);
  EXPECT_EQ(second->result.pending_approvals[0].tool_call_id, "call_2");
  EXPECT_EQ(second->result.pending_approvals[0].required_by_api_key_id, "key-1");
  EXPECT_EQ(lookup->calls(), 1);
  const auto audit = env.audit.records();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].api_key_id, "key-1");
}

// --- Event ids -------------------------------------------------------------------------

TEST_F(ApprovalsTest, EventIdsGoOnAcrossAPauseAndTheEarlierEventsAreKept) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto paused = ask("Deploy to prod.");
  const auto first = events_of(*paused.live);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first.back().id, 3);
  EXPECT_EQ(env.stored_run(paused.result.run.id).last_event_id, 3);

  auto resumed = decided(deciding_all(true));

  EXPECT_EQ(resumed.live->resumed_after(), 3);
  const auto second = events_of(*resumed.live);
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(second.front().id, 4);
  EXPECT_EQ(event_name(second.front().event), "run.started");
  for (std::size_t i = 1; i < second.size(); ++i) EXPECT_EQ(second[i].id, second[i - 1].id + 1);
  EXPECT_EQ(env.stored_run(paused.result.run.id).last_event_id, second.back().id);
  // A reader that saw only part of the first stream still gets the rest of it.
  const auto replay = run_sync(resumed.live->events().read_after(1));
  ASSERT_EQ(replay.size(), 2u + second.size());
  EXPECT_EQ(replay[0].id, 2);
  EXPECT_EQ(event_name(replay[0].event), "approval.required");
}

TEST_F(ApprovalsTest, EventIdsGoOnFromTheStoredRunInAProcessThatNeverSawIt) {
  auto deploy = given_guarded_tool("deploy");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}))
      .then(ScriptedAnswer::says("Deployed."));
  auto paused = ask("Deploy to prod.");
  env.live_runs.forget(conversation.id);  // as after a restart

  auto resumed = decided(deciding_all(true));

  const auto events = run_sync(resumed.live->events().read_after(0));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().id, 4);
}

}  // namespace
}  // namespace agentd
