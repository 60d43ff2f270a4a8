// Storage of API keys (by hash only).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/identity/api_key.h"

namespace agentd {

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual boost::asio::awaitable<Status> create(ApiKey key) = 0;
  // Looks a key up by the hash of its secret (indexed); revoked keys are returned too.
  virtual boost::asio::awaitable<Result<ApiKey>> find_by_hash(std::string secret_hash) = 0;
  // Any user's key by its id, revoked or not.
  virtual boost::asio::awaitable<Result<ApiKey>> find_by_id(std::string key_id) = 0;
  // The user's keys, newest first, after the cursor `after` (a key id) when given;
  // invalid_cursor when `after` is none of theirs.
  virtual boost::asio::awaitable<Result<Page<ApiKey>>> list(std::string user_id, int limit,
                                                            std::optional<std::string> after) = 0;
  // Every user's keys, newest first, after the cursor `after` (a key id) when given:
  // the administrator's view. invalid_cursor when `after` names no key.
  virtual boost::asio::awaitable<Result<Page<ApiKey>>> list_all(
      int limit, std::optional<std::string> after) = 0;
  // not_found unless the key exists and belongs to `user_id`.
  virtual boost::asio::awaitable<Status> revoke(std::string user_id, std::string key_id,
                                                Timestamp now) = 0;
  // Sets the key's budget and tokens per minute; not_found unless the key exists and belongs
  // to `user_id`.
  virtual boost::asio::awaitable<Result<ApiKey>> update_limits(std::string user_id,
                                                               std::string key_id,
                                                               SpendingLimits limits) = 0;
  virtual boost::asio::awaitable<Status> record_use(std::string key_id, Timestamp now) = 0;
};

}  // namespace agentd
