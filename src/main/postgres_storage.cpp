// PostgreSQL: a bounded pool of connections driven by libpq's asynchronous API.
#include "infrastructure/persistence/postgres/pg_api_key_repository.h"
#include "infrastructure/persistence/postgres/pg_budget_ledger.h"
#include "infrastructure/persistence/postgres/pg_checkpoint_store.h"
#include "infrastructure/persistence/postgres/pg_conversation_repository.h"
#include "infrastructure/persistence/postgres/pg_migrations.h"
#include "infrastructure/persistence/postgres/pg_pool.h"
#include "infrastructure/persistence/postgres/pg_response_repository.h"
#include "infrastructure/persistence/postgres/pg_run_repository.h"
#include "infrastructure/persistence/postgres/pg_session_repository.h"
#include "infrastructure/persistence/postgres/pg_tool_execution_repository.h"
#include "infrastructure/persistence/postgres/pg_usage_repository.h"
#include "infrastructure/persistence/postgres/pg_user_repository.h"
#include "infrastructure/persistence/postgres/pg_webhook_repository.h"
#include "main/storage.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

postgres::PgSettings pg_settings(const config::Config& config) {
  postgres::PgSettings settings;
  settings.url = config.database_url;
  settings.pool_size = config.database_pool_size;
  settings.connect_timeout = config.database_connect_timeout;
  settings.query_timeout = config.database_query_timeout;
  settings.acquire_timeout = config.database_acquire_timeout;
  return settings;
}

class PostgresStorage final : public Storage {
 public:
  PostgresStorage(postgres::PgSettings settings, asio::any_io_executor executor)
      : executor_(std::move(executor)),
        pool_(executor_, std::move(settings)),
        users_(pool_),
        sessions_(pool_),
        keys_(pool_),
        tool_executions_(pool_),
        usage_(pool_),
        budget_ledger_(pool_),
        conversations_(pool_),
        runs_(pool_),
        checkpoints_(pool_),
        responses_(pool_),
        webhooks_(pool_) {}

  std::string_view name() const override { return "postgres"; }
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
    co_return co_await postgres::migrate(executor_, pool_.settings());
  }

  asio::awaitable<Result<int>> schema_version() override {
    co_return co_await postgres::current_version(pool_);
  }

  int known_schema_version() const override { return postgres::schema_migrations().back().version; }

 private:
  asio::any_io_executor executor_;
  postgres::PgPool pool_;
  postgres::PgUserRepository users_;
  postgres::PgSessionRepository sessions_;
  postgres::PgApiKeyRepository keys_;
  postgres::PgToolExecutionRepository tool_executions_;
  postgres::PgUsageRepository usage_;
  postgres::PgBudgetLedger budget_ledger_;
  postgres::PgConversationRepository conversations_;
  postgres::PgRunRepository runs_;
  postgres::PgCheckpointStore checkpoints_;
  postgres::PgResponseRepository responses_;
  postgres::PgWebhookRepository webhooks_;
};

}  // namespace

std::unique_ptr<Storage> make_postgres_storage(const config::Config& config,
                                               asio::any_io_executor executor) {
  return std::make_unique<PostgresStorage>(pg_settings(config), std::move(executor));
}

}  // namespace agentd
