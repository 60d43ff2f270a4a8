// How conversations, their messages, runs, approvals and checkpoints map to SQLite rows: the
// statements that store each one and the readers of the rows the matching selects return.
#pragma once

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
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// The rows the readers below read come from these.
using persistence::select_approvals;
using persistence::select_conversations;
using persistence::select_messages;
using persistence::select_runs;

// A status column through its parser; a name no writer stores throws std::runtime_error.
template <typename Parse>
auto status_column(const Statement& row, int column, Parse parse, std::string_view what) {
  const auto text = row.text(column);
  const auto status = parse(text);
  if (!status) {
    throw std::runtime_error("stored " + std::string(what) + " status is unknown: " + text);
  }
  return *status;
}

// All four throw std::runtime_error when the row holds what no writer stores.
Conversation read_conversation(const Statement& row);
Message read_message(const Statement& row);
Run read_run(const Statement& row);
// Usage takes three consecutive columns, from `first` on.
Statement& bind_usage(Statement& statement, int first, const Usage& usage);
Usage usage_columns(const Statement& row, int first);
Approval read_approval(const Statement& row);

void insert_conversation(sqlite3* connection, const Conversation& conversation);
void insert_message(sqlite3* connection, const Message& message);
void insert_run(sqlite3* connection, const Run& run);
// Stores it undecided (pending, whatever its fields say) as its run's `position`th approval.
void insert_pending_approval(sqlite3* connection, const Approval& approval, std::int64_t position);
// Replaces the run's checkpoint (a run has at most one).
void save_checkpoint(sqlite3* connection, const Checkpoint& checkpoint);

}  // namespace agentd::sqlite
