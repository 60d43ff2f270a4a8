// The agent's use cases wired to fakes of every port they need: one scripted model, tools a
// test registers, conversations, tool audit and checkpoints in memory. Helpers run a turn to
// its end and read what it left behind.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "application/agent/agent_completion.h"
#include "application/agent/live_run.h"
#include "application/agent/react_agent.h"
#include "application/chat/model_catalog.h"
#include "application/chat/model_router.h"
#include "application/conversations/conversation_memory.h"
#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "application/tools/execute_tool.h"
#include "application/tools/tool_registry.h"
#include "fakes/fake_checkpoint_store.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_conversation_repository.h"
#include "fakes/fake_delay.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_run_repository.h"
#include "fakes/fake_schema_compiler.h"
#include "fakes/fake_tool.h"
#include "fakes/fake_tool_execution_repository.h"
#include "fakes/run_sync.h"
#include "fakes/scripted_llm_provider.h"

namespace agentd {

inline constexpr std::string_view kTestModel = "test-model";
inline constexpr std::string_view kUpstreamModel = "upstream-test-model";

// A person signed in: a session of the user.
inline Principal user_caller(std::string user_id = "user-1") {
  Principal caller;
  caller.user_id = std::move(user_id);
  caller.session_id = "session-of-" + caller.user_id;
  caller.can_approve = true;
  return caller;
}

// A program: one of the user's API keys.
inline Principal key_caller(std::string key_id, std::string user_id = "user-1") {
  Principal caller;
  caller.user_id = std::move(user_id);
  caller.api_key_id = std::move(key_id);
  return caller;
}

inline ModelToolCall tool_call(std::string id, std::string name, std::string arguments = "{}") {
  return ModelToolCall{std::move(id), std::move(name), std::move(arguments)};
}

// The roles of stored messages, in order.
// The names of the tools a model was offered, in order.
inline std::vector<std::string> names_of(const std::vector<ToolDefinition>& tools) {
  std::vector<std::string> names;
  for (const auto& tool : tools) names.push_back(tool.name);
  return names;
}

inline std::vector<std::string> roles_of(const std::vector<Message>& messages) {
  std::vector<std::string> roles;
  for (const auto& message : messages) roles.push_back(message.role);
  return roles;
}

// Stored messages as the model would be sent them.
inline std::vector<ChatMessage> as_chat(const std::vector<Message>& messages) {
  std::vector<ChatMessage> chat;
  for (const auto& message : messages) chat.push_back(to_chat_message(message));
  return chat;
}

inline TurnRequest turn(std::string conversation_id, std::string message) {
  TurnRequest request;
  request.conversation_id = std::move(conversation_id);
  request.message = std::move(message);
  return request;
}

// The fake conversation store. Once told, it acts like a real store whose writes finish
// later (on a worker pool): the next tool message is written, the test's hook runs, and only
// then, after a trip through the executor, is the write acknowledged.
class ConversationStore : public FakeConversationRepository {
 public:
  using FakeConversationRepository::FakeConversationRepository;

  void on_next_tool_message(std::function<void()> hook) { hook_ = std::move(hook); }

  boost::asio::awaitable<Result<Message>> append_message(Message message) override {
    const bool is_tool = message.role == "tool";
    auto stored = co_await FakeConversationRepository::append_message(std::move(message));
    if (is_tool && hook_) {
      std::exchange(hook_, {})();
      auto executor = co_await boost::asio::this_coro::executor;
      co_await boost::asio::post(executor, boost::asio::use_awaitable);
    }
    co_return stored;
  }

 private:
  std::function<void()> hook_;
};

// A run that ended: how, and the live run whose events it published.
struct FinishedTurn {
  RunResult result;
  std::shared_ptr<LiveRun> live;
};

inline boost::asio::awaitable<Result<FinishedTurn>> take_turn(ConversationRuns& runs,
                                                              const Principal& caller,
                                                              TurnRequest request) {
  auto live = co_await runs.start(caller, std::move(request));
  if (!live) co_return live.error();
  auto result = co_await ConversationRuns::wait(**live);
  if (!result) co_return result.error();
  FinishedTurn finished{std::move(*result), std::move(*live)};
  co_return finished;
}

// Decides on a paused run and lets it run to its end (or its next pause).
inline boost::asio::awaitable<Result<FinishedTurn>> take_approval(ConversationRuns& runs,
                                                                  const Principal& caller,
                                                                  ApproveRequest request) {
  auto live = co_await runs.approve(caller, std::move(request));
  if (!live) co_return live.error();
  auto result = co_await ConversationRuns::wait(**live);
  if (!result) co_return result.error();
  FinishedTurn finished{std::move(*result), std::move(*live)};
  co_return finished;
}

// Waits until the run has published an event of type E.
template <typename E>
boost::asio::awaitable<void> until_event(LiveRun& live) {
  std::int64_t seen = 0;
  for (;;) {
    auto events = co_await live.events().read_after(seen);
    if (events.empty()) throw std::runtime_error("the run ended before the awaited event");
    for (const auto& numbered : events) {
      if (std::holds_alternative<E>(numbered.event)) co_return;
      seen = numbered.id;
    }
  }
}

// Waits until `count` calls of `tool` are running at once (it sleeps on a timer).
inline boost::asio::awaitable<void> until_running(const FakeTool& tool, int count) {
  boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
  for (int i = 0; i < 5000 && tool.running() < count; ++i) {
    tick.expires_after(std::chrono::milliseconds(1));
    co_await tick.async_wait(boost::asio::use_awaitable);
  }
  if (tool.running() < count) throw std::runtime_error("the tool calls never ran at once");
}

struct AgentEnv {
  // No limits: the test model's history is never fitted to a window.
  explicit AgentEnv(AgentSettings settings = AgentSettings{}, ContextLimits limits = {})
      : agent(router, execute, registry, &checkpoints, ids, clock, settings) {
    ModelRoute route;
    route.name = std::string(kTestModel);
    route.owned_by = "test";
    route.upstream_model = std::string(kUpstreamModel);
    route.provider = provider;
    route.max_retries = 0;  // a failure is the test's subject, not something to retry
    route.limits = limits;
    if (!catalog.add(std::move(route))) throw std::runtime_error("the test model was refused");
  }

  // Registers a tool (its schema is compiled now) and hands it back for scripting.
  std::shared_ptr<FakeTool> given(std::shared_ptr<FakeTool> tool) {
    if (!registry.add(tool)) throw std::runtime_error("the tool was refused: " + tool->spec().name);
    return tool;
  }
  std::shared_ptr<FakeTool> given_tool(std::string name) {
    return given(std::make_shared<FakeTool>(std::move(name)));
  }

  Conversation given_conversation(const Principal& owner, std::string system_prompt = {}) {
    NewConversation request;
    if (!system_prompt.empty()) request.system_prompt = std::move(system_prompt);
    auto created = run_sync(manage.create(owner, std::move(request)));
    if (!created) throw std::runtime_error("set-up failed: " + created.error().message);
    return *created;
  }

  // Runs one turn to its end.
  Result<FinishedTurn> turn_of(const Principal& caller, TurnRequest request) {
    return run_sync(take_turn(runs, caller, std::move(request)));
  }

  // Decides on a paused run and runs it to its end (or its next pause).
  Result<FinishedTurn> approval_of(const Principal& caller, ApproveRequest request) {
    return run_sync(take_approval(runs, caller, std::move(request)));
  }

  std::vector<Message> stored_messages(const std::string& conversation_id) {
    auto messages = run_sync(conversations.messages(conversation_id));
    if (!messages) throw std::runtime_error("reading messages failed");
    return *messages;
  }
  Conversation stored_conversation(const Principal& owner, const std::string& conversation_id) {
    auto conversation = run_sync(conversations.find(owner.user_id, conversation_id));
    if (!conversation) throw std::runtime_error("reading the conversation failed");
    return *conversation;
  }
  Run stored_run(const std::string& run_id) {
    auto run = run_sync(run_store.find_run(run_id));
    if (!run) throw std::runtime_error("reading the run failed");
    return *run;
  }

  FakeClock clock;
  FakeIdGenerator ids;
  FakeDelay delay;
  std::shared_ptr<ScriptedLlmProvider> provider = std::make_shared<ScriptedLlmProvider>();
  ModelCatalog catalog;
  ModelRouter router{catalog, delay, RetryPolicy{}, [] { return 0.0; }};
  FakeSchemaCompiler compiler;
  ToolRegistry registry{compiler};
  FakeToolExecutionRepository audit;
  ExecuteTool execute{registry, audit, ids, clock, 4};
  FakeCheckpointStore checkpoints;
  FakeConversationTables tables;
  ConversationStore conversations{tables};
  // A pause saves its checkpoint where the CheckpointStore port reads it, as in a database
  // both adapters share.
  FakeRunRepository run_store{tables, checkpoints};
  LiveRuns live_runs{clock, delay};
  ReactAgent agent;
  ConversationRuns runs{conversations, run_store, checkpoints, agent, router,
                        registry,      live_runs, ids,         clock, delay};
  ManageRuns manage_runs{conversations, run_store, live_runs, ids, clock, delay};
  ManageConversations manage{conversations, run_store, router, live_runs, manage_runs, ids, clock};
  AgentCompletion completion{agent, router, ids, clock};
};

// Every event this part of the run published, in order (the part has ended).
inline std::vector<NumberedEvent> events_of(LiveRun& live) {
  return run_sync(live.events().read_after(live.resumed_after()));
}

inline std::vector<std::string> event_names(const std::vector<NumberedEvent>& events) {
  std::vector<std::string> names;
  for (const auto& numbered : events) names.emplace_back(event_name(numbered.event));
  return names;
}

}  // namespace agentd
