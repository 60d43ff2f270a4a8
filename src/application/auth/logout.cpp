#include "application/auth/logout.h"

#include "application/auth/refresh_session.h"

namespace agentd {

boost::asio::awaitable<Status> Logout::operator()(std::string refresh_token) {
  if (refresh_token.empty()) co_return invalid_refresh_token();
  auto session = co_await sessions_.find_by_refresh_token(tokens_.digest(refresh_token));
  if (!session) {
    if (session.error().kind == ErrorCode::not_found) co_return invalid_refresh_token();
    co_return session.error();
  }
  co_return co_await sessions_.revoke(session->id, clock_.now());
}

}  // namespace agentd
