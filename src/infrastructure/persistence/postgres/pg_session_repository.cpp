#include "infrastructure/persistence/postgres/pg_session_repository.h"

#include <optional>

#include "infrastructure/persistence/postgres/pg_ids.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kSessionInsert =
    "INSERT INTO sessions(id, user_id, created_at, expires_at, revoked_at) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kSessionInsertToken =
    "INSERT INTO refresh_tokens(hash, session_id, created_at) VALUES ($1, $2, $3)";
constexpr std::string_view kSessionFindById =
    "SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = $1";
constexpr std::string_view kSessionFindByToken =
    "SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at "
    "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = $1";
// SQLite runs write transactions one at a time; locking the session row puts its rotations
// and revocations in the same order here. A rotation that waited for the lock reads the row
// as the one before it committed it: after a concurrent reuse, the session is revoked and the
// answer is unknown.
constexpr std::string_view kSessionLockByToken =
    "SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at "
    "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = $1 "
    "FOR UPDATE OF s";
constexpr std::string_view kSessionUseToken =
    "UPDATE refresh_tokens SET used_at = $1, successor_sealed = $2 "
    "WHERE hash = $3 AND used_at IS NULL";
constexpr std::string_view kSessionFindReplayable =
    "SELECT successor_sealed FROM refresh_tokens "
    "WHERE hash = $1 AND used_at > $2 AND successor_sealed IS NOT NULL";
constexpr std::string_view kSessionExtend = "UPDATE sessions SET expires_at = $1 WHERE id = $2";
// COALESCE keeps the first revocation time, and the row still counts as changed, so a
// changed-row count of zero means only "no such session".
constexpr std::string_view kSessionRevoke =
    "UPDATE sessions SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2";

Session read_session_row(const PgRows& rows, int row) {
  Session session;
  session.id = rows.text(row, 0);
  session.user_id = rows.text(row, 1);
  session.created_at = rows.time(row, 2);
  session.expires_at = rows.time(row, 3);
  session.revoked_at = rows.optional_time(row, 4);
  return session;
}

Error session_not_found() { return Error::not_found("session not found", "session_not_found"); }

RefreshRotation session_rotation(RefreshOutcome outcome, Session session,
                                 std::string successor_sealed) {
  RefreshRotation rotation;
  rotation.outcome = outcome;
  rotation.session = std::move(session);
  rotation.successor_sealed = std::move(successor_sealed);
  return rotation;
}

// Returns the number of sessions changed: 0 or 1.
asio::awaitable<int> revoke_stored_session(PgConnection& db, const std::string& session_id,
                                           Timestamp now) {
  const auto revoked = co_await db.execute(kSessionRevoke, PgParams(now, session_id));
  co_return revoked.affected();
}

// The successor a used token may still be answered with, if its use is recent enough.
asio::awaitable<std::optional<std::string>> replayable_session_successor(
    PgConnection& db, const RefreshRotationRequest& request) {
  if (!request.reuse_window_start) co_return std::nullopt;
  const auto rows = co_await db.execute(kSessionFindReplayable,
                                        PgParams(request.old_hash, *request.reuse_window_start));
  if (rows.empty()) co_return std::nullopt;
  co_return rows.text(0, 0);
}

asio::awaitable<RefreshRotation> rotate_session_token(PgConnection& db,
                                                      const RefreshRotationRequest& request) {
  const Timestamp now = request.now;
  const auto found = co_await db.execute(kSessionLockByToken, PgParams(request.old_hash));
  if (found.empty()) co_return session_rotation(RefreshOutcome::unknown, {}, {});
  Session session = read_session_row(found, 0);
  if (!session.is_active(now)) co_return session_rotation(RefreshOutcome::unknown, {}, {});

  // The conditional UPDATE, not the SELECT above, decides whether the token was still
  // current: it sees a rotation committed while this one waited for the lock.
  // Empty means "no successor to hand out again", stored as NULL like rows from before.
  std::optional<std::string> successor_sealed;
  if (!request.successor_sealed.empty()) successor_sealed = request.successor_sealed;
  const auto used =
      co_await db.execute(kSessionUseToken, PgParams(now, successor_sealed, request.old_hash));
  if (used.affected() == 0) {
    auto successor = co_await replayable_session_successor(db, request);
    if (successor) {
      co_return session_rotation(RefreshOutcome::replayed, std::move(session),
                                 std::move(*successor));
    }
    // A token presented twice has leaked: end the session for its holder and the thief alike.
    co_await revoke_stored_session(db, session.id, now);
    session.revoked_at = now;
    co_return session_rotation(RefreshOutcome::reused, std::move(session), {});
  }

  co_await db.execute(kSessionInsertToken, PgParams(request.new_hash, session.id, now));
  co_await db.execute(kSessionExtend, PgParams(request.new_expiry, session.id));
  session.expires_at = request.new_expiry;
  co_return session_rotation(RefreshOutcome::rotated, std::move(session), {});
}

}  // namespace

asio::awaitable<Status> PgSessionRepository::create(Session session, std::string refresh_hash) {
  co_return co_await pool_.transaction(
      "create_session", [&](PgConnection& db) -> asio::awaitable<Status> {
        co_await db.execute(kSessionInsert,
                            PgParams(session.id, session.user_id, session.created_at,
                                     session.expires_at, session.revoked_at));
        co_await db.execute(kSessionInsertToken,
                            PgParams(refresh_hash, session.id, session.created_at));
        co_return ok_status();
      });
}

asio::awaitable<Result<Session>> PgSessionRepository::find(std::string session_id) {
  if (!is_uuid(session_id)) co_return session_not_found();
  Error not_found = session_not_found();
  co_return co_await find_session(kSessionFindById, std::move(session_id), std::move(not_found));
}

asio::awaitable<Result<RefreshRotation>> PgSessionRepository::rotate_refresh_token(
    RefreshRotationRequest request) {
  co_return co_await pool_.transaction(
      "rotate_refresh_token", [&](PgConnection& db) -> asio::awaitable<Result<RefreshRotation>> {
        co_return co_await rotate_session_token(db, request);
      });
}

asio::awaitable<Result<Session>> PgSessionRepository::find_by_refresh_token(std::string hash) {
  // A hash is text, not an id: any value may be asked for.
  Error not_found = Error::not_found("refresh token not found", "refresh_token_not_found");
  co_return co_await find_session(kSessionFindByToken, std::move(hash), std::move(not_found));
}

asio::awaitable<Status> PgSessionRepository::revoke(std::string session_id, Timestamp now) {
  if (!is_uuid(session_id)) co_return session_not_found();
  co_return co_await pool_.transaction(
      "revoke_session", [&](PgConnection& db) -> asio::awaitable<Status> {
        if (co_await revoke_stored_session(db, session_id, now) == 0) {
          co_return session_not_found();
        }
        co_return ok_status();
      });
}

asio::awaitable<Result<Session>> PgSessionRepository::find_session(std::string_view sql,
                                                                   std::string key,
                                                                   Error not_found) {
  co_return co_await pool_.read("find_session",
                                [&](PgConnection& db) -> asio::awaitable<Result<Session>> {
                                  const auto rows = co_await db.execute(sql, PgParams(key));
                                  if (rows.empty()) co_return std::move(not_found);
                                  co_return read_session_row(rows, 0);
                                });
}

}  // namespace agentd::postgres
