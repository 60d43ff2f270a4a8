// Runs the conversation store contract against PostgreSQL, on the test binary's database
// emptied before each test (see postgres_test_database.h), plus what only a database with
// foreign keys does.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"
#include "infrastructure/persistence/postgres/pg_checkpoint_store.h"
#include "infrastructure/persistence/postgres/pg_conversation_repository.h"
#include "infrastructure/persistence/postgres/pg_response_repository.h"
#include "infrastructure/persistence/postgres/pg_run_repository.h"
#include "infrastructure/persistence/postgres/pg_user_repository.h"
#include "infrastructure/persistence/postgres_test_database.h"

namespace agentd::contract {
namespace {

class PostgresConversationStore final : public ConversationStore {
 public:
  explicit PostgresConversationStore(std::unique_ptr<PostgresTestDatabase> database)
      : database_(std::move(database)),
        users_(database_->pool()),
        conversations_(database_->pool()),
        runs_(database_->pool()),
        checkpoints_(database_->pool()),
        responses_(database_->pool()) {}

  ConversationRepository& conversations() override { return conversations_; }
  RunRepository& runs() override { return runs_; }
  CheckpointStore& checkpoints() override { return checkpoints_; }
  ResponseRepository& responses() override { return responses_; }

  void add_user(const std::string& user_id) override {
    User user;
    user.id = user_id;
    user.email = user_id + "@example.org";
    user.name = user_id;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    user.created_at = kT0;
    must(run_sync(users_.create(std::move(user))));
  }

 private:
  // Declared first so the pool outlives the repositories.
  std::unique_ptr<PostgresTestDatabase> database_;
  postgres::PgUserRepository users_;
  postgres::PgConversationRepository conversations_;
  postgres::PgRunRepository runs_;
  postgres::PgCheckpointStore checkpoints_;
  postgres::PgResponseRepository responses_;
};

// Null when the test was skipped or failed for want of a server.
std::unique_ptr<PostgresConversationStore> open_postgres_conversation_store() {
  auto database = PostgresTestDatabase::open();
  if (database == nullptr) return nullptr;
  return std::make_unique<PostgresConversationStore>(std::move(database));
}

ConversationBackend postgres_conversation_backend() {
  return {"postgres", []() -> std::unique_ptr<ConversationStore> {
            return open_postgres_conversation_store();
          }};
}

// The cascade from conversations to checkpoints, which the contract cannot see (the fakes
// keep checkpoints apart), and foreign keys no valid call breaks.
class PostgresConversationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = open_postgres_conversation_store();
    if (store == nullptr) return;
    store->add_user(numbered("user", 1));
    conversation.id = numbered("conv", 1);
    conversation.user_id = numbered("user", 1);
    conversation.created_at = conversation.updated_at = kT0;
    must(run_sync(store->conversations().create(conversation)));
    run.id = numbered("run", 1);
    run.conversation_id = conversation.id;
    run.user_id = conversation.user_id;
    run.created_at = run.updated_at = kT0;
    must(run_sync(store->runs().start_run(run)));
  }

  static Checkpoint checkpoint_of(std::string run_id) {
    Checkpoint checkpoint;
    checkpoint.run_id = std::move(run_id);
    checkpoint.next_node = "model";
    checkpoint.state = "{}";
    checkpoint.saved_at = kT0;
    return checkpoint;
  }

  std::unique_ptr<PostgresConversationStore> store;
  Conversation conversation;
  agentd::Run run;
};

TEST_F(PostgresConversationStoreTest, RemovingAConversationDeletesItsRunsCheckpoints) {
  must(run_sync(store->checkpoints().save(checkpoint_of(run.id))));
  run.status = RunStatus::completed;
  must(run_sync(store->runs().update_run(run)));

  ASSERT_TRUE(run_sync(store->conversations().remove(conversation.user_id, conversation.id)));

  auto loaded = run_sync(store->checkpoints().load(run.id));
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST_F(PostgresConversationStoreTest, CheckpointOfAnUnknownRunIsAnInternalError) {
  auto saved = run_sync(store->checkpoints().save(checkpoint_of(numbered("run", 99))));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorCode::internal);
  EXPECT_EQ(saved.error().message, "storage failed");
}

TEST_F(PostgresConversationStoreTest, ConversationOfAnUnknownUserIsAnInternalError) {
  Conversation orphan = conversation;
  orphan.id = numbered("conv", 2);
  orphan.user_id = numbered("user", 99);
  auto created = run_sync(store->conversations().create(orphan));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::internal);
}

}  // namespace

INSTANTIATE_CONVERSATION_STORE_CONTRACT(Postgres, postgres_conversation_backend());

}  // namespace agentd::contract
