// Create, list and revoke a user's API keys. Only a person (a session) manages keys: a key
// that could mint keys could escape its own restrictions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "application/ports/api_key_repository.h"
#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/secret_generator.h"
#include "domain/identity/principal.h"

namespace agentd {

struct NewApiKey {
  std::string name;
  NameAllowList allowed_tools;
  NameAllowList allowed_models;
  std::vector<std::string> approval_required_tools;
  bool can_approve = false;
  std::optional<Timestamp> expires_at;
  std::optional<int> rate_limit_per_minute;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // shown to the caller this once, never stored
};

class ManageApiKeys {
 public:
  ManageApiKeys(ApiKeyRepository& keys, const SecretGenerator& secrets, IdGenerator& ids,
                const Clock& clock)
      : keys_(keys), secrets_(secrets), ids_(ids), clock_(clock) {}

  boost::asio::awaitable<Result<CreatedApiKey>> create(const Principal& caller, NewApiKey request);
  boost::asio::awaitable<Result<Page<ApiKey>>> list(const Principal& caller, int limit,
                                                    std::optional<std::string> after);
  boost::asio::awaitable<Status> revoke(const Principal& caller, std::string key_id);

 private:
  static constexpr std::size_t kSecretBytes = 32;
  static constexpr std::size_t kDisplayPrefixChars = 6;

  ApiKeyRepository& keys_;
  const SecretGenerator& secrets_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
