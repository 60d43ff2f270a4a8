#include "infrastructure/persistence/postgres/pg_checkpoint_store.h"

#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kCheckpointLoad =
    "SELECT run_id, next_node, steps, state, saved_at FROM checkpoints WHERE run_id = $1";

Checkpoint read_checkpoint(const PgRows& rows, int row) {
  Checkpoint checkpoint;
  checkpoint.run_id = rows.text(row, 0);
  checkpoint.next_node = rows.text(row, 1);
  checkpoint.steps = static_cast<int>(rows.integer(row, 2));
  checkpoint.state = rows.text(row, 3);
  checkpoint.saved_at = rows.time(row, 4);
  return checkpoint;
}

}  // namespace

asio::awaitable<Status> PgCheckpointStore::save(Checkpoint checkpoint) {
  // A run that does not exist breaks the foreign key: a caller's bug, reported as internal.
  co_return co_await pool_.single("save_checkpoint",
                                  [&](PgConnection& db) -> asio::awaitable<Status> {
                                    co_await save_checkpoint(db, checkpoint);
                                    co_return ok_status();
                                  });
}

asio::awaitable<Result<std::optional<Checkpoint>>> PgCheckpointStore::load(std::string run_id) {
  // An id that is not a UUID names no run, which has no checkpoint.
  if (!is_uuid(run_id)) co_return std::optional<Checkpoint>();
  co_return co_await pool_.read(
      "load_checkpoint",
      [&](PgConnection& db) -> asio::awaitable<Result<std::optional<Checkpoint>>> {
        const auto rows = co_await db.execute(kCheckpointLoad, PgParams(run_id));
        if (rows.empty()) co_return std::optional<Checkpoint>();
        co_return std::optional<Checkpoint>(read_checkpoint(rows, 0));
      });
}

}  // namespace agentd::postgres
