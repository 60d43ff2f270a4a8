// What a PostgreSQL call can fail with. Statement errors carry the server's SQLSTATE, so a
// repository can tell a unique violation from a bug; losing the server (a dropped
// connection, a timeout, a server shutting down) is told apart so callers answer 503.
#pragma once

#include <stdexcept>
#include <string>

namespace agentd::postgres {

class PgError : public std::runtime_error {
 public:
  enum class Kind {
    statement,    // the server refused one statement; the connection is still usable
    unavailable,  // the connection is gone (or could not be made)
    timed_out,    // the server did not answer in time; the connection is dropped
  };

  PgError(Kind kind, std::string sqlstate, const std::string& message)
      : std::runtime_error(message), kind_(kind), sqlstate_(std::move(sqlstate)) {}

  static PgError unavailable(const std::string& message) {
    return {Kind::unavailable, {}, message};
  }
  static PgError timed_out(const std::string& message) { return {Kind::timed_out, {}, message}; }

  Kind kind() const { return kind_; }
  const std::string& sqlstate() const { return sqlstate_; }
  // The server's state, not the statement's: the caller answers 503.
  bool is_unavailable() const { return kind_ != Kind::statement; }
  bool is_timeout() const { return kind_ == Kind::timed_out; }
  bool is_unique_violation() const { return sqlstate_ == "23505"; }

 private:
  Kind kind_;
  std::string sqlstate_;
};

}  // namespace agentd::postgres
