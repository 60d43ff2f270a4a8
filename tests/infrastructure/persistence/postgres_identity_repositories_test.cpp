// Runs the identity repository contract against PostgreSQL, on the test binary's database
// emptied before each test (see postgres_test_database.h), plus what only a database with
// foreign keys does.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"
#include "infrastructure/persistence/postgres/pg_api_key_repository.h"
#include "infrastructure/persistence/postgres/pg_session_repository.h"
#include "infrastructure/persistence/postgres/pg_user_repository.h"
#include "infrastructure/persistence/postgres/pg_webhook_repository.h"
#include "infrastructure/persistence/postgres_test_database.h"

namespace agentd::contract {
namespace {

class PostgresIdentityStore final : public IdentityStore {
 public:
  explicit PostgresIdentityStore(std::unique_ptr<PostgresTestDatabase> database)
      : database_(std::move(database)),
        users_(database_->pool()),
        sessions_(database_->pool()),
        api_keys_(database_->pool()),
        webhooks_(database_->pool()) {}

  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  WebhookRepository& webhooks() override { return webhooks_; }

 private:
  // Declared first so the pool outlives the repositories.
  std::unique_ptr<PostgresTestDatabase> database_;
  postgres::PgUserRepository users_;
  postgres::PgSessionRepository sessions_;
  postgres::PgApiKeyRepository api_keys_;
  postgres::PgWebhookRepository webhooks_;
};

// Null when the test was skipped or failed for want of a server.
std::unique_ptr<PostgresIdentityStore> open_postgres_identity_store() {
  auto database = PostgresTestDatabase::open();
  if (database == nullptr) return nullptr;
  return std::make_unique<PostgresIdentityStore>(std::move(database));
}

IdentityBackend postgres_identity_backend() {
  return {"postgres",
          []() -> std::unique_ptr<IdentityStore> { return open_postgres_identity_store(); }};
}

// As with SQLite: a broken foreign key is a logged internal error, not an exception.
TEST(PostgresIdentityRepositories, StorageFailureIsAnInternalError) {
  auto store = open_postgres_identity_store();
  if (store == nullptr) return;
  Session orphan;
  orphan.id = numbered("session", 1);
  orphan.user_id = numbered("user", 99);
  orphan.created_at = kT0;
  orphan.expires_at = kT0;
  auto created = run_sync(store->sessions().create(std::move(orphan), "hash-01"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::internal);
  EXPECT_EQ(created.error().message, "storage failed");
  EXPECT_EQ(run_sync(store->sessions().find(numbered("session", 1))).error().kind,
            ErrorCode::not_found);
}

}  // namespace

INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT(Postgres, postgres_identity_backend());

}  // namespace agentd::contract
