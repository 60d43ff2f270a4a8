// RegisterUser: who may get an account, and what is stored for them.
#include <gtest/gtest.h>

#include "application/identity_env.h"

namespace agentd {
namespace {

Registration registration(std::string email, std::string password = std::string(kPassword)) {
  return {std::move(email), std::move(password), "Ada"};
}

TEST(RegisterUser, NormalisesEmail) {
  IdentityEnv env;

  auto user = run_sync(env.register_user(registration("  Ada.Lovelace@Example.COM ")));

  ASSERT_TRUE(user);
  EXPECT_EQ(user->email, "ada.lovelace@example.com");
  auto stored = run_sync(env.user_store.find_by_email("ada.lovelace@example.com"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, user->id);
}

TEST(RegisterUser, StoresTheNewAccount) {
  IdentityEnv env;

  auto user = run_sync(env.register_user({"ada@example.com", std::string(kPassword), "Ada L."}));

  ASSERT_TRUE(user);
  auto stored = run_sync(env.user_store.find_by_id(user->id));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, "id-0001");
  EXPECT_EQ(stored->name, "Ada L.");
  EXPECT_EQ(stored->role, Role::user);
  EXPECT_EQ(stored->created_at, env.clock.now());
}

TEST(RegisterUser, StoresOnlyThePasswordHash) {
  IdentityEnv env;

  auto user = run_sync(env.register_user(registration("ada@example.com")));

  ASSERT_TRUE(user);
  auto stored = run_sync(env.user_store.find_by_id(user->id));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->password_hash, FakePasswordHasher::hash_of(std::string(kPassword)));
}

TEST(RegisterUser, RejectsInvalidEmail) {
  IdentityEnv env;

  auto user = run_sync(env.register_user(registration("ada.example.com")));

  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(user.error().code, "invalid_email");
  EXPECT_EQ(user.error().param, "email");
  EXPECT_EQ(env.user_store.size(), 0u);
}

TEST(RegisterUser, RejectsShortPassword) {
  IdentityEnv env;

  auto user = run_sync(env.register_user(registration("ada@example.com", "seven77")));

  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(user.error().code, "password_too_short");
  EXPECT_EQ(user.error().param, "password");
  EXPECT_EQ(env.user_store.size(), 0u);
  EXPECT_EQ(env.hasher.hash_calls(), 0);
}

TEST(RegisterUser, AcceptsPasswordOfExactlyEightCharacters) {
  IdentityEnv env;

  EXPECT_TRUE(run_sync(env.register_user(registration("ada@example.com", "eight888"))));
  EXPECT_EQ(env.user_store.size(), 1u);
}

TEST(RegisterUser, RejectsOverlongName) {
  IdentityEnv env;

  auto user = run_sync(
      env.register_user({"ada@example.com", std::string(kPassword), std::string(201, 'a')}));

  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(user.error().code, "name_too_long");
  EXPECT_EQ(env.user_store.size(), 0u);
}

TEST(RegisterUser, DuplicateEmailIsConflict) {
  IdentityEnv env;
  env.given_user("ada@example.com");

  auto again = run_sync(env.register_user(registration("ADA@example.com")));

  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorCode::conflict);
  EXPECT_EQ(again.error().code, "email_taken");
  EXPECT_EQ(again.error().param, "email");
  EXPECT_EQ(env.user_store.size(), 1u);
}

}  // namespace
}  // namespace agentd
