#include "infrastructure/persistence/sqlite/sqlite_checkpoint_store.h"

#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kLoad =
    "SELECT run_id, next_node, steps, state, saved_at FROM checkpoints WHERE run_id = ?";

Checkpoint read_checkpoint(const Statement& row) {
  Checkpoint checkpoint;
  checkpoint.run_id = row.text(0);
  checkpoint.next_node = row.text(1);
  checkpoint.steps = static_cast<int>(row.integer(2));
  checkpoint.state = row.text(3);
  checkpoint.saved_at = time_column(row, 4);
  return checkpoint;
}

}  // namespace

boost::asio::awaitable<Status> SqliteCheckpointStore::save(Checkpoint checkpoint) {
  // A run that does not exist breaks the foreign key: a caller's bug, reported as internal.
  co_return co_await database_.transaction("save_checkpoint", [&](sqlite3* connection) -> Status {
    save_checkpoint(connection, checkpoint);
    return ok_status();
  });
}

boost::asio::awaitable<Result<std::optional<Checkpoint>>> SqliteCheckpointStore::load(
    std::string run_id) {
  co_return co_await database_.read("load_checkpoint",
                                    [&](sqlite3* connection) -> Result<std::optional<Checkpoint>> {
                                      return find_one(connection, kLoad, run_id, read_checkpoint);
                                    });
}

}  // namespace agentd::sqlite
