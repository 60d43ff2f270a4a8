// The behaviour every storage adapter of conversations, runs, approvals and checkpoints must
// show: one suite, instantiated once per backend with INSTANTIATE_CONVERSATION_STORE_CONTRACT.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "application/ports/checkpoint_store.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/response_repository.h"
#include "application/ports/run_repository.h"
#include "infrastructure/persistence/identity_repository_contract.h"  // kT0, must, numbered
#include "infrastructure/persistence/stored_value_printers.h"

namespace agentd::contract {

// The conversation and run repositories and a checkpoint store over one fresh store that
// lives as long as this object: a run starts in a conversation the other repository stored,
// and the checkpoint a pause saves through the run repository loads from the checkpoint store.
class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  virtual ConversationRepository& conversations() = 0;
  virtual RunRepository& runs() = 0;
  virtual CheckpointStore& checkpoints() = 0;
  virtual ResponseRepository& responses() = 0;
  // Makes `user_id` an account, for stores whose foreign keys need one.
  virtual void add_user(const std::string& user_id) = 0;
};

struct ConversationBackend {
  std::string name;  // becomes the test name suffix: letters, digits and underscores only
  // Null once it has called GTEST_SKIP() or FAIL(), for a backend that cannot run here.
  std::function<std::unique_ptr<ConversationStore>()> open;
};

inline void PrintTo(const ConversationBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string conversation_backend_name(
    const ::testing::TestParamInfo<ConversationBackend>& info) {
  return info.param.name;
}

inline const std::string kOwner = numbered("user", 1);
inline const std::string kStranger = numbered("user", 2);

class ConversationStoreTest : public ::testing::TestWithParam<ConversationBackend> {
 protected:
  // testing::Test::Run would hide agentd's Run in the fixture and in every test.
  using Run = ::agentd::Run;

  // Both kOwner and kStranger exist in every test.
  void SetUp() override;

  ConversationRepository& conversations() { return store_->conversations(); }
  RunRepository& runs() { return store_->runs(); }
  CheckpointStore& checkpoints() { return store_->checkpoints(); }
  ResponseRepository& responses() { return store_->responses(); }

  static Conversation sample_conversation(std::string id, std::string user_id = kOwner);
  // A user message created at `at`.
  static Message sample_message(std::string id, std::string conversation_id, Timestamp at);
  // A running run of `conversation`, by its owner, started at kT0 + 1 minute.
  static Run sample_run(std::string id, const Conversation& conversation);
  static Checkpoint sample_checkpoint(std::string run_id);
  // A pending approval of `run`'s tool call `tool_call_id`, asked for at kT0 + 2 minutes and
  // expiring an hour later.
  static Approval sample_approval(std::string id, const Run& run, std::string tool_call_id);
  // `approval` decided by its owner at kT0 + 10 minutes.
  static Approval decided(Approval approval, ApprovalStatus status);

  // Stores sample data the test builds on.
  Conversation given_conversation(std::string id, std::string user_id = kOwner);
  Message given_message(Message message);
  Run given_run(std::string id, const Conversation& conversation);
  // Moves a stored run to `status` at kT0 + 1 hour.
  Run given_run_is(Run run, RunStatus status);
  // Pauses a running run, which then waits for `approvals`, with its sample_checkpoint.
  Run given_paused(Run run, std::vector<Approval> approvals);

  // kOwner's conversation as stored now.
  Conversation stored(const std::string& conversation_id);
  Run stored_run(const std::string& run_id);
  std::vector<Approval> stored_approvals(const std::string& run_id);

  // The state is JSON: a store may keep it re-printed (PostgreSQL's jsonb), not byte for
  // byte, so it is compared as the JSON value it holds.
  static void expect_same_checkpoint(const Checkpoint& loaded, const Checkpoint& saved);
  static void expect_not_found(const Error& error, std::string_view code);
  static void expect_run_in_progress(const Error& error);
  static void expect_not_awaiting_approval(const Error& error);

 private:
  std::unique_ptr<ConversationStore> store_;
};

class ConversationRepositoryContract : public ConversationStoreTest {};
class RunRepositoryContract : public ConversationStoreTest {};
class CheckpointStoreContract : public ConversationStoreTest {};
class ResponseRepositoryContract : public ConversationStoreTest {};
class RunApprovalContract : public ConversationStoreTest {
 protected:
  // When the listing tests list.
  static const Timestamp kListedAt;

  // kOwner's approvals, one of each kind the listing tells apart, by numbered("appr", n):
  // 1 approved, 2 rejected, 3 and 8 pending, 4 pending but past its time, 5 expired, 6
  // pending until exactly kListedAt; kStranger's 7 and 9.
  void given_every_kind_of_approval();
  // kOwner's approvals at kListedAt.
  Page<Approval> listed(std::optional<ApprovalStatus> status, int limit = 20,
                        std::optional<std::string> after = std::nullopt);
};

}  // namespace agentd::contract

// Use inside namespace agentd::contract: the suite names cannot be qualified.
#define INSTANTIATE_CONVERSATION_STORE_CONTRACT(prefix, backend)                               \
  INSTANTIATE_TEST_SUITE_P(prefix, ConversationRepositoryContract, ::testing::Values(backend), \
                           conversation_backend_name);                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, RunRepositoryContract, ::testing::Values(backend),          \
                           conversation_backend_name);                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, RunApprovalContract, ::testing::Values(backend),            \
                           conversation_backend_name);                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, CheckpointStoreContract, ::testing::Values(backend),        \
                           conversation_backend_name);                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, ResponseRepositoryContract, ::testing::Values(backend),     \
                           conversation_backend_name)
