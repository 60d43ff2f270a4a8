// Graph checkpoints in SQLite: one row per run, replaced by each save and deleted with the run.
#pragma once

#include <optional>
#include <string>

#include "application/ports/checkpoint_store.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteCheckpointStore final : public CheckpointStore {
 public:
  SqliteCheckpointStore(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> save(Checkpoint checkpoint) override;
  boost::asio::awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
