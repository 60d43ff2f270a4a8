// Login: email and password become a new session's tokens, and a failure reveals nothing.
#include <gtest/gtest.h>

#include "application/identity_env.h"
#include "domain/identity/password_policy.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

TEST(Login, StartsASessionForTheUser) {
  IdentityEnv env;
  const User user = env.given_user();

  auto pair = run_sync(env.login("ada@example.com", std::string(kPassword)));

  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->user.id, user.id);
  const AccessClaims claims = env.claims_of(*pair);
  EXPECT_EQ(claims.user_id, user.id);
  auto session = run_sync(env.session_store.find(claims.session_id));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id, user.id);
  EXPECT_EQ(session->created_at, env.clock.now());
  EXPECT_EQ(session->expires_at, env.clock.now() + test_auth_settings().refresh_ttl);
  EXPECT_FALSE(session->revoked_at);
}

TEST(Login, StoresOnlyTheRefreshTokenDigest) {
  IdentityEnv env;
  env.given_user();

  auto pair = run_sync(env.login("ada@example.com", std::string(kPassword)));

  ASSERT_TRUE(pair);
  EXPECT_TRUE(env.session_store.has_token(env.secrets.digest(pair->refresh_token)));
  EXPECT_FALSE(env.session_store.has_token(pair->refresh_token));
}

TEST(Login, MatchesEmailWhateverItsCase) {
  IdentityEnv env;
  const User user = env.given_user("ada@example.com");

  auto pair = run_sync(env.login(" ADA@Example.com", std::string(kPassword)));

  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->user.id, user.id);
}

TEST(Login, UnknownEmailAndWrongPasswordGiveSameError) {
  IdentityEnv env;
  env.given_user("ada@example.com");

  auto unknown = run_sync(env.login("bob@example.com", std::string(kPassword)));
  EXPECT_EQ(env.hasher.verify_calls(), 1);
  auto wrong = run_sync(env.login("ada@example.com", "not the password"));
  EXPECT_EQ(env.hasher.verify_calls(), 2);

  ASSERT_FALSE(unknown);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(unknown.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(unknown.error().code, "invalid_credentials");
  EXPECT_EQ(wrong.error().kind, unknown.error().kind);
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(wrong.error().param, unknown.error().param);
}

TEST(Login, ADisabledUserGetsWhatAWrongPasswordGetsAfterAVerification) {
  IdentityEnv env;
  const User user = env.given_user("ada@example.com");
  ASSERT_TRUE(run_sync(env.user_store.set_disabled(user.id, env.clock.now())));

  auto right = run_sync(env.login("ada@example.com", std::string(kPassword)));
  auto wrong = run_sync(env.login("ada@example.com", "not the password"));

  ASSERT_FALSE(right);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(env.hasher.verify_calls(), 2);
  EXPECT_EQ(right.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(right.error().code, "invalid_credentials");
  EXPECT_EQ(right.error().message, wrong.error().message);
}

TEST(Login, MalformedEmailIsInvalidCredentialsAfterAVerification) {
  IdentityEnv env;

  auto pair = run_sync(env.login("not an email", std::string(kPassword)));

  ASSERT_FALSE(pair);
  EXPECT_EQ(pair.error().code, "invalid_credentials");
  EXPECT_EQ(env.hasher.verify_calls(), 1);
}

TEST(Login, OverlongPasswordIsRejectedWithoutHashing) {
  IdentityEnv env;
  env.given_user();

  auto pair = run_sync(env.login("ada@example.com", std::string(kMaxPasswordBytes + 1, 'x')));

  ASSERT_FALSE(pair);
  EXPECT_EQ(pair.error().code, "invalid_credentials");
  EXPECT_EQ(env.hasher.verify_calls(), 0);
}

TEST(Login, FailedLoginStartsNoSession) {
  IdentityEnv env;
  env.given_user();

  ASSERT_FALSE(run_sync(env.login("ada@example.com", "not the password")));

  EXPECT_EQ(env.session_store.size(), 0u);
}

TEST(Login, IssuesAccessTokenWithConfiguredTtl) {
  IdentityEnv env;
  env.given_user();

  auto pair = run_sync(env.login("ada@example.com", std::string(kPassword)));

  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->expires_in, 7 * 60);
  const AccessClaims claims = env.claims_of(*pair);
  EXPECT_EQ(claims.issued_at, env.clock.now());
  EXPECT_EQ(claims.expires_at - claims.issued_at, 7min);
}

TEST(Login, EachLoginStartsAnotherSession) {
  IdentityEnv env;
  const User user = env.given_user();

  const TokenPair first = env.given_login(user);
  const TokenPair second = env.given_login(user);

  EXPECT_NE(env.claims_of(first).session_id, env.claims_of(second).session_id);
  EXPECT_NE(first.refresh_token, second.refresh_token);
}

}  // namespace
}  // namespace agentd
