// CurrentUser: the caller's own account, whichever credential they came with.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

TEST(CurrentUser, ReturnsTheCallersAccount) {
  IdentityEnv env;
  env.given_user("bob@example.com");
  const User ada = env.given_user("ada@example.com");
  auto caller = run_sync(env.authenticate(env.given_login(ada).access_token));
  ASSERT_TRUE(caller);

  auto user = run_sync(env.current_user(*caller));

  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, ada.id);
  EXPECT_EQ(user->email, "ada@example.com");
}

}  // namespace
}  // namespace agentd
