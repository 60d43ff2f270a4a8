// Graph checkpoints in PostgreSQL: one row per run, replaced by each save and deleted with the
// run. The state is jsonb, so it loads as equal JSON, not necessarily as the same text.
#pragma once

#include <optional>
#include <string>

#include "application/ports/checkpoint_store.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgCheckpointStore final : public CheckpointStore {
 public:
  explicit PgCheckpointStore(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> save(Checkpoint checkpoint) override;
  boost::asio::awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
