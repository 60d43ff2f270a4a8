// RefreshSession: a refresh token is good for exactly one rotation; presenting it again within
// the reuse window gets the same successor, and any later use ends the session it belongs to.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

const auto kReuseWindow = test_auth_settings().refresh_reuse_window;

void expect_invalid_refresh_token(const Result<TokenPair>& refreshed) {
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(refreshed.error().code, "invalid_refresh_token");
}

TEST(RefreshSession, RotatesRefreshToken) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());

  auto refreshed = run_sync(env.refresh(login.refresh_token));

  ASSERT_TRUE(refreshed);
  EXPECT_NE(refreshed->refresh_token, login.refresh_token);
  EXPECT_TRUE(env.session_store.has_token(env.secrets.digest(refreshed->refresh_token)));
  EXPECT_TRUE(run_sync(env.refresh(refreshed->refresh_token)));
}

// The token is spent by then: a 401 would end the session for good, while an outage answer
// lets the client try the same token again and, within the reuse window, get its successor.
TEST(RefreshSession, AnOutageAfterTheRotationIsUnavailableAndTheRetryGetsTheSuccessor) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  env.user_store.unavailable = true;

  auto failed = run_sync(env.refresh(login.refresh_token));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorCode::unavailable);

  env.user_store.unavailable = false;
  auto retried = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_TRUE(run_sync(env.authenticate(retried->access_token)));
}

TEST(RefreshSession, ADisabledUsersRefreshTokenIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);
  ASSERT_TRUE(run_sync(env.user_store.set_disabled(user.id, env.clock.now())));

  auto refreshed = run_sync(env.refresh(login.refresh_token));

  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(refreshed.error().code, "user_disabled");
}

TEST(RefreshSession, KeepsTheSessionAndTheUser) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);

  auto refreshed = run_sync(env.refresh(login.refresh_token));

  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->user.id, user.id);
  EXPECT_EQ(env.claims_of(*refreshed).session_id, env.claims_of(login).session_id);
  EXPECT_EQ(refreshed->expires_in, 7 * 60);
}

TEST(RefreshSession, NewAccessTokenAuthenticates) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);

  auto refreshed = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(refreshed);
  auto principal = run_sync(env.authenticate(refreshed->access_token));

  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, user.id);
}

TEST(RefreshSession, ExtendsTheSessionFromNow) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  const std::string session_id = env.claims_of(login).session_id;
  env.clock.advance(48h);

  ASSERT_TRUE(run_sync(env.refresh(login.refresh_token)));

  auto session = run_sync(env.session_store.find(session_id));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->expires_at, env.clock.now() + test_auth_settings().refresh_ttl);
}

TEST(RefreshSession, UsedTokenIsRejectedAfterTheReuseWindow) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  ASSERT_TRUE(run_sync(env.refresh(login.refresh_token)));
  env.clock.advance(kReuseWindow);

  expect_invalid_refresh_token(run_sync(env.refresh(login.refresh_token)));
}

TEST(RefreshSession, ReusedTokenRevokesWholeSession) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  auto refreshed = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(refreshed);
  env.clock.advance(kReuseWindow);

  expect_invalid_refresh_token(run_sync(env.refresh(login.refresh_token)));

  expect_invalid_refresh_token(run_sync(env.refresh(refreshed->refresh_token)));
  auto principal = run_sync(env.authenticate(refreshed->access_token));
  ASSERT_FALSE(principal);
  EXPECT_EQ(principal.error().code, "session_revoked");
  auto session = run_sync(env.session_store.find(env.claims_of(login).session_id));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->revoked_at, env.clock.now());
}

TEST(RefreshSession, ReuseLeavesOtherSessionsOfTheUserAlone) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair stolen = env.given_login(user);
  const TokenPair other = env.given_login(user);
  ASSERT_TRUE(run_sync(env.refresh(stolen.refresh_token)));
  env.clock.advance(kReuseWindow);

  expect_invalid_refresh_token(run_sync(env.refresh(stolen.refresh_token)));

  EXPECT_TRUE(run_sync(env.authenticate(other.access_token)));
  EXPECT_TRUE(run_sync(env.refresh(other.refresh_token)));
}

TEST(RefreshSession, TokenPresentedAgainWithinTheWindowGetsTheSameSuccessor) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);
  auto first = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(first);
  env.clock.advance(kReuseWindow - std::chrono::seconds(1));

  auto second = run_sync(env.refresh(login.refresh_token));

  ASSERT_TRUE(second);
  EXPECT_EQ(second->refresh_token, first->refresh_token);
  EXPECT_EQ(second->user.id, user.id);
  EXPECT_EQ(env.claims_of(*second).session_id, env.claims_of(login).session_id);
  EXPECT_TRUE(run_sync(env.authenticate(first->access_token)));
  EXPECT_TRUE(run_sync(env.authenticate(second->access_token)));
}

TEST(RefreshSession, ReplayChangesNothingStored) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  const std::string session_id = env.claims_of(login).session_id;
  auto first = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(first);
  const Session before = must(run_sync(env.session_store.find(session_id)));
  env.clock.advance(std::chrono::seconds(1));

  ASSERT_TRUE(run_sync(env.refresh(login.refresh_token)));

  const Session after = must(run_sync(env.session_store.find(session_id)));
  EXPECT_EQ(after.expires_at, before.expires_at);
  EXPECT_FALSE(after.revoked_at);
  // The successor both callers hold is still the one current token of the session.
  auto next = run_sync(env.refresh(first->refresh_token));
  ASSERT_TRUE(next);
  EXPECT_NE(next->refresh_token, first->refresh_token);
}

TEST(RefreshSession, StoresTheSuccessorSealedUnderTheOldToken) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  auto first = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(first);

  const auto stored =
      env.session_store.successor_sealed_of(env.secrets.digest(login.refresh_token));
  EXPECT_EQ(env.sealer.open(stored, login.refresh_token), first->refresh_token);
  EXPECT_FALSE(env.sealer.open(stored, first->refresh_token));
}

TEST(RefreshSession, ZeroWindowRevokesOnTheFirstReuse) {
  AuthSettings settings = test_auth_settings();
  settings.refresh_reuse_window = std::chrono::seconds(0);
  IdentityEnv env(settings);
  const TokenPair login = env.given_login(env.given_user());
  auto first = run_sync(env.refresh(login.refresh_token));
  ASSERT_TRUE(first);

  expect_invalid_refresh_token(run_sync(env.refresh(login.refresh_token)));
  expect_invalid_refresh_token(run_sync(env.refresh(first->refresh_token)));
}

// A request racing the one that rotated may have read the clock a moment earlier.
TEST(RefreshSession, ZeroWindowRevokesEvenARaceThatReadTheClockFirst) {
  AuthSettings settings = test_auth_settings();
  settings.refresh_reuse_window = std::chrono::seconds(0);
  IdentityEnv env(settings);
  const TokenPair login = env.given_login(env.given_user());
  const auto earlier = env.clock.now();
  env.clock.advance(std::chrono::milliseconds(5));
  ASSERT_TRUE(run_sync(env.refresh(login.refresh_token)));
  env.clock.set(earlier);

  expect_invalid_refresh_token(run_sync(env.refresh(login.refresh_token)));
}

TEST(RefreshSession, UnknownTokenIsRejected) {
  IdentityEnv env;
  env.given_login(env.given_user());

  expect_invalid_refresh_token(run_sync(env.refresh("never-issued")));
}

TEST(RefreshSession, EmptyTokenIsRejected) {
  IdentityEnv env;

  expect_invalid_refresh_token(run_sync(env.refresh("")));
}

TEST(RefreshSession, ExpiredSessionCannotBeRefreshed) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());
  env.clock.advance(test_auth_settings().refresh_ttl);

  expect_invalid_refresh_token(run_sync(env.refresh(login.refresh_token)));
}

TEST(RefreshSession, AccessTokenIsNotARefreshToken) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());

  expect_invalid_refresh_token(run_sync(env.refresh(login.access_token)));
}

}  // namespace
}  // namespace agentd
