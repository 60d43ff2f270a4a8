// The rows one statement returned, in text form, and how many rows it changed. Readers
// throw std::runtime_error on a value that cannot be what the schema stores: corrupt data,
// which no caller can handle and the pool reports as a storage failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

namespace agentd::postgres {

class PgRows {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  PgRows() = default;
  explicit PgRows(pg_result* result);

  int size() const;
  bool empty() const { return size() == 0; }
  // Rows an INSERT, UPDATE or DELETE changed (for UPDATE: matched).
  int affected() const;

  bool is_null(int row, int column) const;
  std::string_view view(int row, int column) const;
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  bool boolean(int row, int column) const;
  TimePoint time(int row, int column) const;
  std::optional<TimePoint> optional_time(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::shared_ptr<pg_result> result_;
};

// timestamptz as a session in UTC prints it ("2026-03-14 09:26:53.589793+00").
std::optional<std::chrono::system_clock::time_point> parse_pg_time(std::string_view text);

}  // namespace agentd::postgres
