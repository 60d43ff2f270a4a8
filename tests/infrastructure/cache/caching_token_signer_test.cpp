#include "infrastructure/cache/caching_token_signer.h"

#include <gtest/gtest.h>

#include "fakes/fake_token_signer.h"

namespace agentd::cache {
namespace {

using namespace std::chrono_literals;

const Timestamp kTokenTime = Timestamp{} + 1000h;

// Counts the verifications that reach the real signer.
class CountingSigner : public TokenSigner {
 public:
  std::string sign(const AccessClaims& claims) const override { return inner.sign(claims); }
  Result<AccessClaims> verify(std::string_view token, Timestamp now) const override {
    ++verifications;
    return inner.verify(token, now);
  }

  FakeTokenSigner inner;
  mutable int verifications = 0;
};

class CachingTokenSignerTest : public ::testing::Test {
 protected:
  std::string token_until(Timestamp expires) {
    return cached_.sign({"user-1", "session-1", kTokenTime, expires});
  }

  CountingSigner signer_;
  CachingTokenSigner cached_{signer_, kTokenCacheSettings};
};

TEST_F(CachingTokenSignerTest, ATokenSeenAgainIsNotVerifiedAgain) {
  const auto token = token_until(kTokenTime + 15min);
  for (int i = 0; i < 3; ++i) {
    auto claims = cached_.verify(token, kTokenTime);
    ASSERT_TRUE(claims.ok());
    EXPECT_EQ(claims->user_id, "user-1");
    EXPECT_EQ(claims->session_id, "session-1");
  }
  EXPECT_EQ(signer_.verifications, 1);
}

TEST_F(CachingTokenSignerTest, ACachedTokenIsRefusedOnceItExpires) {
  const auto token = token_until(kTokenTime + 10s);
  ASSERT_TRUE(cached_.verify(token, kTokenTime).ok());
  auto late = cached_.verify(token, kTokenTime + 10s);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, ErrorCode::unauthenticated);
}

TEST_F(CachingTokenSignerTest, RefusedTokensAreCheckedEveryTime) {
  for (int i = 0; i < 2; ++i) {
    auto claims = cached_.verify("forged", kTokenTime);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, "invalid_token");
  }
  EXPECT_EQ(signer_.verifications, 2);
}

}  // namespace
}  // namespace agentd::cache
