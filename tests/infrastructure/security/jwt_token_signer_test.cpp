#include "infrastructure/security/jwt_token_signer.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

namespace agentd {
namespace {

using std::chrono::seconds;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
const Timestamp kIssuedAt{seconds(1'735'689'600)};
const Timestamp kExpiresAt = kIssuedAt + seconds(900);

AccessClaims alice_claims() { return {"user-1", "session-1", kIssuedAt, kExpiresAt}; }

std::string base64url(std::string_view text) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(text.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), kVariant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// A token signed directly with libjwt, to forge what JwtTokenSigner itself never makes.
std::string sign_raw(jwt_alg_t alg, const std::string& secret, const std::string& claims_json) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), claims_json.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())),
            0);
  std::unique_ptr<char, void (*)(void*)> encoded(jwt_encode_str(jwt.get()), std::free);
  EXPECT_NE(encoded, nullptr);
  return encoded ? std::string(encoded.get()) : std::string();
}

// Alice's identity claims followed by `rest` (type and times), which tests vary.
std::string claims_json(
    std::string_view rest = R"("typ":"access","iat":1735689600,"exp":1735690500)") {
  return R"({"sub":"user-1","sid":"session-1","iss":"agentd","aud":"agentd",)" + std::string(rest) +
         "}";
}

class JwtTokenSignerTest : public ::testing::Test {
 protected:
  void expect_rejected(const std::string& token, Timestamp now = kIssuedAt) {
    auto claims = signer_.verify(token, now);
    ASSERT_FALSE(claims) << token;
    EXPECT_EQ(claims.error().kind, ErrorCode::unauthenticated);
    EXPECT_EQ(claims.error().code, "invalid_token");
    EXPECT_EQ(claims.error().message, "invalid or expired access token");
  }

  JwtTokenSigner signer_{kSecret, "agentd", "agentd"};
};

TEST_F(JwtTokenSignerTest, RoundTripsTheClaims) {
  auto token = signer_.sign(alice_claims());
  auto claims = signer_.verify(token, kIssuedAt + seconds(10));
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->user_id, "user-1");
  EXPECT_EQ(claims->session_id, "session-1");
  EXPECT_EQ(claims->issued_at, kIssuedAt);
  EXPECT_EQ(claims->expires_at, kExpiresAt);
}

// The forging helper is sound: with our algorithm and claims its token passes, so the
// rejections below are caused by the one thing each changes.
TEST_F(JwtTokenSignerTest, AcceptsATokenMadeByLibjwtWithOurClaims) {
  EXPECT_TRUE(signer_.verify(sign_raw(JWT_ALG_HS256, kSecret, claims_json()), kIssuedAt));
}

TEST_F(JwtTokenSignerTest, RejectsAnExpiredToken) {
  auto token = signer_.sign(alice_claims());
  EXPECT_TRUE(signer_.verify(token, kExpiresAt - seconds(1)));
  expect_rejected(token, kExpiresAt);
  expect_rejected(token, kExpiresAt + seconds(3600));
}

TEST_F(JwtTokenSignerTest, RejectsATokenSignedWithAnotherSecret) {
  JwtTokenSigner other("another-secret-another-secret-another", "agentd", "agentd");
  expect_rejected(other.sign(alice_claims()));
}

TEST_F(JwtTokenSignerTest, RejectsATamperedPayload) {
  auto token = signer_.sign(alice_claims());
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  // The same claims but another user, under the original signature.
  const auto forged =
      token.substr(0, first_dot + 1) +
      base64url(R"({"sub":"user-2","sid":"session-1","iss":"agentd","aud":"agentd",)"
                R"("typ":"access","iat":1735689600,"exp":1735690500})") +
      token.substr(second_dot);
  expect_rejected(forged);
}

TEST_F(JwtTokenSignerTest, RejectsATamperedSignature) {
  auto token = signer_.sign(alice_claims());
  token.back() = token.back() == 'A' ? 'B' : 'A';
  expect_rejected(token);
}

TEST_F(JwtTokenSignerTest, RejectsAlgNone) {
  const auto unsigned_token =
      base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(claims_json()) + ".";
  expect_rejected(unsigned_token);
  // With a signature that is valid for HS256, the header still decides: none is refused.
  auto genuine = signer_.sign(alice_claims());
  expect_rejected(base64url(R"({"alg":"none","typ":"JWT"})") + genuine.substr(genuine.find('.')));
}

TEST_F(JwtTokenSignerTest, RejectsOtherHmacAlgorithmsWithOurSecret) {
  expect_rejected(sign_raw(JWT_ALG_HS512, kSecret, claims_json()));
  expect_rejected(sign_raw(JWT_ALG_HS384, kSecret, claims_json()));
}

TEST_F(JwtTokenSignerTest, RejectsAnotherIssuer) {
  JwtTokenSigner other(kSecret, "someone-else", "agentd");
  expect_rejected(other.sign(alice_claims()));
}

TEST_F(JwtTokenSignerTest, RejectsAnotherAudience) {
  JwtTokenSigner other(kSecret, "agentd", "another-service");
  expect_rejected(other.sign(alice_claims()));
}

TEST_F(JwtTokenSignerTest, RejectsATokenWithoutExpiry) {
  expect_rejected(
      sign_raw(JWT_ALG_HS256, kSecret, claims_json(R"("typ":"access","iat":1735689600)")));
}

TEST_F(JwtTokenSignerTest, RejectsANonNumericExpiry) {
  expect_rejected(sign_raw(JWT_ALG_HS256, kSecret,
                           claims_json(R"("typ":"access","iat":1735689600,"exp":"1735690500")")));
}

TEST_F(JwtTokenSignerTest, RejectsARefreshTypedToken) {
  expect_rejected(sign_raw(JWT_ALG_HS256, kSecret,
                           claims_json(R"("typ":"refresh","iat":1735689600,"exp":1735690500)")));
}

TEST_F(JwtTokenSignerTest, RejectsATokenWithoutType) {
  expect_rejected(
      sign_raw(JWT_ALG_HS256, kSecret, claims_json(R"("iat":1735689600,"exp":1735690500)")));
}

TEST_F(JwtTokenSignerTest, RejectsATokenWithoutSubjectOrSession) {
  expect_rejected(sign_raw(
      JWT_ALG_HS256, kSecret,
      R"({"sid":"session-1","iss":"agentd","aud":"agentd","typ":"access","iat":1735689600,"exp":1735690500})"));
  expect_rejected(sign_raw(
      JWT_ALG_HS256, kSecret,
      R"({"sub":"user-1","iss":"agentd","aud":"agentd","typ":"access","iat":1735689600,"exp":1735690500})"));
}

TEST_F(JwtTokenSignerTest, RejectsGarbage) {
  expect_rejected("");
  expect_rejected("not-a-token");
  expect_rejected("a.b.c");
  expect_rejected("sk-agentd-0123456789");
}

}  // namespace
}  // namespace agentd
