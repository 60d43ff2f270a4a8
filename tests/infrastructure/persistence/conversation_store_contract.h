// The behaviour every storage adapter of conversations, runs and checkpoints must show: one
// suite, instantiated once per backend with INSTANTIATE_CONVERSATION_STORE_CONTRACT.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "application/ports/checkpoint_store.h"
#include "application/ports/conversation_repository.h"
#include "infrastructure/persistence/identity_repository_contract.h"  // kT0, must, numbered

namespace agentd::contract {

// A conversation repository and a checkpoint store over one fresh store that lives as long
// as this object.
class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  virtual ConversationRepository& conversations() = 0;
  virtual CheckpointStore& checkpoints() = 0;
  // Makes `user_id` an account, for stores whose foreign keys need one.
  virtual void add_user(const std::string& user_id) = 0;
};

struct ConversationBackend {
  std::string name;  // becomes the test name suffix: letters, digits and underscores only
  std::function<std::unique_ptr<ConversationStore>()> open;
};

inline void PrintTo(const ConversationBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string conversation_backend_name(
    const ::testing::TestParamInfo<ConversationBackend>& info) {
  return info.param.name;
}

inline const std::string kOwner = "user-01";
inline const std::string kStranger = "user-02";

class ConversationStoreTest : public ::testing::TestWithParam<ConversationBackend> {
 protected:
  // testing::Test::Run would hide agentd's Run in the fixture and in every test.
  using Run = ::agentd::Run;

  // Both kOwner and kStranger exist in every test.
  void SetUp() override;

  ConversationRepository& conversations() { return store_->conversations(); }
  CheckpointStore& checkpoints() { return store_->checkpoints(); }

  static Conversation sample_conversation(std::string id, std::string user_id = kOwner);
  // A user message created at `at`.
  static Message sample_message(std::string id, std::string conversation_id, Timestamp at);
  // A running run of `conversation`, by its owner, started at kT0 + 1 minute.
  static Run sample_run(std::string id, const Conversation& conversation);
  static Checkpoint sample_checkpoint(std::string run_id);

  // Stores sample data the test builds on.
  Conversation given_conversation(std::string id, std::string user_id = kOwner);
  Message given_message(Message message);
  Run given_run(std::string id, const Conversation& conversation);
  // Moves a stored run to `status` at kT0 + 1 hour.
  Run given_run_is(Run run, RunStatus status);

  // kOwner's conversation as stored now.
  Conversation stored(const std::string& conversation_id);
  Run stored_run(const std::string& run_id);

  static void expect_same(const Conversation& actual, const Conversation& expected);
  static void expect_same(const Message& actual, const Message& expected);
  static void expect_same(const Run& actual, const Run& expected);
  static void expect_same(const Checkpoint& actual, const Checkpoint& expected);
  static void expect_not_found(const Error& error, std::string_view code);
  static void expect_run_in_progress(const Error& error);

 private:
  std::unique_ptr<ConversationStore> store_;
};

class ConversationRepositoryContract : public ConversationStoreTest {};
class CheckpointStoreContract : public ConversationStoreTest {};

}  // namespace agentd::contract

// Use inside namespace agentd::contract: the suite names cannot be qualified.
#define INSTANTIATE_CONVERSATION_STORE_CONTRACT(prefix, backend)                               \
  INSTANTIATE_TEST_SUITE_P(prefix, ConversationRepositoryContract, ::testing::Values(backend), \
                           conversation_backend_name);                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, CheckpointStoreContract, ::testing::Values(backend),        \
                           conversation_backend_name)
