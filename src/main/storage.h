// The repositories of the one database agentd runs on, whichever it is: the embedded SQLite
// file (the zero-setup default) or PostgreSQL (what replicas share). Chosen once, at start,
// from AGENTD_DATABASE_URL.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "application/ports/api_key_repository.h"
#include "application/ports/budget_ledger.h"
#include "application/ports/checkpoint_store.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/response_repository.h"
#include "application/ports/run_repository.h"
#include "application/ports/session_repository.h"
#include "application/ports/tool_execution_repository.h"
#include "application/ports/usage_repository.h"
#include "application/ports/user_repository.h"
#include "application/ports/webhook_repository.h"
#include "infrastructure/config/config.h"

namespace agentd {

class Storage {
 public:
  virtual ~Storage() = default;

  virtual std::string_view name() const = 0;  // "sqlite" or "postgres", for the log

  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual ToolExecutionRepository& tool_executions() = 0;
  virtual ConversationRepository& conversations() = 0;
  virtual RunRepository& runs() = 0;
  virtual CheckpointStore& checkpoints() = 0;
  virtual ResponseRepository& responses() = 0;
  virtual WebhookRepository& webhooks() = 0;
  virtual UsageRepository& usage() = 0;
  // Budget counters in the database: what replicas share when there is no Redis.
  virtual BudgetLedger& budget_ledger() = 0;

  // Applies the migrations the database lacks; returns how many.
  virtual boost::asio::awaitable<Result<int>> migrate() = 0;
  // The newest migration the database has, and the newest this binary knows.
  virtual boost::asio::awaitable<Result<int>> schema_version() = 0;
  virtual int known_schema_version() const = 0;
};

// SQLite works on worker threads of its own; PostgreSQL's sockets are watched by
// `executor`'s io_context, which must run whenever the storage is used.
std::unique_ptr<Storage> make_sqlite_storage(const config::Config& config);
std::unique_ptr<Storage> make_postgres_storage(const config::Config& config,
                                               boost::asio::any_io_executor executor);

// The storage AGENTD_DATABASE_URL names.
std::unique_ptr<Storage> make_storage(const config::Config& config,
                                      boost::asio::any_io_executor executor);

// Whether the database's schema is the one this binary was built for: behind (run
// `agentd migrate`) and ahead (a newer agentd migrated it) are both errors, 503 in /ready.
boost::asio::awaitable<Status> check_schema(Storage& storage);

}  // namespace agentd
