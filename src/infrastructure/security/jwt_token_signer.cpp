#include "infrastructure/security/jwt_token_signer.h"

#include <jwt.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

namespace agentd {
namespace {

constexpr const char* kAccessType = "access";

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};

Error invalid_token() {
  return {ErrorCode::unauthenticated, "invalid or expired access token", {}, "invalid_token"};
}

long to_unix_seconds(Timestamp time) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

Timestamp from_unix_seconds(long seconds) { return Timestamp(std::chrono::seconds(seconds)); }

std::optional<std::string> string_claim(jwt_t* jwt, const char* name) {
  const char* value = jwt_get_grant(jwt, name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::optional<long> integer_claim(jwt_t* jwt, const char* name) {
  // libjwt reports a missing or non-integer claim only through errno.
  errno = 0;
  const long value = jwt_get_grant_int(jwt, name);
  if (errno != 0) return std::nullopt;
  return value;
}

void check(int status, const char* what) {
  if (status != 0) throw std::runtime_error(std::string("jwt: cannot ") + what);
}

}  // namespace

JwtTokenSigner::JwtTokenSigner(std::string secret, std::string issuer, std::string audience)
    : secret_(std::move(secret)), issuer_(std::move(issuer)), audience_(std::move(audience)) {
  if (secret_.empty()) throw std::invalid_argument("jwt: the signing secret is empty");
}

std::string JwtTokenSigner::sign(const AccessClaims& claims) const {
  jwt_t* raw = nullptr;
  check(jwt_new(&raw), "allocate a token");
  JwtPtr jwt(raw);
  check(jwt_add_grant(jwt.get(), "sub", claims.user_id.c_str()), "add sub");
  check(jwt_add_grant(jwt.get(), "sid", claims.session_id.c_str()), "add sid");
  check(jwt_add_grant(jwt.get(), "typ", kAccessType), "add typ");
  check(jwt_add_grant(jwt.get(), "iss", issuer_.c_str()), "add iss");
  check(jwt_add_grant(jwt.get(), "aud", audience_.c_str()), "add aud");
  check(jwt_add_grant_int(jwt.get(), "iat", to_unix_seconds(claims.issued_at)), "add iat");
  check(jwt_add_grant_int(jwt.get(), "exp", to_unix_seconds(claims.expires_at)), "add exp");
  check(
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size())),
      "set the algorithm");
  std::unique_ptr<char, FreeDeleter> encoded(jwt_encode_str(jwt.get()));
  if (!encoded) throw std::runtime_error("jwt: cannot encode a token");
  return std::string(encoded.get());
}

Result<AccessClaims> JwtTokenSigner::verify(std::string_view token, Timestamp now) const {
  const std::string text(token);  // libjwt needs a NUL-terminated string
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0) {
    return invalid_token();
  }
  JwtPtr jwt(raw);
  // libjwt verifies with whatever HMAC the header names, so "alg" must be pinned here:
  // HS384/HS512 with our secret or "none" would otherwise pass.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return invalid_token();
  const auto type = string_claim(jwt.get(), "typ");
  const auto issuer = string_claim(jwt.get(), "iss");
  const auto audience = string_claim(jwt.get(), "aud");
  // A refresh credential or a token minted for another service is not an access token.
  if (type != kAccessType || issuer != issuer_ || audience != audience_) return invalid_token();
  const auto expires = integer_claim(jwt.get(), "exp");
  const auto issued = integer_claim(jwt.get(), "iat");
  if (!expires || !issued || now >= from_unix_seconds(*expires)) return invalid_token();
  auto user_id = string_claim(jwt.get(), "sub");
  auto session_id = string_claim(jwt.get(), "sid");
  if (!user_id || !session_id) return invalid_token();
  return AccessClaims{std::move(*user_id), std::move(*session_id), from_unix_seconds(*issued),
                      from_unix_seconds(*expires)};
}

}  // namespace agentd
