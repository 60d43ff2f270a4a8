#include "application/auth/refresh_session.h"

namespace agentd {

Error invalid_refresh_token() {
  return {ErrorCode::unauthenticated, "refresh token is invalid, used or expired",
          "refresh_token", "invalid_refresh_token"};
}

boost::asio::awaitable<Result<TokenPair>> RefreshSession::operator()(std::string refresh_token) {
  if (refresh_token.empty()) co_return invalid_refresh_token();
  const auto now = clock_.now();
  auto next_token = tokens_.new_refresh_token();
  auto rotation = co_await sessions_.rotate_refresh_token(
      tokens_.digest(refresh_token), tokens_.digest(next_token), now,
      now + tokens_.settings().refresh_ttl);
  if (!rotation) co_return rotation.error();
  if (rotation->outcome != RefreshOutcome::rotated) co_return invalid_refresh_token();

  auto user = co_await users_.find_by_id(rotation->session.user_id);
  if (!user) co_return invalid_refresh_token();
  co_return tokens_.issue(*user, rotation->session.id, std::move(next_token), now);
}

}  // namespace agentd
