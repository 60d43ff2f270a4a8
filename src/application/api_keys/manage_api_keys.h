// Create, list and revoke a user's API keys. Only a person (a session) manages keys: a key
// that could mint keys could escape its own restrictions. The administrator, on the command
// line, manages any user's keys.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "application/chat/model_catalog.h"
#include "application/ports/api_key_repository.h"
#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/secret_generator.h"
#include "application/tools/tool_registry.h"
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
  SpendingLimits limits;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // shown to the caller this once, never stored
};

class ManageApiKeys {
 public:
  // A key may name the tools of `tools`, the models of `models`, and any tool of the MCP
  // servers named `mcp_servers` (<server>__…), connected yet or not.
  ManageApiKeys(ApiKeyRepository& keys, const SecretGenerator& secrets, IdGenerator& ids,
                const Clock& clock, const ToolRegistry& tools, const ModelCatalog& models,
                std::vector<std::string> mcp_servers)
      : keys_(keys),
        secrets_(secrets),
        ids_(ids),
        clock_(clock),
        tools_(tools),
        models_(models),
        mcp_servers_(std::move(mcp_servers)) {}

  boost::asio::awaitable<Result<CreatedApiKey>> create(const Principal& caller, NewApiKey request);
  boost::asio::awaitable<Result<Page<ApiKey>>> list(const Principal& caller, int limit,
                                                    std::optional<std::string> after);
  boost::asio::awaitable<Status> revoke(const Principal& caller, std::string key_id);
  // One of the caller's keys (404 for anyone else's).
  boost::asio::awaitable<Result<ApiKey>> find(const Principal& caller, std::string key_id);
  boost::asio::awaitable<Result<ApiKey>> change_limits(const Principal& caller, std::string key_id,
                                                       LimitsChange change);

  // The administrator's side: no credential to check, since only the command line calls
  // these, and whoever runs it holds the database already.
  boost::asio::awaitable<Result<CreatedApiKey>> create_for(std::string user_id, NewApiKey request);
  boost::asio::awaitable<Result<Page<ApiKey>>> list_of(std::string user_id, int limit,
                                                       std::optional<std::string> after);
  // Every user's keys, newest first.
  boost::asio::awaitable<Result<Page<ApiKey>>> list_all(int limit,
                                                        std::optional<std::string> after);
  // Revokes any user's key (again: a revoked key keeps its first revocation time) and
  // answers it as revoked.
  boost::asio::awaitable<Result<ApiKey>> revoke_by_id(std::string key_id);

 private:
  static constexpr std::size_t kSecretBytes = 32;
  static constexpr std::size_t kDisplayPrefixChars = 6;

  // Fails unknown_tool / unknown_model on a name nothing provides.
  Status require_known_names(const NewApiKey& request) const;
  bool is_known_tool(std::string_view name) const;

  ApiKeyRepository& keys_;
  const SecretGenerator& secrets_;
  IdGenerator& ids_;
  const Clock& clock_;
  const ToolRegistry& tools_;
  const ModelCatalog& models_;
  std::vector<std::string> mcp_servers_;
};

}  // namespace agentd
