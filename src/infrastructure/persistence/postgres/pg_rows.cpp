#include "infrastructure/persistence/postgres/pg_rows.h"

#include <libpq-fe.h>

#include <charconv>
#include <stdexcept>

#include "infrastructure/text/rfc3339.h"

namespace agentd::postgres {

void PgRows::Clear::operator()(pg_result* result) const { PQclear(result); }

PgRows::PgRows(pg_result* result) : result_(result, Clear{}) {}

int PgRows::size() const { return result_ ? PQntuples(result_.get()) : 0; }

int PgRows::affected() const {
  if (!result_) return 0;
  const std::string_view count = PQcmdTuples(result_.get());
  int changed = 0;
  std::from_chars(count.data(), count.data() + count.size(), changed);
  return changed;
}

bool PgRows::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgRows::view(int row, int column) const {
  if (row >= size() || column >= PQnfields(result_.get())) {
    throw std::out_of_range("no such row or column in a statement's result");
  }
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string> PgRows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t PgRows::integer(int row, int column) const {
  const auto digits = view(row, column);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size()) {
    throw std::runtime_error("stored value is not an integer: " + std::string(digits));
  }
  return value;
}

std::optional<std::int64_t> PgRows::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

bool PgRows::boolean(int row, int column) const { return view(row, column) == "t"; }

PgRows::TimePoint PgRows::time(int row, int column) const {
  const auto text = view(row, column);
  const auto parsed = parse_pg_time(text);
  if (!parsed) throw std::runtime_error("stored value is not a time: " + std::string(text));
  return *parsed;
}

std::optional<PgRows::TimePoint> PgRows::optional_time(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return time(row, column);
}

std::optional<std::chrono::system_clock::time_point> parse_pg_time(std::string_view text) {
  // The session runs in UTC (the connection sets it), so the offset is always +00.
  constexpr std::string_view kUtc = "+00";
  if (!text.ends_with(kUtc)) return std::nullopt;
  std::string rfc3339(text.substr(0, text.size() - kUtc.size()));
  rfc3339 += 'Z';
  return parse_rfc3339(rfc3339);
}

}  // namespace agentd::postgres
