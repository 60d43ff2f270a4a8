// Times in SQLite statements, stored as text through the shared time codec.
#pragma once

#include <chrono>
#include <optional>

#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

using TimePoint = std::chrono::system_clock::time_point;

Statement& bind_time(Statement& statement, int index, TimePoint time);
Statement& bind_time(Statement& statement, int index, const std::optional<TimePoint>& time);

// Both throw std::runtime_error when the column holds text that is not a time: stored data
// is corrupt, which no caller can handle.
TimePoint time_column(const Statement& statement, int column);
std::optional<TimePoint> optional_time_column(const Statement& statement, int column);

}  // namespace agentd::sqlite
