// Authenticate: a bearer credential becomes a Principal, or is refused, on every request.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

void expect_unauthenticated(const Result<Principal>& principal, std::string_view code) {
  ASSERT_FALSE(principal);
  EXPECT_EQ(principal.error().kind, ErrorCode::unauthenticated);
  EXPECT_EQ(principal.error().code, code);
}

TEST(Authenticate, MissingCredentialIsRejected) {
  IdentityEnv env;

  expect_unauthenticated(run_sync(env.authenticate("")), "missing_credentials");
}

TEST(Authenticate, AccessTokenOfLiveSessionGivesSessionPrincipal) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);

  auto principal = run_sync(env.authenticate(login.access_token));

  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, user.id);
  EXPECT_EQ(principal->session_id, env.claims_of(login).session_id);
  EXPECT_FALSE(principal->is_api_key());
  EXPECT_FALSE(principal->allowed_tools);
}

TEST(Authenticate, UnsignedTokenIsRejected) {
  IdentityEnv env;

  expect_unauthenticated(run_sync(env.authenticate("eyJhbGciOiJub25lIn0.e30.")), "invalid_token");
}

TEST(Authenticate, RefreshTokenIsNotABearerCredential) {
  IdentityEnv env;
  const TokenPair login = env.given_login(env.given_user());

  expect_unauthenticated(run_sync(env.authenticate(login.refresh_token)), "invalid_token");
}

TEST(Authenticate, JwtWithSessionOfAnotherUserIsRejected) {
  IdentityEnv env;
  const TokenPair ada_login = env.given_login(env.given_user("ada@example.com"));
  const User mallory = env.given_user("mallory@example.com");
  const auto now = env.clock.now();
  const std::string forged =
      env.signer.sign({mallory.id, env.claims_of(ada_login).session_id, now, now + 5min});

  expect_unauthenticated(run_sync(env.authenticate(forged)), "session_revoked");
}

TEST(Authenticate, JwtOfUnknownSessionIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const auto now = env.clock.now();
  const std::string token = env.signer.sign({user.id, "no-such-session", now, now + 5min});

  expect_unauthenticated(run_sync(env.authenticate(token)), "session_revoked");
}

TEST(Authenticate, JwtOfExpiredSessionIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);
  const auto session_id = env.claims_of(login).session_id;
  const auto now = env.clock.now();
  // An access token outliving its session, so only the session check can refuse it.
  const std::string token = env.signer.sign({user.id, session_id, now, now + 30 * 24h});
  env.clock.advance(test_auth_settings().refresh_ttl);

  expect_unauthenticated(run_sync(env.authenticate(token)), "session_revoked");
}

TEST(Authenticate, ApiKeyIsRecognisedByItsPrefix) {
  IdentityEnv env;
  const User user = env.given_user();
  const CreatedApiKey key = env.given_api_key(user);

  auto principal = run_sync(env.authenticate(key.secret));

  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, user.id);
  EXPECT_EQ(principal->api_key_id, key.key.id);
  EXPECT_FALSE(principal->session_id);
}

// A credential that may well be valid is not refused because the database cannot say: a
// client told 401 may throw its key away.
TEST(Authenticate, ADatabaseOutageIsUnavailableNotARevokedCredential) {
  IdentityEnv env;
  const User user = env.given_user();
  const CreatedApiKey key = env.given_api_key(user);
  const TokenPair login = env.given_login(user);
  env.user_store.unavailable = true;

  for (const auto& credential : {key.secret, login.access_token}) {
    auto principal = run_sync(env.authenticate(credential));
    ASSERT_FALSE(principal);
    EXPECT_EQ(principal.error().kind, ErrorCode::unavailable);
    EXPECT_EQ(principal.error().code, "database_unavailable");
  }
}

TEST(Authenticate, AccessTokenOfADisabledUserIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const TokenPair login = env.given_login(user);
  ASSERT_TRUE(run_sync(env.user_store.set_disabled(user.id, env.clock.now())));

  expect_unauthenticated(run_sync(env.authenticate(login.access_token)), "user_disabled");
}

TEST(Authenticate, ApiKeyOfADisabledUserIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const CreatedApiKey key = env.given_api_key(user);
  ASSERT_TRUE(run_sync(env.user_store.set_disabled(user.id, env.clock.now())));

  expect_unauthenticated(run_sync(env.authenticate(key.secret)), "user_disabled");
}

TEST(Authenticate, UnknownApiKeyIsInvalidApiKey) {
  IdentityEnv env;
  env.given_api_key(env.given_user());

  expect_unauthenticated(run_sync(env.authenticate("sk-agentd-never-issued")), "invalid_api_key");
}

TEST(Authenticate, RevokedApiKeyIsRejected) {
  IdentityEnv env;
  const User user = env.given_user();
  const CreatedApiKey key = env.given_api_key(user);
  ASSERT_TRUE(run_sync(env.key_store.revoke(user.id, key.key.id, env.clock.now())));

  expect_unauthenticated(run_sync(env.authenticate(key.secret)), "invalid_api_key");
}

TEST(Authenticate, ExpiredApiKeyIsRejected) {
  IdentityEnv env;
  auto request = key_request("ci");
  request.expires_at = env.clock.now() + 1h;
  const CreatedApiKey key = env.given_api_key(env.given_user(), std::move(request));
  env.clock.advance(1h - 1s);
  ASSERT_TRUE(run_sync(env.authenticate(key.secret)));

  env.clock.advance(1s);

  expect_unauthenticated(run_sync(env.authenticate(key.secret)), "invalid_api_key");
}

TEST(Authenticate, ApiKeyPrincipalCarriesTheKeysAclsAndRateLimit) {
  IdentityEnv env;
  auto request = key_request("ci");
  request.allowed_tools = std::vector<std::string>{"calculator"};
  request.allowed_models = std::vector<std::string>{};
  request.approval_required_tools = {"shell"};
  request.rate_limit_per_minute = 42;
  const CreatedApiKey key = env.given_api_key(env.given_user(), std::move(request));

  auto principal = run_sync(env.authenticate(key.secret));

  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->allowed_tools, std::vector<std::string>{"calculator"});
  EXPECT_EQ(principal->allowed_models, std::vector<std::string>{});
  EXPECT_EQ(principal->approval_required_tools, std::vector<std::string>{"shell"});
  EXPECT_EQ(principal->rate_limit_per_minute, 42);
  EXPECT_TRUE(principal->may_use_tool("calculator"));
  EXPECT_FALSE(principal->may_use_tool("shell"));
  EXPECT_FALSE(principal->may_use_model("gpt-4o"));
}

TEST(Authenticate, ApiKeyUseIsRecordedAtMostOnceAMinute) {
  IdentityEnv env;
  const CreatedApiKey key = env.given_api_key(env.given_user());
  const auto first_use = env.clock.now();

  ASSERT_TRUE(run_sync(env.authenticate(key.secret)));
  env.clock.advance(30s);
  ASSERT_TRUE(run_sync(env.authenticate(key.secret)));
  ASSERT_EQ(env.key_store.uses().size(), 1u);
  EXPECT_EQ(env.key_store.uses()[0].key_id, key.key.id);
  EXPECT_EQ(env.key_store.stored(key.key.id)->last_used_at, first_use);

  env.clock.advance(31s);
  ASSERT_TRUE(run_sync(env.authenticate(key.secret)));

  ASSERT_EQ(env.key_store.uses().size(), 2u);
  EXPECT_EQ(env.key_store.stored(key.key.id)->last_used_at, first_use + 61s);
}

}  // namespace
}  // namespace agentd
