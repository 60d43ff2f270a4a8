// The behaviour every storage adapter of users, sessions and API keys must show: one suite,
// instantiated once per database with INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include "application/ports/api_key_repository.h"
#include "application/ports/session_repository.h"
#include "application/ports/user_repository.h"
#include "infrastructure/persistence/stored_value_printers.h"

namespace agentd::contract {

// The three repositories over one fresh, migrated database that lives as long as this object.
class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
};

struct IdentityBackend {
  std::string name;  // becomes the test name suffix: letters, digits and underscores only
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

// "key-03": ids that sort like the order they are made in, as UUIDv7s do.
inline std::string numbered(std::string_view stem, int number) {
  return std::string(stem) + (number < 10 ? "-0" : "-") + std::to_string(number);
}

class IdentityRepositoryTest : public ::testing::TestWithParam<IdentityBackend> {
 protected:
  void SetUp() override { store_ = GetParam().open(); }

  UserRepository& users() { return store_->users(); }
  SessionRepository& sessions() { return store_->sessions(); }
  ApiKeyRepository& api_keys() { return store_->api_keys(); }

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

}  // namespace agentd::contract

// Use inside namespace agentd::contract: the suite names cannot be qualified.
#define INSTANTIATE_IDENTITY_REPOSITORY_CONTRACT(prefix, backend)                         \
  INSTANTIATE_TEST_SUITE_P(prefix, UserRepositoryContract, ::testing::Values(backend),    \
                           backend_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(prefix, SessionRepositoryContract, ::testing::Values(backend), \
                           backend_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(prefix, ApiKeyRepositoryContract, ::testing::Values(backend),  \
                           backend_name)
