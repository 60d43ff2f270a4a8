// Shared counters of what keys spend, changed atomically across every replica: a call reserves
// its worst case on each counter it is charged to, or on none when one would pass its maximum.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

// An amount for one counter: a key's spending in one period, or its tokens in one minute.
struct BudgetCharge {
  std::string counter;  // names the scope and the period it counts
  std::int64_t tokens = 0;
  std::int64_t cost_nanos = 0;
  std::optional<std::int64_t> max_tokens;  // reserve() refuses to pass these
  std::optional<std::int64_t> max_cost_nanos;
  std::optional<Timestamp> expires_at;  // when the counter is of no more use; none: never
};

struct BudgetSpent {
  std::int64_t tokens = 0;
  std::int64_t cost_nanos = 0;
};

class BudgetLedger {
 public:
  virtual ~BudgetLedger() = default;
  // Adds every charge, or none when one of them would pass its maximum: then the index of the
  // first that would.
  virtual boost::asio::awaitable<Result<std::optional<std::size_t>>> reserve(
      std::vector<BudgetCharge> charges) = 0;
  // Adds without a check; negative amounts give back what a reservation did not use.
  virtual boost::asio::awaitable<Status> adjust(std::vector<BudgetCharge> charges) = 0;
  virtual boost::asio::awaitable<Result<BudgetSpent>> spent(std::string counter) = 0;
  // Deletes the counters whose expires_at is before `now`, answering how many went.
  virtual boost::asio::awaitable<Result<std::int64_t>> purge_expired(Timestamp now) = 0;
};

}  // namespace agentd
