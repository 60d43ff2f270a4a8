// Budget counters on Redis, shared by every replica: one Lua script checks every counter of a
// reservation and adds to all of them, or to none, atomically. Each counter is a hash
// {t: tokens, c: cost in nano-USD} that expires after its period.
#pragma once

#include "application/ports/budget_ledger.h"
#include "infrastructure/redis/redis_script.h"

namespace agentd::redis {

class RedisBudgetLedger final : public BudgetLedger {
 public:
  RedisBudgetLedger(RedisClient& client, std::string key_prefix);

  boost::asio::awaitable<Result<std::optional<std::size_t>>> reserve(
      std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Status> adjust(std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Result<BudgetSpent>> spent(std::string counter) override;
  boost::asio::awaitable<Result<std::int64_t>> purge_expired(Timestamp now) override;

 private:
  boost::asio::awaitable<Result<Reply>> run(RedisScript& script,
                                            const std::vector<BudgetCharge>& charges);

  RedisClient& client_;
  std::string key_prefix_;
  RedisScript reserve_script_;
  RedisScript adjust_script_;
};

}  // namespace agentd::redis
