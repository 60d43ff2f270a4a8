#include "infrastructure/persistence/sqlite/sqlite_session_repository.h"

#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions(id, user_id, created_at, expires_at, revoked_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertToken =
    "INSERT INTO refresh_tokens(hash, session_id, created_at) VALUES (?, ?, ?)";
constexpr std::string_view kFindById =
    "SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = ?";
constexpr std::string_view kFindByToken =
    "SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at "
    "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = ?";
constexpr std::string_view kUseToken =
    "UPDATE refresh_tokens SET used_at = ?, successor_sealed = ? "
    "WHERE hash = ? AND used_at IS NULL";
// Times are stored as fixed-width UTC text, so text order is time order.
constexpr std::string_view kFindReplayable =
    "SELECT successor_sealed FROM refresh_tokens "
    "WHERE hash = ? AND used_at > ? AND successor_sealed IS NOT NULL";
constexpr std::string_view kExtend = "UPDATE sessions SET expires_at = ? WHERE id = ?";
// COALESCE keeps the first revocation time, and the row still counts as changed, so a
// changed-row count of zero means only "no such session".
constexpr std::string_view kRevoke =
    "UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?";

Session read_session(const Statement& row) {
  Session session;
  session.id = row.text(0);
  session.user_id = row.text(1);
  session.created_at = time_column(row, 2);
  session.expires_at = time_column(row, 3);
  session.revoked_at = optional_time_column(row, 4);
  return session;
}

void insert_token(sqlite3* connection, const std::string& hash, const std::string& session_id,
                  Timestamp created_at) {
  Statement insert(connection, kInsertToken);
  insert.bind(1, hash).bind(2, session_id);
  bind_time(insert, 3, created_at).step();
}

// Returns the number of sessions changed: 0 or 1.
int revoke_session(sqlite3* connection, const std::string& session_id, Timestamp now) {
  Statement revoke(connection, kRevoke);
  bind_time(revoke, 1, now).bind(2, session_id).step();
  return revoke.changed_rows();
}

// The successor a used token may still be answered with, if its use is recent enough.
std::optional<std::string> replayable_successor(sqlite3* connection,
                                                const RefreshRotationRequest& request) {
  if (!request.reuse_window_start) return std::nullopt;
  Statement find(connection, kFindReplayable);
  find.bind(1, request.old_hash);
  bind_time(find, 2, *request.reuse_window_start);
  if (!find.step()) return std::nullopt;
  return find.text(0);
}

RefreshRotation rotate(sqlite3* connection, const RefreshRotationRequest& request) {
  const Timestamp now = request.now;
  auto session = find_one(connection, kFindByToken, request.old_hash, read_session);
  if (!session || !session->is_active(now)) return {RefreshOutcome::unknown, {}, {}};

  // The conditional UPDATE, not the SELECT above, decides whether the token was still
  // current, so correctness does not depend on how the transaction is isolated.
  Statement use(connection, kUseToken);
  bind_time(use, 1, now);
  // Empty means "no successor to hand out again", stored as NULL like rows from before.
  use.bind(
      2, request.successor_sealed.empty() ? std::nullopt : std::optional(request.successor_sealed));
  use.bind(3, request.old_hash).step();
  if (use.changed_rows() == 0) {
    if (auto successor = replayable_successor(connection, request)) {
      return {RefreshOutcome::replayed, std::move(*session), std::move(*successor)};
    }
    // A token presented twice has leaked: end the session for its holder and the thief alike.
    revoke_session(connection, session->id, now);
    session->revoked_at = now;
    return {RefreshOutcome::reused, std::move(*session), {}};
  }

  insert_token(connection, request.new_hash, session->id, now);
  Statement extend(connection, kExtend);
  bind_time(extend, 1, request.new_expiry).bind(2, session->id).step();
  session->expires_at = request.new_expiry;
  return {RefreshOutcome::rotated, std::move(*session), {}};
}

}  // namespace

boost::asio::awaitable<Status> SqliteSessionRepository::create(Session session,
                                                               std::string refresh_hash) {
  co_return co_await database_.transaction("create_session", [&](sqlite3* connection) -> Status {
    Statement insert(connection, kInsertSession);
    insert.bind(1, session.id).bind(2, session.user_id);
    bind_time(insert, 3, session.created_at);
    bind_time(insert, 4, session.expires_at);
    bind_time(insert, 5, session.revoked_at).step();
    insert_token(connection, refresh_hash, session.id, session.created_at);
    return ok_status();
  });
}

boost::asio::awaitable<Result<Session>> SqliteSessionRepository::find(std::string session_id) {
  co_return co_await find_session(kFindById, std::move(session_id),
                                  Error::not_found("session not found", "session_not_found"));
}

boost::asio::awaitable<Result<RefreshRotation>> SqliteSessionRepository::rotate_refresh_token(
    RefreshRotationRequest request) {
  co_return co_await database_.transaction(
      "rotate_refresh_token",
      [&](sqlite3* connection) -> Result<RefreshRotation> { return rotate(connection, request); });
}

boost::asio::awaitable<Result<Session>> SqliteSessionRepository::find_by_refresh_token(
    std::string hash) {
  co_return co_await find_session(
      kFindByToken, std::move(hash),
      Error::not_found("refresh token not found", "refresh_token_not_found"));
}

boost::asio::awaitable<Status> SqliteSessionRepository::revoke(std::string session_id,
                                                               Timestamp now) {
  co_return co_await database_.transaction("revoke_session", [&](sqlite3* connection) -> Status {
    if (revoke_session(connection, session_id, now) == 0) {
      return Error::not_found("session not found", "session_not_found");
    }
    return ok_status();
  });
}

boost::asio::awaitable<Result<Session>> SqliteSessionRepository::find_session(std::string_view sql,
                                                                              std::string key,
                                                                              Error not_found) {
  co_return co_await database_.read("find_session", [&](sqlite3* connection) -> Result<Session> {
    auto session = find_one(connection, sql, key, read_session);
    if (!session) return std::move(not_found);
    return std::move(*session);
  });
}

}  // namespace agentd::sqlite
