// A Lua script run with EVALSHA: loaded once, and loaded again when Redis forgot it (a restart
// or SCRIPT FLUSH answers NOSCRIPT).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {

class RedisScript {
 public:
  RedisScript(RedisClient& client, std::string_view source) : client_(client), source_(source) {}

  boost::asio::awaitable<Result<Reply>> run(const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args);

 private:
  boost::asio::awaitable<Result<std::string>> load();
  boost::asio::awaitable<Result<Reply>> evalsha(const std::string& sha,
                                                const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args);

  RedisClient& client_;
  std::string_view source_;
  std::mutex mutex_;
  std::string sha_;
};

}  // namespace agentd::redis
