// How conversations, their messages, runs, approvals and checkpoints map to PostgreSQL rows:
// the statements that store each one and the readers of the rows the matching selects return.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "application/ports/checkpoint_store.h"
#include "domain/conversation/approval.h"
#include "domain/conversation/conversation.h"
#include "domain/conversation/message.h"
#include "domain/conversation/run.h"
#include "infrastructure/persistence/conversation_selects.h"
#include "infrastructure/persistence/postgres/pg_connection.h"

namespace agentd::postgres {

// The rows the readers below read come from these.
using persistence::select_approvals;
using persistence::select_conversations;
using persistence::select_messages;
using persistence::select_runs;

// A status column through its parser; a name no writer stores throws std::runtime_error.
template <typename Parse>
auto parsed_status_column(const PgRows& rows, int row, int column, Parse parse,
                          std::string_view what) {
  const auto text = rows.view(row, column);
  const auto status = parse(text);
  if (!status) {
    throw std::runtime_error("stored " + std::string(what) +
                             " status is unknown: " + std::string(text));
  }
  return *status;
}

// All four throw std::runtime_error when the row holds what no writer stores.
Conversation read_conversation(const PgRows& rows, int row);
Message read_message(const PgRows& rows, int row);
Run read_run(const PgRows& rows, int row);
// Usage takes three consecutive columns, from `first` on.
Usage usage_columns(const PgRows& rows, int row, int first);
Approval read_approval(const PgRows& rows, int row);

boost::asio::awaitable<void> insert_conversation(PgConnection& db,
                                                 const Conversation& conversation);
// Stores `message` after the conversation's last one (its own position is ignored); the
// position it took, or nullopt when the conversation is gone. One statement.
boost::asio::awaitable<std::optional<std::int64_t>> append_message_row(PgConnection& db,
                                                                       const Message& message);
// Claims the run's conversation (only an idle one of the run's user) and stores the run;
// false when nothing was claimed. One statement.
boost::asio::awaitable<bool> claim_and_insert_run(PgConnection& db, const Run& run);
// Stores it undecided (pending, whatever its fields say) as its run's `position`th approval.
// The statement that stores a pending approval at `position` among its run's.
PgStatement pending_approval_insert(const Approval& approval, std::int64_t position);
// Replaces the run's checkpoint (a run has at most one).
// The statement that stores a run's checkpoint, replacing the one before.
PgStatement checkpoint_save(const Checkpoint& checkpoint);
boost::asio::awaitable<void> save_checkpoint(PgConnection& db, const Checkpoint& checkpoint);

}  // namespace agentd::postgres
