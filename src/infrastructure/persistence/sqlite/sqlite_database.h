// One SQLite connection in WAL mode, serialised by a mutex. Every call blocks: callers on
// I/O threads go through the BlockingPool.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "domain/common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace agentd::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // throws on a SQL syntax error (a bug)
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text);  // a std::string would be ambiguous
  Statement& bind(int index, std::int64_t number);
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<std::string>& text);

  // True while a row is available; false when done. Throws SqliteError on failure.
  bool step();
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  // Rows the last INSERT, UPDATE or DELETE stepped on this connection changed (for UPDATE:
  // matched); meaningful because the caller holds the connection while it runs.
  int changed_rows() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Thrown for failures that callers may inspect, e.g. a unique constraint.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }
  bool is_constraint_violation() const;

 private:
  int code_;
};

class Database {
 public:
  // Creates the file (and its folder) when missing; throws SqliteError when it cannot.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work(connection)` with the connection locked for the caller.
  template <typename F>
  auto with(F&& work) {
    std::lock_guard lock(mutex_);
    return work(db_);
  }

  // Runs `work` (which returns a Result) in BEGIN IMMEDIATE … COMMIT. An error result rolls
  // back, so a refusal found after the first write undoes it; an exception rolls back and is
  // rethrown.
  template <typename F>
  auto transaction(F&& work) {
    std::lock_guard lock(mutex_);
    exec_locked("BEGIN IMMEDIATE");
    try {
      auto result = work(db_);
      exec_locked(result.ok() ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (...) {
      exec_locked("ROLLBACK");
      throw;
    }
  }

  void exec(std::string_view sql);

 private:
  void exec_locked(std::string_view sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace agentd::sqlite
