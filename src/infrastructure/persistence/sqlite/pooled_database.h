// The one way a SQLite repository reaches its database: on a BlockingPool worker, with the
// connection held, and with a SQLite failure turned into a logged internal error (an HTTP 500
// in the OpenAI error shape), never an exception that escapes to the caller.
#pragma once

#include <string_view>

#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"
#include "infrastructure/persistence/sqlite/storage_failure.h"

namespace agentd::sqlite {

class PooledDatabase {
 public:
  PooledDatabase(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  // co_await database.transaction("pause_run", [&](sqlite3* connection) -> Status { … });
  // `work` returns a Result; an error result rolls back what it wrote, as an exception does.
  // `work` captures by reference (docs/coroutines.md, rule 2); `operation` names the call in
  // the log.
  template <typename Work>
  auto transaction(std::string_view operation, Work work) {
    return pool_.run([this, operation, work]() {
      return with_storage_failures_logged(operation, [&] { return db_.transaction(work); });
    });
  }

  // Like transaction, for work that only reads: no write lock is taken.
  template <typename Work>
  auto read(std::string_view operation, Work work) {
    return pool_.run([this, operation, work]() {
      return with_storage_failures_logged(operation, [&] { return db_.with(work); });
    });
  }

 private:
  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
