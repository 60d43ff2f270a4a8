#include "infrastructure/redis/redis_budget_ledger.h"

#include <chrono>
#include <string>

namespace agentd::redis {
namespace {

namespace asio = boost::asio;

// ARGV holds five values per key: tokens, cost, max tokens, max cost (-1: none), and when the
// key expires in Unix milliseconds (0: never). Adds to every counter without a check.
constexpr std::string_view kAdjust = R"lua(
for i, key in ipairs(KEYS) do
  local at = (i - 1) * 5
  redis.call('HINCRBY', key, 't', ARGV[at + 1])
  redis.call('HINCRBY', key, 'c', ARGV[at + 2])
  if ARGV[at + 5] ~= '0' then redis.call('PEXPIREAT', key, ARGV[at + 5]) end
end
return 0
)lua";

// The same arguments. Returns the 1-based index of the first counter the charge would take
// past its maximum, adding nothing; else adds as kAdjust does (and returns its 0).
constexpr std::string_view kCheckBeforeAdding = R"lua(
for i, key in ipairs(KEYS) do
  local at = (i - 1) * 5
  local max_tokens = tonumber(ARGV[at + 3])
  local max_cost = tonumber(ARGV[at + 4])
  local tokens = tonumber(redis.call('HGET', key, 't') or '0')
  local cost = tonumber(redis.call('HGET', key, 'c') or '0')
  if (max_tokens >= 0 and tokens + tonumber(ARGV[at + 1]) > max_tokens) or
     (max_cost >= 0 and cost + tonumber(ARGV[at + 2]) > max_cost) then
    return i
  end
end
)lua";

// RedisScript keeps a view of its source: the reservation's lives as long as the process.
std::string_view reserve_script() {
  static const std::string script = std::string(kCheckBeforeAdding) + std::string(kAdjust);
  return script;
}

std::string unix_ms(const std::optional<Timestamp>& time) {
  if (!time) return "0";
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(time->time_since_epoch()).count());
}

std::int64_t integer_of(const Reply& reply) {
  if (reply.type == Reply::Type::integer) return reply.integer;
  if (reply.type == Reply::Type::string) {
    try {
      return std::stoll(reply.text);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

}  // namespace

RedisBudgetLedger::RedisBudgetLedger(RedisClient& client, std::string key_prefix)
    : client_(client),
      key_prefix_(std::move(key_prefix)),
      reserve_script_(client, reserve_script()),
      adjust_script_(client, kAdjust) {}

asio::awaitable<Result<Reply>> RedisBudgetLedger::run(RedisScript& script,
                                                      const std::vector<BudgetCharge>& charges) {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  for (const auto& charge : charges) {
    keys.push_back(key_prefix_ + charge.counter);
    args.push_back(std::to_string(charge.tokens));
    args.push_back(std::to_string(charge.cost_nanos));
    args.push_back(std::to_string(charge.max_tokens.value_or(-1)));
    args.push_back(std::to_string(charge.max_cost_nanos.value_or(-1)));
    args.push_back(unix_ms(charge.expires_at));
  }
  co_return co_await script.run(keys, args);
}

asio::awaitable<Result<std::optional<std::size_t>>> RedisBudgetLedger::reserve(
    std::vector<BudgetCharge> charges) {
  if (charges.empty()) co_return std::optional<std::size_t>();
  auto reply = co_await run(reserve_script_, charges);
  if (!reply) co_return reply.error();
  if (reply->type != Reply::Type::integer) {
    co_return Error::internal("unexpected reply to the budget script");
  }
  if (reply->integer == 0) co_return std::optional<std::size_t>();
  co_return std::optional<std::size_t>(static_cast<std::size_t>(reply->integer - 1));
}

asio::awaitable<Status> RedisBudgetLedger::adjust(std::vector<BudgetCharge> charges) {
  if (charges.empty()) co_return ok_status();
  auto reply = co_await run(adjust_script_, charges);
  if (!reply) co_return reply.error();
  co_return ok_status();
}

asio::awaitable<Result<BudgetSpent>> RedisBudgetLedger::spent(std::string counter) {
  std::vector<std::string> command{"HMGET", key_prefix_ + counter, "t", "c"};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->type != Reply::Type::array || reply->elements.size() != 2) {
    co_return Error::internal("unexpected reply to HMGET");
  }
  co_return BudgetSpent{integer_of(reply->elements[0]), integer_of(reply->elements[1])};
}

// Redis expires each counter itself (PEXPIREAT when it is made).
asio::awaitable<Result<std::int64_t>> RedisBudgetLedger::purge_expired(Timestamp) {
  co_return std::int64_t{0};
}

}  // namespace agentd::redis
