#include "application/auth/refresh_session.h"

#include "application/auth/authenticate.h"

namespace agentd {

Error invalid_refresh_token() {
  return {ErrorCode::unauthenticated, "refresh token is invalid, used or expired", "refresh_token",
          "invalid_refresh_token"};
}

boost::asio::awaitable<Result<TokenPair>> RefreshSession::operator()(std::string refresh_token) {
  if (refresh_token.empty()) co_return invalid_refresh_token();
  const auto now = clock_.now();
  const auto& settings = tokens_.settings();
  auto next_token = tokens_.new_refresh_token();
  // No window means no replay at all: comparing with `now` would not do, because a racing
  // request may have read the clock just before the one that rotated.
  std::optional<Timestamp> reuse_window_start;
  if (settings.refresh_reuse_window > std::chrono::seconds::zero()) {
    reuse_window_start = now - settings.refresh_reuse_window;
  }
  // The successor is stored sealed under the token it replaces: only a holder of the old
  // token can get it back, never a reader of the database.
  RefreshRotationRequest request{tokens_.digest(refresh_token),
                                 tokens_.digest(next_token),
                                 sealer_.seal(next_token, refresh_token),
                                 now,
                                 now + settings.refresh_ttl,
                                 reuse_window_start};
  auto rotation = co_await sessions_.rotate_refresh_token(std::move(request));
  if (!rotation) co_return rotation.error();
  switch (rotation->outcome) {
    case RefreshOutcome::rotated:
      break;
    case RefreshOutcome::replayed: {
      auto successor = sealer_.open(rotation->successor_sealed, refresh_token);
      if (!successor) co_return invalid_refresh_token();
      next_token = std::move(*successor);
      break;
    }
    case RefreshOutcome::reused:
    case RefreshOutcome::unknown:
      co_return invalid_refresh_token();
  }

  auto user = co_await users_.find_by_id(rotation->session.user_id);
  if (!user) {
    // Unavailable, the token is spent but the client may try it again within the reuse
    // window and get its successor, rather than be told to sign in again.
    if (user.error().kind != ErrorCode::not_found) co_return user.error();
    co_return invalid_refresh_token();
  }
  if (user->is_disabled()) co_return user_disabled();
  co_return tokens_.issue(*user, rotation->session.id, std::move(next_token), now);
}

}  // namespace agentd
