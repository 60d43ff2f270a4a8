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
    unavailable,  // the connection is gone or the server did not answer in time
  };

  PgError(Kind kind, std::string sqlstate, const std::string& message)
      : std::runtime_error(message), kind_(kind), sqlstate_(std::move(sqlstate)) {}

  static PgError unavailable(const std::string& message) {
    return {Kind::unavailable, {}, message};
  }

  Kind kind() const { return kind_; }
  const std::string& sqlstate() const { return sqlstate_; }
  bool is_unavailable() const { return kind_ == Kind::unavailable; }
  bool is_unique_violation() const { return sqlstate_ == "23505"; }

 private:
  Kind kind_;
  std::string sqlstate_;
};

}  // namespace agentd::postgres
