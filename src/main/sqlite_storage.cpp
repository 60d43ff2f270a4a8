// The embedded default: one SQLite file, its calls on the blocking pool's threads.
#include "infrastructure/persistence/sqlite/migrations.h"
#include "infrastructure/persistence/sqlite/sqlite_api_key_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_budget_ledger.h"
#include "infrastructure/persistence/sqlite/sqlite_checkpoint_store.h"
#include "infrastructure/persistence/sqlite/sqlite_conversation_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"
#include "infrastructure/persistence/sqlite/sqlite_response_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_run_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_session_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_tool_execution_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_usage_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_user_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_webhook_repository.h"
#include "main/storage.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

// SQLite serialises writers, so a few threads suffice.
constexpr unsigned kSqliteThreads = 4;

class SqliteStorage final : public Storage {
 public:
  explicit SqliteStorage(const std::string& path)
      : db_(path),
        blocking_(kSqliteThreads),
        users_(db_, blocking_),
        sessions_(db_, blocking_),
        keys_(db_, blocking_),
        tool_executions_(db_, blocking_),
        usage_(db_, blocking_),
        budget_ledger_(db_, blocking_),
        conversations_(db_, blocking_),
        runs_(db_, blocking_),
        checkpoints_(db_, blocking_),
        responses_(db_, blocking_),
        webhooks_(db_, blocking_) {}

  std::string_view name() const override { return "sqlite"; }
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  ApiKeyRepository& api_keys() override { return keys_; }
  ToolExecutionRepository& tool_executions() override { return tool_executions_; }
  UsageRepository& usage() override { return usage_; }
  BudgetLedger& budget_ledger() override { return budget_ledger_; }
  ConversationRepository& conversations() override { return conversations_; }
  RunRepository& runs() override { return runs_; }
  CheckpointStore& checkpoints() override { return checkpoints_; }
  ResponseRepository& responses() override { return responses_; }
  WebhookRepository& webhooks() override { return webhooks_; }

  asio::awaitable<Result<int>> migrate() override {
    co_return co_await blocking_.run([this]() { return sqlite::migrate(db_); });
  }

  asio::awaitable<Result<int>> schema_version() override {
    co_return co_await blocking_.run([this]() -> Result<int> {
      try {
        return sqlite::current_version(db_);
      } catch (const std::exception& e) {
        return Error::unavailable(e.what());
      }
    });
  }

  int known_schema_version() const override { return sqlite::schema_migrations().back().version; }

 private:
  sqlite::Database db_;
  // Declared after the database, so its threads are joined before the database closes.
  BlockingPool blocking_;
  sqlite::SqliteUserRepository users_;
  sqlite::SqliteSessionRepository sessions_;
  sqlite::SqliteApiKeyRepository keys_;
  sqlite::SqliteToolExecutionRepository tool_executions_;
  sqlite::SqliteUsageRepository usage_;
  sqlite::SqliteBudgetLedger budget_ledger_;
  sqlite::SqliteConversationRepository conversations_;
  sqlite::SqliteRunRepository runs_;
  sqlite::SqliteCheckpointStore checkpoints_;
  sqlite::SqliteResponseRepository responses_;
  sqlite::SqliteWebhookRepository webhooks_;
};

}  // namespace

std::unique_ptr<Storage> make_sqlite_storage(const config::Config& config) {
  return std::make_unique<SqliteStorage>(config.sqlite_path());
}

}  // namespace agentd
