// Graph checkpoints in SQLite: one row per run, replaced by each save and deleted with the run.
#pragma once

#include <optional>
#include <string>

#include "application/ports/checkpoint_store.h"

namespace agentd {
class BlockingPool;
}

namespace agentd::sqlite {

class Database;

class SqliteCheckpointStore final : public CheckpointStore {
 public:
  SqliteCheckpointStore(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  boost::asio::awaitable<Status> save(Checkpoint checkpoint) override;
  boost::asio::awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) override;

 private:
  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
