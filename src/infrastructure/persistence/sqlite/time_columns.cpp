#include "infrastructure/persistence/sqlite/time_columns.h"

#include <stdexcept>
#include <string>

#include "infrastructure/text/rfc3339.h"

namespace agentd::sqlite {

Statement& bind_time(Statement& statement, int index, TimePoint time) {
  return statement.bind(index, format_rfc3339_micros(time));
}

Statement& bind_time(Statement& statement, int index, const std::optional<TimePoint>& time) {
  return time ? bind_time(statement, index, *time) : statement.bind(index, nullptr);
}

TimePoint time_column(const Statement& statement, int column) {
  const auto text = statement.text(column);
  const auto time = parse_rfc3339(text);
  if (!time) throw std::runtime_error("stored time is malformed: '" + text + "'");
  return *time;
}

std::optional<TimePoint> optional_time_column(const Statement& statement, int column) {
  if (statement.is_null(column)) return std::nullopt;
  return time_column(statement, column);
}

}  // namespace agentd::sqlite
