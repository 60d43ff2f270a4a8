// Runs the conversation store contract against the in-memory fakes, so use-case tests that
// rely on them rely on the same behaviour as production.
#include "fakes/fake_checkpoint_store.h"
#include "fakes/fake_conversation_repository.h"
#include "fakes/fake_response_repository.h"
#include "fakes/fake_run_repository.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

class FakeConversationStore final : public ConversationStore {
 public:
  ConversationRepository& conversations() override { return conversations_; }
  RunRepository& runs() override { return runs_; }
  CheckpointStore& checkpoints() override { return checkpoints_; }
  ResponseRepository& responses() override { return responses_; }
  void add_user(const std::string&) override {}  // the fakes keep no users

 private:
  FakeCheckpointStore checkpoints_;
  FakeResponseRepository responses_;
  FakeConversationTables tables_;
  FakeConversationRepository conversations_{tables_};
  // Saves its pauses' checkpoints where the checkpoint store finds them.
  FakeRunRepository runs_{tables_, checkpoints_};
};

ConversationBackend fake_backend() {
  return {"fake", [] { return std::make_unique<FakeConversationStore>(); }};
}

}  // namespace

INSTANTIATE_CONVERSATION_STORE_CONTRACT(Fake, fake_backend());

}  // namespace agentd::contract
