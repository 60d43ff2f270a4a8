// How conversations, their messages and their runs map to SQLite rows: the statements that
// store each one and the readers of the rows the matching selects return.
#pragma once

#include <string>
#include <string_view>

#include "domain/conversation/conversation.h"
#include "domain/conversation/message.h"
#include "domain/conversation/run.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// "SELECT <every column> FROM <table> <condition>", in the column order the readers expect.
std::string select_conversations(std::string_view condition);
std::string select_messages(std::string_view condition);
std::string select_runs(std::string_view condition);

// All three throw std::runtime_error when the row holds what no writer stores.
Conversation read_conversation(const Statement& row);
Message read_message(const Statement& row);
Run read_run(const Statement& row);

void insert_conversation(sqlite3* connection, const Conversation& conversation);
void insert_message(sqlite3* connection, const Message& message);
void insert_run(sqlite3* connection, const Run& run);

}  // namespace agentd::sqlite
