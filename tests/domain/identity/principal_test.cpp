#include "domain/identity/principal.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

User alice() {
  User user;
  user.id = "user-1";
  user.email = "alice@example.com";
  user.role = Role::admin;
  return user;
}

ApiKey key_with(NameAllowList tools, NameAllowList models) {
  ApiKey key;
  key.id = "key-1";
  key.user_id = "user-1";
  key.allowed_tools = std::move(tools);
  key.allowed_models = std::move(models);
  key.approval_required_tools = {"shell"};
  key.rate_limit_per_minute = 30;
  return key;
}

using Names = std::vector<std::string>;

TEST(Principal, SessionMayUseEveryToolAndModel) {
  auto principal = Principal::for_session(alice(), "session-1");
  EXPECT_FALSE(principal.is_api_key());
  EXPECT_EQ(principal.session_id, "session-1");
  EXPECT_EQ(principal.role, Role::admin);
  EXPECT_TRUE(principal.may_use_tool("calculator"));
  EXPECT_TRUE(principal.may_use_model("gpt-4o-mini"));
}

TEST(Principal, AbsentListsAllowEverything) {
  auto principal = Principal::for_api_key(alice(), key_with(std::nullopt, std::nullopt));
  EXPECT_TRUE(principal.may_use_tool("calculator"));
  EXPECT_TRUE(principal.may_use_model("gpt-4o-mini"));
}

TEST(Principal, EmptyListsAllowNothing) {
  auto principal = Principal::for_api_key(alice(), key_with(Names{}, Names{}));
  EXPECT_FALSE(principal.may_use_tool("calculator"));
  EXPECT_FALSE(principal.may_use_model("gpt-4o-mini"));
}

TEST(Principal, StarAllowsEverything) {
  auto principal = Principal::for_api_key(alice(), key_with(Names{"*"}, Names{"*"}));
  EXPECT_TRUE(principal.may_use_tool("anything"));
  EXPECT_TRUE(principal.may_use_model("anything"));
}

TEST(Principal, ExplicitNamesAllowOnlyThoseExactly) {
  auto principal = Principal::for_api_key(
      alice(), key_with(Names{"calculator", "web_search"}, Names{"gpt-4o-mini"}));
  EXPECT_TRUE(principal.may_use_tool("calculator"));
  EXPECT_TRUE(principal.may_use_tool("web_search"));
  EXPECT_FALSE(principal.may_use_tool("http_get"));
  EXPECT_FALSE(principal.may_use_tool("Calculator"));
  EXPECT_FALSE(principal.may_use_tool("calc"));
  EXPECT_TRUE(principal.may_use_model("gpt-4o-mini"));
  EXPECT_FALSE(principal.may_use_model("gpt-4o"));
}

TEST(Principal, ApiKeyCarriesItsLimits) {
  auto principal = Principal::for_api_key(alice(), key_with(std::nullopt, std::nullopt));
  EXPECT_TRUE(principal.is_api_key());
  EXPECT_EQ(principal.user_id, "user-1");
  EXPECT_EQ(principal.approval_required_tools, Names{"shell"});
  EXPECT_EQ(principal.rate_limit_per_minute, 30);
}

TEST(Principal, RateLimitKeyIsPerKeyForPrograms) {
  auto principal = Principal::for_api_key(alice(), key_with(std::nullopt, std::nullopt));
  EXPECT_EQ(principal.rate_limit_key(), "key:key-1");
}

TEST(Principal, RateLimitKeyIsPerUserAcrossSessions) {
  auto first = Principal::for_session(alice(), "session-1");
  auto second = Principal::for_session(alice(), "session-2");
  EXPECT_EQ(first.rate_limit_key(), "user:user-1");
  EXPECT_EQ(second.rate_limit_key(), first.rate_limit_key());
}

}  // namespace
}  // namespace agentd
