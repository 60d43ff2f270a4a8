// SodiumSecretSealer: what is sealed under one secret opens with that secret and nothing else.
#include "infrastructure/security/sodium_secret_sealer.h"

#include <gtest/gtest.h>

#include "infrastructure/security/sodium_secret_generator.h"

namespace agentd {
namespace {

constexpr std::string_view kOldToken = "old-refresh-token-AbCdEfGhIjKlMnOpQrStUvWxYz012345";
constexpr std::string_view kNewToken = "new-refresh-token-zYxWvUtSrQpOnMlKjIhGfEdCbA543210";

TEST(SodiumSecretSealer, OpensWithTheSecretItWasSealedUnder) {
  SodiumSecretSealer sealer;
  const auto sealed = sealer.seal(kNewToken, kOldToken);

  EXPECT_EQ(sealer.open(sealed, kOldToken), std::string(kNewToken));
}

TEST(SodiumSecretSealer, DoesNotOpenWithAnyOtherSecret) {
  SodiumSecretSealer sealer;
  const auto sealed = sealer.seal(kNewToken, kOldToken);

  EXPECT_FALSE(sealer.open(sealed, kNewToken));
  EXPECT_FALSE(sealer.open(sealed, ""));
  // The stored lookup hash of the old token is no key either.
  EXPECT_FALSE(sealer.open(sealed, SodiumSecretGenerator().digest(kOldToken)));
}

TEST(SodiumSecretSealer, SealedTextHidesTheSecretAndDiffersEachTime) {
  SodiumSecretSealer sealer;
  const auto first = sealer.seal(kNewToken, kOldToken);
  const auto second = sealer.seal(kNewToken, kOldToken);

  EXPECT_EQ(first.find(kNewToken), std::string::npos);
  EXPECT_NE(first, second);
  EXPECT_EQ(
      first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(SodiumSecretSealer, AlteredOrMalformedTextDoesNotOpen) {
  SodiumSecretSealer sealer;
  auto altered = sealer.seal(kNewToken, kOldToken);
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';

  EXPECT_FALSE(sealer.open(altered, kOldToken));
  EXPECT_FALSE(sealer.open("not base64 at all!", kOldToken));
  EXPECT_FALSE(sealer.open("", kOldToken));
  EXPECT_FALSE(sealer.open("AAAA", kOldToken));
}

}  // namespace
}  // namespace agentd
