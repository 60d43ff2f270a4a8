#include "infrastructure/redis/redis_script.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;

bool is_missing_script(const Error& error) {
  return error.kind != ErrorCode::unavailable && error.message.starts_with("NOSCRIPT");
}

}  // namespace

asio::awaitable<Result<Reply>> RedisScript::run(const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args) {
  std::string sha;
  {
    std::lock_guard lock(mutex_);
    sha = sha_;
  }
  if (sha.empty()) {
    auto loaded = co_await load();
    if (!loaded) co_return loaded.error();
    sha = std::move(loaded).value();
  }
  auto reply = co_await evalsha(sha, keys, args);
  if (reply || !is_missing_script(reply.error())) co_return reply;
  // Loaded once more and tried once more: a second NOSCRIPT would be a bug, not a flush.
  auto loaded = co_await load();
  if (!loaded) co_return loaded.error();
  co_return co_await evalsha(*loaded, keys, args);
}

asio::awaitable<Result<std::string>> RedisScript::load() {
  std::vector<std::string> command{"SCRIPT", "LOAD", std::string(source_)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->type != Reply::Type::string && reply->type != Reply::Type::status) {
    co_return Error::internal("unexpected reply to SCRIPT LOAD");
  }
  std::lock_guard lock(mutex_);
  sha_ = reply->text;
  co_return sha_;
}

asio::awaitable<Result<Reply>> RedisScript::evalsha(const std::string& sha,
                                                    const std::vector<std::string>& keys,
                                                    const std::vector<std::string>& args) {
  std::vector<std::string> command{"EVALSHA", sha, std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  co_return co_await client_.command(std::move(command));
}

}  // namespace agentd::redis
