// Logout: the session ends at once, for its refresh and its access tokens.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

TEST(Logout, RevokesTheSession) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  env.clock.advance(5min);

  ASSERT_TRUE(run_sync(env.logout(login.refresh_token)));

  auto session = run_sync(env.session_store.find(env.claims_of(login).session_id));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->revoked_at, env.clock.now());
}

TEST(Logout, RevokedSessionAccessTokenStopsWorking) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  ASSERT_TRUE(run_sync(env.authenticate(login.access_token)));

  ASSERT_TRUE(run_sync(env.logout(login.refresh_token)));

  auto principal = run_sync(env.authenticate(login.access_token));
  ASSERT_FALSE(principal);
  EXPECT_EQ(principal.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(principal.error().code, "session_revoked");
}

TEST(Logout, RefreshTokenStopsWorking) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());

  ASSERT_TRUE(run_sync(env.logout(login.refresh_token)));

  auto refreshed = run_sync(env.refresh(login.refresh_token));
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, "invalid_refresh_token");
}

TEST(Logout, UsedRefreshTokenStillEndsItsSession) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  auto refreshed = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(refreshed);

  ASSERT_TRUE(run_sync(env.logout(login.refresh_token)));

  EXPECT_FALSE(run_sync(env.authenticate(refreshed->access_token)));
}

TEST(Logout, LeavesOtherSessionsAlone) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair phone = env.given_login(user);
  const TokenPair laptop = env.given_login(user);

  ASSERT_TRUE(run_sync(env.logout(phone.refresh_token)));

  EXPECT_TRUE(run_sync(env.authenticate(laptop.access_token)));
}

TEST(Logout, UnknownRefreshTokenIsRejected) {
  IdentityEnv env;

  auto status = run_sync(env.logout("never-issued"));

  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(status.error().code, "invalid_refresh_token");
}

TEST(Logout, EmptyRefreshTokenIsRejected) {
  IdentityEnv env;

  auto status = run_sync(env.logout(""));

  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "invalid_refresh_token");
}

}  // namespace
}  // namespace agentd
