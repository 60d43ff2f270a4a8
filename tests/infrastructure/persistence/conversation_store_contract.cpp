// Sample data and comparisons shared by the conversation store contract tests.
#include "infrastructure/persistence/conversation_store_contract.h"

#include <boost/json/parse.hpp>

#include "fakes/run_sync.h"

namespace agentd::contract {

using namespace std::chrono_literals;

void ConversationStoreTest::SetUp() {
  store_ = GetParam().open();
  if (store_ == nullptr) return;  // skipped or failed; the test body does not run
  store_->add_user(kOwner);
  store_->add_user(kStranger);
}

Conversation ConversationStoreTest::sample_conversation(std::string id, std::string user_id) {
  Conversation conversation;
  conversation.id = std::move(id);
  conversation.user_id = std::move(user_id);
  conversation.title = "Trip to Zürich";
  conversation.model = "gpt-4o-mini";
  conversation.system_prompt = "You are terse.";
  conversation.created_at = kT0;
  conversation.updated_at = kT0;
  return conversation;
}

Message ConversationStoreTest::sample_message(std::string id, std::string conversation_id,
                                              Timestamp at) {
  Message message;
  message.id = std::move(id);
  message.conversation_id = std::move(conversation_id);
  message.role = "user";
  message.content = "What is 2*(3+4)?";
  message.created_at = at;
  return message;
}

Run ConversationStoreTest::sample_run(std::string id, const Conversation& conversation) {
  Run run;
  run.id = std::move(id);
  run.conversation_id = conversation.id;
  run.user_id = conversation.user_id;
  run.model = "gpt-4o-mini";
  run.created_at = kT0 + 1min;
  run.updated_at = kT0 + 1min;
  return run;
}

Checkpoint ConversationStoreTest::sample_checkpoint(std::string run_id) {
  Checkpoint checkpoint;
  checkpoint.run_id = std::move(run_id);
  checkpoint.next_node = "tools";
  checkpoint.steps = 3;
  checkpoint.state = R"({"messages":[{"role":"user","content":"grüß dich ✓"}]})";
  checkpoint.saved_at = kT0 + 2min;
  return checkpoint;
}

Approval ConversationStoreTest::sample_approval(std::string id, const Run& run,
                                                std::string tool_call_id) {
  Approval approval;
  approval.id = std::move(id);
  approval.conversation_id = run.conversation_id;
  approval.run_id = run.id;
  approval.user_id = run.user_id;
  approval.tool_call_id = std::move(tool_call_id);
  approval.tool = "http_fetch";
  approval.arguments = R"({"url":"https://example.org/zürich"})";
  approval.created_at = kT0 + 2min;
  approval.expires_at = kT0 + 2min + 1h;
  return approval;
}

Approval ConversationStoreTest::decided(Approval approval, ApprovalStatus status) {
  approval.status = status;
  approval.decided_by = Decider{approval.user_id, numbered("key", 1)};
  approval.decided_at = kT0 + 10min;
  return approval;
}

Conversation ConversationStoreTest::given_conversation(std::string id, std::string user_id) {
  auto conversation = sample_conversation(std::move(id), std::move(user_id));
  must(run_sync(conversations().create(conversation)));
  return conversation;
}

Message ConversationStoreTest::given_message(Message message) {
  return must(run_sync(conversations().append_message(std::move(message))));
}

Run ConversationStoreTest::given_run(std::string id, const Conversation& conversation) {
  auto run = sample_run(std::move(id), conversation);
  must(run_sync(runs().start_run(run)));
  return run;
}

Run ConversationStoreTest::given_run_is(Run run, RunStatus status) {
  run.status = status;
  run.updated_at = kT0 + 1h;
  must(run_sync(runs().update_run(run)));
  return run;
}

Run ConversationStoreTest::given_paused(Run run, std::vector<Approval> approvals) {
  run.status = RunStatus::awaiting_approval;
  run.updated_at = kT0 + 2min;
  must(run_sync(runs().pause_run(run, std::move(approvals), sample_checkpoint(run.id))));
  return run;
}

Conversation ConversationStoreTest::stored(const std::string& conversation_id) {
  return must(run_sync(conversations().find(kOwner, conversation_id)));
}

Run ConversationStoreTest::stored_run(const std::string& run_id) {
  return must(run_sync(runs().find_run(run_id)));
}

std::vector<Approval> ConversationStoreTest::stored_approvals(const std::string& run_id) {
  return must(run_sync(runs().run_approvals(run_id)));
}

void ConversationStoreTest::expect_same_checkpoint(const Checkpoint& loaded,
                                                   const Checkpoint& saved) {
  EXPECT_EQ(loaded.run_id, saved.run_id);
  EXPECT_EQ(loaded.next_node, saved.next_node);
  EXPECT_EQ(loaded.steps, saved.steps);
  EXPECT_EQ(boost::json::parse(loaded.state), boost::json::parse(saved.state)) << loaded.state;
  EXPECT_EQ(loaded.saved_at, saved.saved_at);
}

void ConversationStoreTest::expect_not_found(const Error& error, std::string_view code) {
  EXPECT_EQ(error.kind, ErrorCode::not_found);
  EXPECT_EQ(error.code, code);
}

void ConversationStoreTest::expect_run_in_progress(const Error& error) {
  EXPECT_EQ(error.kind, ErrorCode::conflict);
  EXPECT_EQ(error.code, "run_in_progress");
  EXPECT_EQ(error.message, "this conversation already has a run in progress");
}

void ConversationStoreTest::expect_not_awaiting_approval(const Error& error) {
  EXPECT_EQ(error.kind, ErrorCode::conflict);
  EXPECT_EQ(error.code, "not_awaiting_approval");
}

}  // namespace agentd::contract
