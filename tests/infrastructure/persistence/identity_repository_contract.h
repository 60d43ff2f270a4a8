// The behaviour every storage adapter of users, sessions and API keys must show: one suite,
// instantiated once per database with INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include "application/ports/api_key_repository.h"
#include "application/ports/session_repository.h"
#include "application/ports/user_repository.h"
#include "application/ports/webhook_repository.h"
#include "infrastructure/persistence/stored_value_printers.h"

namespace agentd::contract {

// The repositories of what users own outright, over one fresh, migrated database that lives
// as long as this object.
class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual WebhookRepository& webhooks() = 0;
};

struct IdentityBackend {
  std::string name;  // becomes the test name suffix: letters, digits and underscores only
  // Null once it has called GTEST_SKIP() or FAIL(), for a backend that cannot run here.
  std::function<std::unique_ptr<IdentityStore>()> open;
};

// Failure messages name the backend instead of dumping the parameter's bytes.
inline void PrintTo(const IdentityBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string backend_name(const ::testing::TestParamInfo<IdentityBackend>& info) {
  return info.param.name;
}

// A fixed instant with microseconds, the finest precision storage must keep.
inline const Timestamp kT0 = std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} +
                             std::chrono::hours{9} + std::chrono::minutes{26} +
                             std::chrono::seconds{53} + std::chrono::microseconds{589793};

inline constexpr auto kRefreshTtl = std::chrono::hours{24 * 30};
inline constexpr auto kReuseWindow = std::chrono::seconds{10};

// What the suite stores as the sealed successor of a token: storage treats it as opaque text.
inline std::string sealed_successor(std::string_view new_hash) {
  return "sealed:" + std::string(new_hash);
}

// The value of a Result that set-up steps need; a failure ends the test with its message.
template <typename T>
T must(Result<T> result) {
  if (!result) throw std::runtime_error("set-up step failed: " + result.error().message);
  return std::move(result).value();
}

// The id of the `number`th row of a kind: numbered("key", 3) is
// "6815c86c-0000-7000-8000-000000000003". PostgreSQL keeps ids in uuid columns, so they must
// be UUIDs; the first group, a hash of the stem, keeps kinds apart, and the number in the
// last group makes a kind's ids sort (as text and as uuids) in the order they are numbered,
// as UUIDv7s sort in the order they are made.
inline std::string numbered(std::string_view stem, int number) {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (const char c : stem) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  char id[40];
  std::snprintf(id, sizeof id, "%08x-0000-7000-8000-%012llx", static_cast<unsigned>(hash),
                static_cast<unsigned long long>(number));
  return id;
}

// An id from outside (a URL, a cursor) that is not a UUID at all: it names nothing, exactly
// like a UUID that is not stored.
inline const std::string kNotAUuid = "not-a-uuid";

class IdentityRepositoryTest : public ::testing::TestWithParam<IdentityBackend> {
 protected:
  void SetUp() override { store_ = GetParam().open(); }

  UserRepository& users() { return store_->users(); }
  SessionRepository& sessions() { return store_->sessions(); }
  ApiKeyRepository& api_keys() { return store_->api_keys(); }
  WebhookRepository& webhooks() { return store_->webhooks(); }

  static User sample_user(std::string id, std::string email);
  static Session sample_session(std::string id, std::string user_id);
  static ApiKey sample_key(std::string id, std::string user_id);

  // Stores sample data the test builds on.
  User given_user(std::string id);
  Session given_session(std::string id, std::string user_id, std::string refresh_hash);
  ApiKey given_key(ApiKey key);

  // A rotation at `now` that extends the session by kRefreshTtl, stores
  // sealed_successor(new_hash), and replays a token used less than kReuseWindow before.
  static RefreshRotationRequest rotation_request(std::string old_hash, std::string new_hash,
                                                 Timestamp now);
  Result<RefreshRotation> rotate(std::string old_hash, std::string new_hash, Timestamp now);

 private:
  std::unique_ptr<IdentityStore> store_;
};

class UserRepositoryContract : public IdentityRepositoryTest {};
class SessionRepositoryContract : public IdentityRepositoryTest {};
class ApiKeyRepositoryContract : public IdentityRepositoryTest {};
class WebhookRepositoryContract : public IdentityRepositoryTest {};

}  // namespace agentd::contract

// Use inside namespace agentd::contract: the suite names cannot be qualified.
#define INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT(prefix, backend)                         \
  INSTANTIATE_TEST_SUITE_P(prefix, UserRepositoryContract, ::testing::Values(backend),    \
                           backend_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(prefix, SessionRepositoryContract, ::testing::Values(backend), \
                           backend_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(prefix, ApiKeyRepositoryContract, ::testing::Values(backend),  \
                           backend_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(prefix, WebhookRepositoryContract, ::testing::Values(backend), \
                           backend_name)
