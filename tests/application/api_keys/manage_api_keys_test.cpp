// ManageApiKeys: a signed-in user creates, lists and revokes their own keys; keys cannot.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

void expect_forbidden_for_keys(const Error& error) {
  EXPECT_EQ(error.kind, ErrorCode::forbidden);
  EXPECT_EQ(error.code, "api_key_cannot_manage_keys");
}

void expect_invalid(const Error& error, std::string_view code, std::string_view param) {
  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.code, code);
  EXPECT_EQ(error.param, param);
}

NewApiKey expiring_at(Timestamp expires_at) {
  auto request = key_request("ci");
  request.expires_at = expires_at;
  return request;
}

NewApiKey limited_to(int per_minute) {
  auto request = key_request("ci");
  request.rate_limit_per_minute = per_minute;
  return request;
}

struct ManageApiKeysEnv : IdentityEnv {
  ManageApiKeysEnv() : owner(given_user("ada@example.com")) {}

  Principal signed_in(const User& user) const { return Principal::for_session(user, "session-1"); }
  Principal key_of(const User& user) {
    const CreatedApiKey created = given_api_key(user);
    return Principal::for_api_key(user, created.key);
  }
  Result<CreatedApiKey> create(NewApiKey request) {
    return run_sync(api_keys.create(signed_in(owner), std::move(request)));
  }

  User owner;
};

TEST(ManageApiKeys, SecretStartsWithTheKeyPrefix) {
  ManageApiKeysEnv env;

  auto created = env.create(key_request("ci"));

  ASSERT_TRUE(created);
  EXPECT_TRUE(created->secret.starts_with("sk-agentd-")) << created->secret;
  // 32 random bytes are 43 characters of unpadded base64url.
  EXPECT_GE(created->secret.size() - kApiKeyPrefix.size(), 43u);
}

TEST(ManageApiKeys, StoresOnlyTheDigestOfTheSecret) {
  ManageApiKeysEnv env;

  auto created = env.create(key_request("ci"));

  ASSERT_TRUE(created);
  auto stored = env.key_store.stored(created->key.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->secret_hash, env.secrets.digest(created->secret));
  // The display prefix is the only other field derived from the secret, and only a part of it.
  EXPECT_LT(stored->prefix.size(), created->secret.size());
}

TEST(ManageApiKeys, StoresADisplayPrefixOfTheSecret) {
  ManageApiKeysEnv env;

  auto created = env.create(key_request("ci"));

  ASSERT_TRUE(created);
  auto stored = env.key_store.stored(created->key.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->prefix, created->secret.substr(0, kApiKeyPrefix.size() + 6));
}

TEST(ManageApiKeys, StoresTheRequestedPermissionsForTheCaller) {
  ManageApiKeysEnv env;
  const auto expiry = env.clock.now() + 24h;

  auto request = key_request("ci");
  request.allowed_tools = std::vector<std::string>{"calculator"};
  request.allowed_models = std::vector<std::string>{"gpt-4o"};
  request.approval_required_tools = {"shell"};
  request.expires_at = expiry;
  request.rate_limit_per_minute = 60;

  auto created = env.create(std::move(request));

  ASSERT_TRUE(created);
  auto stored = env.key_store.stored(created->key.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->user_id, env.owner.id);
  EXPECT_EQ(stored->name, "ci");
  EXPECT_EQ(stored->allowed_tools, std::vector<std::string>{"calculator"});
  EXPECT_EQ(stored->allowed_models, std::vector<std::string>{"gpt-4o"});
  EXPECT_EQ(stored->approval_required_tools, std::vector<std::string>{"shell"});
  EXPECT_EQ(stored->expires_at, expiry);
  EXPECT_EQ(stored->rate_limit_per_minute, 60);
  EXPECT_EQ(stored->created_at, env.clock.now());
  EXPECT_FALSE(stored->last_used_at);
  EXPECT_FALSE(stored->revoked_at);
}

TEST(ManageApiKeys, RejectsAToolNothingProvides) {
  ManageApiKeysEnv env;
  auto allowed = key_request("ci");
  allowed.allowed_tools = std::vector<std::string>{"calculator", "calculater"};
  auto gated = key_request("ci");
  gated.approval_required_tools = {"shell", "rm_rf"};

  auto allowed_created = env.create(std::move(allowed));
  auto gated_created = env.create(std::move(gated));

  ASSERT_FALSE(allowed_created);
  expect_invalid(allowed_created.error(), "unknown_tool", "allowed_tools");
  EXPECT_NE(allowed_created.error().message.find("calculater"), std::string::npos);
  ASSERT_FALSE(gated_created);
  expect_invalid(gated_created.error(), "unknown_tool", "approval_required_tools");
  EXPECT_NE(gated_created.error().message.find("rm_rf"), std::string::npos);
  EXPECT_TRUE(run_sync(env.api_keys.list(env.signed_in(env.owner), 10, {}))->items.empty());
}

TEST(ManageApiKeys, RejectsAModelNothingProvides) {
  ManageApiKeysEnv env;
  auto request = key_request("ci");
  request.allowed_models = std::vector<std::string>{"gpt-4o", "gpt-5-turbo-max"};

  auto created = env.create(std::move(request));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "unknown_model", "allowed_models");
  EXPECT_NE(created.error().message.find("gpt-5-turbo-max"), std::string::npos);
}

TEST(ManageApiKeys, AcceptsWildcardsAndToolsOfAConfiguredMcpServer) {
  ManageApiKeysEnv env;
  // The MCP server is configured but has registered no tool yet: it may connect later.
  const std::string mcp_tool = std::string(kMcpServer) + "__create_issue";
  const std::string mcp_pattern = std::string(kMcpServer) + "__*";
  auto request = key_request("ci");
  request.allowed_tools = std::vector<std::string>{"*", mcp_tool, mcp_pattern};
  request.allowed_models = std::vector<std::string>{"*"};
  request.approval_required_tools = {mcp_tool};

  auto created = env.create(std::move(request));

  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(env.key_store.stored(created->key.id)->allowed_tools,
            (std::vector<std::string>{"*", mcp_tool, mcp_pattern}));
}

TEST(ManageApiKeys, RejectsToolsOfAnMcpServerThatIsNotConfigured) {
  ManageApiKeysEnv env;
  auto request = key_request("ci");
  request.allowed_tools = std::vector<std::string>{"gitlab__create_issue"};

  auto created = env.create(std::move(request));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "unknown_tool", "allowed_tools");
}

TEST(ManageApiKeys, ApiKeyCannotCreateKeys) {
  ManageApiKeysEnv env;
  const Principal caller = env.key_of(env.owner);

  auto created = run_sync(env.api_keys.create(caller, key_request("escape")));

  ASSERT_FALSE(created);
  expect_forbidden_for_keys(created.error());
  EXPECT_EQ(run_sync(env.api_keys.list(env.signed_in(env.owner), 10, {}))->items.size(), 1u);
}

TEST(ManageApiKeys, ApiKeyCannotListKeys) {
  ManageApiKeysEnv env;
  const Principal caller = env.key_of(env.owner);

  auto page = run_sync(env.api_keys.list(caller, 10, {}));

  ASSERT_FALSE(page);
  expect_forbidden_for_keys(page.error());
}

TEST(ManageApiKeys, ApiKeyCannotRevokeKeys) {
  ManageApiKeysEnv env;
  const Principal caller = env.key_of(env.owner);

  auto revoked = run_sync(env.api_keys.revoke(caller, *caller.api_key_id));

  ASSERT_FALSE(revoked);
  expect_forbidden_for_keys(revoked.error());
  EXPECT_FALSE(env.key_store.stored(*caller.api_key_id)->revoked_at);
}

TEST(ManageApiKeys, RejectsExpiryInThePast) {
  ManageApiKeysEnv env;

  auto created = env.create(expiring_at(env.clock.now() - 1s));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "invalid_expiry", "expires_at");
}

TEST(ManageApiKeys, RejectsExpiryOfNow) {
  ManageApiKeysEnv env;

  auto created = env.create(expiring_at(env.clock.now()));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "invalid_expiry", "expires_at");
}

TEST(ManageApiKeys, RejectsRateLimitBelowOne) {
  ManageApiKeysEnv env;

  auto created = env.create(limited_to(0));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "invalid_rate_limit", "rate_limit_per_minute");
}

TEST(ManageApiKeys, RejectsRateLimitAboveAMillion) {
  ManageApiKeysEnv env;

  auto created = env.create(limited_to(1'000'001));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "invalid_rate_limit", "rate_limit_per_minute");
}

TEST(ManageApiKeys, AcceptsRateLimitsAtTheBounds) {
  ManageApiKeysEnv env;

  EXPECT_TRUE(env.create(limited_to(1)));
  EXPECT_TRUE(env.create(limited_to(1'000'000)));
}

TEST(ManageApiKeys, RejectsMissingName) {
  ManageApiKeysEnv env;

  auto created = env.create(key_request(""));

  ASSERT_FALSE(created);
  expect_invalid(created.error(), "invalid_name", "name");
}

TEST(ManageApiKeys, RejectedRequestStoresNothing) {
  ManageApiKeysEnv env;

  ASSERT_FALSE(env.create(limited_to(0)));

  EXPECT_TRUE(run_sync(env.api_keys.list(env.signed_in(env.owner), 10, {}))->items.empty());
}

TEST(ManageApiKeys, ListsOnlyTheCallersKeysNewestFirst) {
  ManageApiKeysEnv env;
  const User bob = env.given_user("bob@example.com");
  const CreatedApiKey older = env.given_api_key(env.owner, key_request("older"));
  env.given_api_key(bob, key_request("bobs"));
  const CreatedApiKey newer = env.given_api_key(env.owner, key_request("newer"));

  auto page = run_sync(env.api_keys.list(env.signed_in(env.owner), 10, {}));

  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, newer.key.id);
  EXPECT_EQ(page->items[1].id, older.key.id);
  EXPECT_FALSE(page->has_more);
}

TEST(ManageApiKeys, RevokeMarksTheKeyRevoked) {
  ManageApiKeysEnv env;
  const CreatedApiKey key = env.given_api_key(env.owner);
  env.clock.advance(1h);

  ASSERT_TRUE(run_sync(env.api_keys.revoke(env.signed_in(env.owner), key.key.id)));

  EXPECT_EQ(env.key_store.stored(key.key.id)->revoked_at, env.clock.now());
}

TEST(ManageApiKeys, RevokedKeyFailsOnItsNextUse) {
  ManageApiKeysEnv env;
  const CreatedApiKey key = env.given_api_key(env.owner);
  ASSERT_TRUE(run_sync(env.authenticate(key.secret)));

  ASSERT_TRUE(run_sync(env.api_keys.revoke(env.signed_in(env.owner), key.key.id)));

  auto principal = run_sync(env.authenticate(key.secret));
  ASSERT_FALSE(principal);
  EXPECT_EQ(principal.error().code, "invalid_api_key");
}

TEST(ManageApiKeys, RevokeOfAnotherUsersKeyIsNotFound) {
  ManageApiKeysEnv env;
  const User bob = env.given_user("bob@example.com");
  const CreatedApiKey bobs_key = env.given_api_key(bob);

  auto revoked = run_sync(env.api_keys.revoke(env.signed_in(env.owner), bobs_key.key.id));

  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorCode::not_found);
  EXPECT_FALSE(env.key_store.stored(bobs_key.key.id)->revoked_at);
}

TEST(ManageApiKeys, RevokeOfUnknownKeyIsNotFound) {
  ManageApiKeysEnv env;

  auto revoked = run_sync(env.api_keys.revoke(env.signed_in(env.owner), "id-9999"));

  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorCode::not_found);
}

// The administrator's side, on the command line: any user's keys, no credential.

TEST(ManageApiKeys, TheAdministratorCreatesAKeyForAUserWithTheSameChecks) {
  ManageApiKeysEnv env;
  auto request = key_request("deploy");
  request.allowed_tools = std::vector<std::string>{"calculator"};

  auto created = run_sync(env.api_keys.create_for(env.owner.id, std::move(request)));

  ASSERT_TRUE(created);
  EXPECT_EQ(created->key.user_id, env.owner.id);
  EXPECT_EQ(env.key_store.stored(created->key.id), created->key);
  auto principal = run_sync(env.authenticate(created->secret));
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, env.owner.id);
  EXPECT_TRUE(principal->may_use_tool("calculator"));
  EXPECT_FALSE(principal->may_use_tool("shell"));

  auto unknown_tool = key_request("deploy");
  unknown_tool.allowed_tools = std::vector<std::string>{"rm"};
  auto refused = run_sync(env.api_keys.create_for(env.owner.id, std::move(unknown_tool)));
  ASSERT_FALSE(refused);
  expect_invalid(refused.error(), "unknown_tool", "allowed_tools");
}

TEST(ManageApiKeys, TheAdministratorListsOneUsersKeysOrEveryonesNewestFirst) {
  ManageApiKeysEnv env;
  const User bob = env.given_user("bob@example.com");
  const CreatedApiKey first = env.given_api_key(env.owner);
  const CreatedApiKey second = env.given_api_key(bob);
  const CreatedApiKey third = env.given_api_key(env.owner);

  auto owners = run_sync(env.api_keys.list_of(env.owner.id, 10, std::nullopt));
  ASSERT_TRUE(owners);
  ASSERT_EQ(owners->items.size(), 2u);
  EXPECT_EQ(owners->items[0].id, third.key.id);
  EXPECT_EQ(owners->items[1].id, first.key.id);

  auto everyone = run_sync(env.api_keys.list_all(2, std::nullopt));
  ASSERT_TRUE(everyone);
  ASSERT_EQ(everyone->items.size(), 2u);
  EXPECT_EQ(everyone->items[0].id, third.key.id);
  EXPECT_EQ(everyone->items[1].id, second.key.id);
  EXPECT_TRUE(everyone->has_more);
  auto rest = run_sync(env.api_keys.list_all(2, second.key.id));
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, first.key.id);
  EXPECT_FALSE(rest->has_more);
}

TEST(ManageApiKeys, TheAdministratorRevokesAnyKeyByItsIdAlone) {
  ManageApiKeysEnv env;
  const User bob = env.given_user("bob@example.com");
  const CreatedApiKey key = env.given_api_key(bob);

  auto revoked = run_sync(env.api_keys.revoke_by_id(key.key.id));

  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->id, key.key.id);
  EXPECT_EQ(revoked->user_id, bob.id);
  EXPECT_EQ(revoked->revoked_at, env.clock.now());
  EXPECT_EQ(env.key_store.stored(key.key.id)->revoked_at, env.clock.now());
  EXPECT_EQ(run_sync(env.authenticate(key.secret)).error().code, "invalid_api_key");
}

TEST(ManageApiKeys, RevokingARevokedKeyAgainKeepsItsFirstRevocation) {
  ManageApiKeysEnv env;
  const CreatedApiKey key = env.given_api_key(env.owner);
  const auto first = env.clock.now();
  ASSERT_TRUE(run_sync(env.api_keys.revoke_by_id(key.key.id)));
  env.clock.advance(1h);

  auto again = run_sync(env.api_keys.revoke_by_id(key.key.id));

  ASSERT_TRUE(again);
  EXPECT_EQ(again->revoked_at, first);
  EXPECT_EQ(env.key_store.stored(key.key.id)->revoked_at, first);
}

TEST(ManageApiKeys, TheAdministratorRevokingAnUnknownKeyIsNotFound) {
  ManageApiKeysEnv env;

  auto revoked = run_sync(env.api_keys.revoke_by_id("id-9999"));

  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorCode::not_found);
  EXPECT_EQ(revoked.error().code, "api_key_not_found");
}

}  // namespace
}  // namespace agentd
