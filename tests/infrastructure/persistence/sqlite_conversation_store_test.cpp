// Runs the conversation store contract against SQLite, plus what only a database with
// foreign keys does.
#include "fakes/run_sync.h"
#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/persistence/conversation_store_contract.h"
#include "infrastructure/persistence/sqlite/migrations.h"
#include "infrastructure/persistence/sqlite/sqlite_checkpoint_store.h"
#include "infrastructure/persistence/sqlite/sqlite_conversation_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"
#include "infrastructure/persistence/sqlite/sqlite_response_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_run_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_user_repository.h"

namespace agentd::contract {
namespace {

// An in-memory database: the one connection is all the adapters ever use, so a file adds
// nothing these tests can observe.
class SqliteConversationStore final : public ConversationStore {
 public:
  SqliteConversationStore()
      : db_(":memory:"),
        pool_(4),
        users_(db_, pool_),
        conversations_(db_, pool_),
        runs_(db_, pool_),
        checkpoints_(db_, pool_),
        responses_(db_, pool_) {
    if (auto migrated = sqlite::migrate(db_); !migrated) {
      throw std::runtime_error(migrated.error().message);
    }
  }

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
  sqlite::Database db_;
  BlockingPool pool_;
  sqlite::SqliteUserRepository users_;
  sqlite::SqliteConversationRepository conversations_;
  sqlite::SqliteRunRepository runs_;
  sqlite::SqliteCheckpointStore checkpoints_;
  sqlite::SqliteResponseRepository responses_;
};

ConversationBackend sqlite_backend() {
  return {"sqlite", [] { return std::make_unique<SqliteConversationStore>(); }};
}

// Only SQLite knows both checkpoints and conversations, so the cascade between them is
// tested here rather than in the contract.
class SqliteConversationStoreTest : public ::testing::Test {
 protected:
  SqliteConversationStoreTest() {
    store.add_user(numbered("user", 1));
    conversation.id = numbered("conv", 1);
    conversation.user_id = numbered("user", 1);
    conversation.created_at = conversation.updated_at = kT0;
    must(run_sync(store.conversations().create(conversation)));
    run.id = numbered("run", 1);
    run.conversation_id = numbered("conv", 1);
    run.user_id = numbered("user", 1);
    run.created_at = run.updated_at = kT0;
    must(run_sync(store.runs().start_run(run)));
  }

  Checkpoint checkpoint_of(std::string run_id) {
    Checkpoint checkpoint;
    checkpoint.run_id = std::move(run_id);
    checkpoint.next_node = "model";
    checkpoint.state = "{}";
    checkpoint.saved_at = kT0;
    return checkpoint;
  }

  SqliteConversationStore store;
  Conversation conversation;
  agentd::Run run;
};

TEST_F(SqliteConversationStoreTest, RemovingAConversationDeletesItsRunsCheckpoints) {
  must(run_sync(store.checkpoints().save(checkpoint_of(numbered("run", 1)))));
  run.status = RunStatus::completed;
  must(run_sync(store.runs().update_run(run)));

  ASSERT_TRUE(run_sync(store.conversations().remove(numbered("user", 1), numbered("conv", 1))));

  auto loaded = run_sync(store.checkpoints().load(numbered("run", 1)));
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST_F(SqliteConversationStoreTest, CheckpointOfAnUnknownRunIsAnInternalError) {
  auto saved = run_sync(store.checkpoints().save(checkpoint_of(numbered("run", 99))));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorCode::internal);
  EXPECT_EQ(saved.error().message, "storage failed");
}

TEST_F(SqliteConversationStoreTest, ConversationOfAnUnknownUserIsAnInternalError) {
  Conversation orphan = conversation;
  orphan.id = numbered("conv", 2);
  orphan.user_id = numbered("user", 99);
  auto created = run_sync(store.conversations().create(orphan));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::internal);
}

}  // namespace

INSTANTIATE_CONVERSATION_STORE_CONTRACT(Sqlite, sqlite_backend());

}  // namespace agentd::contract
