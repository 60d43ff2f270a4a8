#include "application/api_keys/manage_api_keys.h"

#include <algorithm>

namespace agentd {
namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr int kMaxRateLimitPerMinute = 1'000'000;

Status require_session(const Principal& caller) {
  if (caller.is_api_key()) {
    return Error{ErrorCode::forbidden,
                 "API keys cannot manage API keys; sign in as a user",
                 {},
                 "api_key_cannot_manage_keys"};
  }
  return ok_status();
}

// unknown `code` on `param` for the first of `names` that `is_known` refuses.
template <typename IsKnown>
Status require_known(const std::vector<std::string>& names, const std::string& param,
                     const std::string& code, IsKnown is_known) {
  for (const auto& name : names) {
    if (name != "*" && !is_known(name)) {
      return Error::invalid(param + " names '" + name + "', which this server does not provide",
                            param, code);
    }
  }
  return ok_status();
}

}  // namespace

bool ManageApiKeys::is_known_tool(std::string_view name) const {
  if (tools_.find(name)) return true;
  // An MCP server's tools may not be registered yet (it connects late, or its list changes).
  return std::any_of(mcp_servers_.begin(), mcp_servers_.end(),
                     [name](const std::string& server) { return name.starts_with(server + "__"); });
}

Status ManageApiKeys::require_known_names(const NewApiKey& request) const {
  auto is_tool = [this](const std::string& name) { return is_known_tool(name); };
  auto is_model = [this](const std::string& name) { return models_.find(name) != nullptr; };
  const std::vector<std::string> none;
  if (auto known = require_known(request.allowed_tools.value_or(none), "allowed_tools",
                                 "unknown_tool", is_tool);
      !known) {
    return known;
  }
  if (auto known = require_known(request.allowed_models.value_or(none), "allowed_models",
                                 "unknown_model", is_model);
      !known) {
    return known;
  }
  return require_known(request.approval_required_tools, "approval_required_tools", "unknown_tool",
                       is_tool);
}

boost::asio::awaitable<Result<CreatedApiKey>> ManageApiKeys::create(const Principal& caller,
                                                                    NewApiKey request) {
  if (auto allowed = require_session(caller); !allowed) co_return allowed.error();
  co_return co_await create_for(caller.user_id, std::move(request));
}

boost::asio::awaitable<Result<CreatedApiKey>> ManageApiKeys::create_for(std::string user_id,
                                                                        NewApiKey request) {
  if (request.name.empty() || request.name.size() > kMaxNameBytes) {
    co_return Error::invalid("name is required (at most 200 bytes)", "name", "invalid_name");
  }
  if (request.rate_limit_per_minute && (*request.rate_limit_per_minute < 1 ||
                                        *request.rate_limit_per_minute > kMaxRateLimitPerMinute)) {
    co_return Error::invalid("rate_limit_per_minute must be from 1 to 1000000",
                             "rate_limit_per_minute", "invalid_rate_limit");
  }
  const auto now = clock_.now();
  if (request.expires_at && *request.expires_at <= now) {
    co_return Error::invalid("expires_at must be in the future", "expires_at", "invalid_expiry");
  }
  if (auto known = require_known_names(request); !known) co_return known.error();
  if (auto valid = require_valid_limits(request.limits); !valid) co_return valid.error();

  CreatedApiKey created;
  created.secret = std::string(kApiKeyPrefix) + secrets_.random_token(kSecretBytes);
  auto& key = created.key;
  key.id = ids_.new_id();
  key.user_id = std::move(user_id);
  key.name = std::move(request.name);
  key.prefix = created.secret.substr(0, kApiKeyPrefix.size() + kDisplayPrefixChars);
  key.secret_hash = secrets_.digest(created.secret);
  key.allowed_tools = std::move(request.allowed_tools);
  key.allowed_models = std::move(request.allowed_models);
  key.approval_required_tools = std::move(request.approval_required_tools);
  key.can_approve = request.can_approve;
  key.expires_at = request.expires_at;
  key.rate_limit_per_minute = request.rate_limit_per_minute;
  key.limits = request.limits;
  key.created_at = now;
  if (auto stored = co_await keys_.create(key); !stored) co_return stored.error();
  co_return created;
}

boost::asio::awaitable<Result<Page<ApiKey>>> ManageApiKeys::list(const Principal& caller, int limit,
                                                                 std::optional<std::string> after) {
  if (auto allowed = require_session(caller); !allowed) co_return allowed.error();
  co_return co_await keys_.list(caller.user_id, limit, std::move(after));
}

boost::asio::awaitable<Status> ManageApiKeys::revoke(const Principal& caller, std::string key_id) {
  if (auto allowed = require_session(caller); !allowed) co_return allowed.error();
  co_return co_await keys_.revoke(caller.user_id, std::move(key_id), clock_.now());
}

boost::asio::awaitable<Result<ApiKey>> ManageApiKeys::find(const Principal& caller,
                                                           std::string key_id) {
  if (auto allowed = require_session(caller); !allowed) co_return allowed.error();
  auto key = co_await keys_.find_by_id(std::move(key_id));
  // Another user's key is reported exactly like a missing one.
  if (key && key->user_id != caller.user_id) {
    co_return Error::not_found("API key not found", "api_key_not_found");
  }
  co_return key;
}

boost::asio::awaitable<Result<ApiKey>> ManageApiKeys::change_limits(const Principal& caller,
                                                                    std::string key_id,
                                                                    LimitsChange change) {
  auto key = co_await find(caller, key_id);
  if (!key) co_return key;
  auto limits = apply(key->limits, change);
  if (!limits) co_return std::move(limits).take_error();
  co_return co_await keys_.update_limits(caller.user_id, std::move(key_id), std::move(*limits));
}

boost::asio::awaitable<Result<Page<ApiKey>>> ManageApiKeys::list_of(
    std::string user_id, int limit, std::optional<std::string> after) {
  co_return co_await keys_.list(std::move(user_id), limit, std::move(after));
}

boost::asio::awaitable<Result<Page<ApiKey>>> ManageApiKeys::list_all(
    int limit, std::optional<std::string> after) {
  co_return co_await keys_.list_all(limit, std::move(after));
}

boost::asio::awaitable<Result<ApiKey>> ManageApiKeys::revoke_by_id(std::string key_id) {
  auto key = co_await keys_.find_by_id(key_id);
  if (!key) co_return key;
  const auto now = clock_.now();
  // Through the owner's revoke, so the caches and the other replicas hear of it as usual.
  if (auto revoked = co_await keys_.revoke(key->user_id, key_id, now); !revoked) {
    co_return revoked.error();
  }
  if (!key->revoked_at) key->revoked_at = now;
  co_return key;
}

}  // namespace agentd
