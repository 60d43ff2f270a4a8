// Runs the identity repository contract against SQLite, one temporary database per test.
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "fakes/run_sync.h"
#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/persistence/identity_repository_contract.h"
#include "infrastructure/persistence/sqlite/migrations.h"
#include "infrastructure/persistence/sqlite/sqlite_api_key_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"
#include "infrastructure/persistence/sqlite/sqlite_session_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_user_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_webhook_repository.h"

namespace agentd::contract {
namespace {

// A folder of its own, removed with everything SQLite put in it (the -wal and -shm files).
class TempFolder {
 public:
  TempFolder() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("agentd-identity-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SqliteIdentityStore final : public IdentityStore {
 public:
  SqliteIdentityStore()
      : db_((folder_.path() / "agentd.db").string()),
        pool_(4),
        users_(db_, pool_),
        sessions_(db_, pool_),
        api_keys_(db_, pool_),
        webhooks_(db_, pool_) {
    if (auto migrated = sqlite::migrate(db_); !migrated) {
      throw std::runtime_error(migrated.error().message);
    }
  }

  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  WebhookRepository& webhooks() override { return webhooks_; }

 private:
  // Declared first so the files go only after the pool and the connection are gone.
  TempFolder folder_;
  sqlite::Database db_;
  BlockingPool pool_;
  sqlite::SqliteUserRepository users_;
  sqlite::SqliteSessionRepository sessions_;
  sqlite::SqliteApiKeyRepository api_keys_;
  sqlite::SqliteWebhookRepository webhooks_;
};

IdentityBackend sqlite_identity_backend() {
  return {"sqlite", [] { return std::make_unique<SqliteIdentityStore>(); }};
}

// A failure no caller can act on (here a foreign key no valid call breaks) is answered as a
// logged internal error, like every SQLite repository's, not thrown at the caller.
TEST(SqliteIdentityRepositories, StorageFailureIsAnInternalError) {
  SqliteIdentityStore store;
  Session orphan;
  orphan.id = numbered("session", 1);
  orphan.user_id = numbered("user", 99);
  orphan.created_at = kT0;
  orphan.expires_at = kT0;
  auto created = run_sync(store.sessions().create(std::move(orphan), "hash-01"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::internal);
  EXPECT_EQ(created.error().message, "storage failed");
  EXPECT_EQ(run_sync(store.sessions().find(numbered("session", 1))).error().kind,
            ErrorCode::not_found);
}

}  // namespace

INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT(Sqlite, sqlite_identity_backend());

}  // namespace agentd::contract
