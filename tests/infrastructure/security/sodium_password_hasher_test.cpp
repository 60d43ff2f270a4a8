#include "infrastructure/security/sodium_password_hasher.h"

#include <gtest/gtest.h>

#include "fakes/run_sync.h"
#include "infrastructure/concurrency/blocking_pool.h"

namespace agentd {
namespace {

class SodiumPasswordHasherTest : public ::testing::Test {
 protected:
  BlockingPool pool_{2};
  SodiumPasswordHasher hasher_{pool_, Argon2idCost::minimum()};
};

TEST_F(SodiumPasswordHasherTest, HashIsArgon2id) {
  auto hash = run_sync(hasher_.hash("correct horse battery staple"));
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
}

TEST_F(SodiumPasswordHasherTest, HashDoesNotContainThePassword) {
  auto hash = run_sync(hasher_.hash("correct horse battery staple"));
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
}

TEST_F(SodiumPasswordHasherTest, VerifiesTheRightPassword) {
  auto hash = run_sync(hasher_.hash("correct horse battery staple"));
  EXPECT_TRUE(run_sync(hasher_.verify("correct horse battery staple", hash)));
}

TEST_F(SodiumPasswordHasherTest, RejectsAWrongPassword) {
  auto hash = run_sync(hasher_.hash("correct horse battery staple"));
  EXPECT_FALSE(run_sync(hasher_.verify("correct horse battery stapler", hash)));
  EXPECT_FALSE(run_sync(hasher_.verify("", hash)));
}

TEST_F(SodiumPasswordHasherTest, SaltsEveryHash) {
  auto first = run_sync(hasher_.hash("same password"));
  auto second = run_sync(hasher_.hash("same password"));
  EXPECT_NE(first, second);
  EXPECT_TRUE(run_sync(hasher_.verify("same password", first)));
  EXPECT_TRUE(run_sync(hasher_.verify("same password", second)));
}

TEST_F(SodiumPasswordHasherTest, MalformedHashVerifiesAsFalse) {
  EXPECT_FALSE(run_sync(hasher_.verify("password", "")));
  EXPECT_FALSE(run_sync(hasher_.verify("password", "not a hash")));
  EXPECT_FALSE(run_sync(hasher_.verify("password", "$argon2id$v=19$m=8,t=1,p=1$")));
}

TEST_F(SodiumPasswordHasherTest, VerifiesHashesMadeWithAnotherCost) {
  SodiumPasswordHasher interactive(pool_);
  auto hash = run_sync(interactive.hash("correct horse battery staple"));
  EXPECT_TRUE(run_sync(hasher_.verify("correct horse battery staple", hash)));
}

TEST(SodiumPasswordHasher, DefaultsToTheInteractiveCost) {
  BlockingPool pool(1);
  SodiumPasswordHasher hasher(pool);
  auto hash = run_sync(hasher.hash("correct horse battery staple"));
  // libsodium's interactive profile: 64 MiB, two passes, one lane.
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << hash;
}

}  // namespace
}  // namespace agentd
