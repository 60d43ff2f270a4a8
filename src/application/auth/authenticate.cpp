#include "application/auth/authenticate.h"

namespace agentd {
namespace {

Error unauthenticated(std::string message, std::string code) {
  return {ErrorCode::unauthenticated, std::move(message), {}, std::move(code)};
}

// A missing key, session or user refuses the credential; any other failure (the database
// down) is passed on, so a client is not told to throw a valid credential away.
Error refusal(const Error& failure, const Error& refused) {
  return failure.kind == ErrorCode::not_found ? refused : failure;
}

}  // namespace

Error user_disabled() { return unauthenticated("the user is disabled", "user_disabled"); }

boost::asio::awaitable<Result<Principal>> Authenticate::operator()(std::string_view bearer) {
  if (bearer.empty()) {
    co_return unauthenticated("missing bearer credential", "missing_credentials");
  }
  if (bearer.starts_with(kApiKeyPrefix)) co_return co_await by_api_key(bearer);
  co_return co_await by_access_token(bearer);
}

boost::asio::awaitable<Result<Principal>> Authenticate::by_api_key(std::string_view secret) {
  const auto invalid = unauthenticated("invalid, revoked or expired API key", "invalid_api_key");
  auto key = co_await keys_.find_by_hash(secrets_.digest(secret));
  if (!key) co_return refusal(key.error(), invalid);
  const auto now = clock_.now();
  if (!key->is_usable(now)) co_return invalid;
  auto user = co_await users_.find_by_id(key->user_id);
  if (!user) co_return refusal(user.error(), invalid);
  if (user->is_disabled()) co_return user_disabled();
  if (!key->last_used_at || now - *key->last_used_at >= kLastUsedResolution) {
    // Bookkeeping only: a failure here must not fail the caller's request.
    (void)co_await keys_.record_use(key->id, now);
  }
  co_return Principal::for_api_key(*user, *key);
}

boost::asio::awaitable<Result<Principal>> Authenticate::by_access_token(std::string_view token) {
  const auto now = clock_.now();
  auto claims = signer_.verify(token, now);
  if (!claims) co_return claims.error();
  const auto invalid = unauthenticated("session has ended", "session_revoked");
  // The session row is checked on every request so logout takes effect at once.
  auto session = co_await sessions_.find(claims->session_id);
  if (!session) co_return refusal(session.error(), invalid);
  if (!session->is_active(now) || session->user_id != claims->user_id) co_return invalid;
  auto user = co_await users_.find_by_id(claims->user_id);
  if (!user) co_return refusal(user.error(), invalid);
  if (user->is_disabled()) co_return user_disabled();
  co_return Principal::for_session(*user, session->id);
}

}  // namespace agentd
