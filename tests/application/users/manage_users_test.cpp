// ManageUsers: the administrator lists accounts, disables and enables them by email, and sets
// what each may spend.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

void expect_user_not_found(const Result<User>& user) {
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorCode::not_found);
  EXPECT_EQ(user.error().code, "user_not_found");
}

TEST(ManageUsers, ListsEveryUserNewestFirstPageByPage) {
  IdentityEnv env;
  const User ada = env.given_user("ada@example.com");
  const User bob = env.given_user("bob@example.com");
  const User cy = env.given_user("cy@example.com");

  auto first = run_sync(env.manage_users.list(2, std::nullopt));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, cy.id);
  EXPECT_EQ(first->items[1].id, bob.id);
  EXPECT_TRUE(first->has_more);

  auto second = run_sync(env.manage_users.list(2, bob.id));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id, ada.id);
  EXPECT_FALSE(second->has_more);
}

TEST(ManageUsers, FindsAUserByEmailWhateverItsCase) {
  IdentityEnv env;
  const User ada = env.given_user("ada@example.com");

  auto found = run_sync(env.manage_users.find_by_email(" ADA@Example.com"));

  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, ada.id);
}

TEST(ManageUsers, AnUnknownOrMalformedEmailIsNotFoundAndNamed) {
  IdentityEnv env;
  env.given_user("ada@example.com");

  auto unknown = run_sync(env.manage_users.find_by_email("bob@example.com"));
  expect_user_not_found(unknown);
  EXPECT_EQ(unknown.error().message, "no user has the email bob@example.com");
  expect_user_not_found(run_sync(env.manage_users.find_by_email("not an email")));
  expect_user_not_found(run_sync(env.manage_users.disable("bob@example.com")));
  expect_user_not_found(run_sync(env.manage_users.enable("bob@example.com")));
}

TEST(ManageUsers, DisablingStoresWhenItHappened) {
  IdentityEnv env;
  const User ada = env.given_user("ada@example.com");

  auto disabled = run_sync(env.manage_users.disable("ada@example.com"));

  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->id, ada.id);
  EXPECT_EQ(disabled->disabled_at, env.clock.now());
  EXPECT_TRUE(run_sync(env.user_store.find_by_id(ada.id))->is_disabled());
}

TEST(ManageUsers, DisablingADisabledUserKeepsTheFirstTime) {
  IdentityEnv env;
  env.given_user("ada@example.com");
  const auto first = env.clock.now();
  ASSERT_TRUE(run_sync(env.manage_users.disable("ada@example.com")));
  env.clock.advance(1h);

  auto again = run_sync(env.manage_users.disable("ada@example.com"));

  ASSERT_TRUE(again);
  EXPECT_EQ(again->disabled_at, first);
}

TEST(ManageUsers, EnablingUndoesIt) {
  IdentityEnv env;
  const User ada = env.given_user("ada@example.com");
  ASSERT_TRUE(run_sync(env.manage_users.disable("ada@example.com")));

  auto enabled = run_sync(env.manage_users.enable("ada@example.com"));

  ASSERT_TRUE(enabled);
  EXPECT_FALSE(enabled->is_disabled());
  EXPECT_FALSE(run_sync(env.user_store.find_by_id(ada.id))->is_disabled());
}

// What disabling is for: every credential of the user stops working, and comes back when the
// user is enabled again.
TEST(ManageUsers, ADisabledUsersCredentialsAllStopWorkingUntilEnabled) {
  IdentityEnv env;
  const User ada = env.given_user("ada@example.com");
  const TokenPair login = env.given_login(ada);
  const CreatedApiKey key = env.given_api_key(ada);
  ASSERT_TRUE(run_sync(env.manage_users.disable("ada@example.com")));

  for (const auto& bearer : {login.access_token, key.secret}) {
    auto principal = run_sync(env.authenticate(bearer));
    ASSERT_FALSE(principal);
    EXPECT_EQ(principal.error().kind, ErrorCode::unauthenticated);
    EXPECT_EQ(principal.error().code, "user_disabled");
  }
  auto signed_in = run_sync(env.login("ada@example.com", std::string(kPassword)));
  ASSERT_FALSE(signed_in);
  EXPECT_EQ(signed_in.error().code, "invalid_credentials");

  ASSERT_TRUE(run_sync(env.manage_users.enable("ada@example.com")));
  EXPECT_TRUE(run_sync(env.authenticate(login.access_token)));
  EXPECT_TRUE(run_sync(env.authenticate(key.secret)));
  EXPECT_TRUE(run_sync(env.login("ada@example.com", std::string(kPassword))));
}

Principal session_of(const User& user) { return Principal::for_session(user, "session-1"); }

LimitsChange budget_of(std::int64_t max_tokens) {
  return {std::optional<Budget>(Budget{max_tokens, std::nullopt, BudgetPeriod::day}), {}};
}

TEST(ManageUsers, AnAdministratorSetsAndRemovesAUsersLimits) {
  IdentityEnv env;
  const User admin = env.given_user("root@example.com", Role::admin);
  const User ada = env.given_user("ada@example.com");

  auto limited =
      run_sync(env.manage_users.change_limits_for(session_of(admin), ada.id, budget_of(1'000)));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->limits.budget->max_tokens, 1'000);
  // Absent leaves a limit as it is; null removes it.
  LimitsChange per_minute{{}, std::optional<std::int64_t>(50)};
  auto both = run_sync(env.manage_users.change_limits_for(session_of(admin), ada.id, per_minute));
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->limits.budget);
  EXPECT_EQ(both->limits.tokens_per_minute, 50);
  LimitsChange no_budget{std::optional<Budget>(), {}};
  auto cleared = run_sync(env.manage_users.change_limits_for(session_of(admin), ada.id, no_budget));
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->limits.budget);
  EXPECT_EQ(run_sync(env.manage_users.find_by_id(ada.id))->limits.tokens_per_minute, 50);
  // The next sign-in carries them.
  EXPECT_EQ(Principal::for_session(*cleared, "s").user_limits.tokens_per_minute, 50);
}

TEST(ManageUsers, OnlyAnAdministratorsSessionChangesLimits) {
  IdentityEnv env;
  const User admin = env.given_user("root@example.com", Role::admin);
  const User ada = env.given_user("ada@example.com");
  ApiKey admin_key;
  admin_key.id = "key-1";
  admin_key.user_id = admin.id;

  for (const auto& caller : {session_of(ada), Principal::for_api_key(admin, admin_key)}) {
    auto refused = run_sync(env.manage_users.change_limits_for(caller, ada.id, budget_of(1)));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
    EXPECT_EQ(refused.error().code, "admin_required");
    EXPECT_FALSE(run_sync(env.manage_users.list_for(caller, 10, std::nullopt)));
  }
  EXPECT_FALSE(run_sync(env.manage_users.find_by_id(ada.id))->limits.is_limited());
}

TEST(ManageUsers, APersonReadsTheirOwnAccountAndNoOneElses) {
  IdentityEnv env;
  const User admin = env.given_user("root@example.com", Role::admin);
  const User ada = env.given_user("ada@example.com");
  const User bob = env.given_user("bob@example.com");

  EXPECT_TRUE(run_sync(env.manage_users.find_for(session_of(ada), ada.id)));
  expect_user_not_found(run_sync(env.manage_users.find_for(session_of(ada), bob.id)));
  EXPECT_TRUE(run_sync(env.manage_users.find_for(session_of(admin), bob.id)));
  expect_user_not_found(run_sync(env.manage_users.find_for(session_of(admin), "nobody")));
}

TEST(ManageUsers, InvalidLimitsAreRefusedAndNothingChanges) {
  IdentityEnv env;
  const User admin = env.given_user("root@example.com", Role::admin);
  const User ada = env.given_user("ada@example.com");

  LimitsChange empty_budget{std::optional<Budget>(Budget{}), {}};
  auto refused =
      run_sync(env.manage_users.change_limits_for(session_of(admin), ada.id, empty_budget));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "invalid_budget");
  LimitsChange zero_per_minute{{}, std::optional<std::int64_t>(0)};
  auto zero = run_sync(env.manage_users.change_limits("ada@example.com", zero_per_minute));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "invalid_tokens_per_minute");
  EXPECT_FALSE(run_sync(env.manage_users.find_by_id(ada.id))->limits.is_limited());
  expect_user_not_found(run_sync(env.manage_users.change_limits("bob@example.com", {})));
}

}  // namespace
}  // namespace agentd
