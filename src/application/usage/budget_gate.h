// Keeps calls within the budgets and tokens per minute of their key and of their user. Before a
// model call it reserves the call's worst case (prompt estimate + max output tokens, and their
// cost) on every counter that applies, atomically across replicas (BudgetLedger): all of them or
// none. After it, the reservation is corrected to what the upstream reported. Corrections are
// queued and written by flush(), so a stream that ends in a destructor can still settle. No role is
// exempt: an administrator may raise a budget, not skip it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "application/ports/budget_ledger.h"
#include "application/ports/clock.h"
#include "application/ports/metrics.h"
#include "domain/conversation/usage.h"
#include "domain/identity/principal.h"
#include "domain/usage/budget.h"
#include "domain/usage/model_price.h"

namespace agentd {

// What one call reserved; settled once.
struct BudgetHold {
  std::vector<BudgetCharge> charges;
  std::optional<ModelPrice> price;
};

// Whose spending a counter holds.
enum class BudgetScope { key, user };

// A key's or a user's budget in its current period, for GET /v1/auth/tokens/{id} and
// GET /v1/users/{id}.
struct BudgetStatus {
  BudgetSpent spent;
  std::optional<std::int64_t> remaining_tokens;
  std::optional<std::int64_t> remaining_cost_nanos;
  std::optional<Timestamp> resets_at;  // none for a total budget
};

class BudgetGate {
 public:
  BudgetGate(BudgetLedger& ledger, const Clock& clock, Metrics& metrics = no_metrics())
      : ledger_(ledger), clock_(clock), metrics_(metrics) {}

  // An empty hold for a caller without limits; 429 budget_exceeded or token_rate_limited, with
  // Retry-After to the reset, when the call cannot be covered by the key's limits or by the
  // user's.
  boost::asio::awaitable<Result<BudgetHold>> reserve(const Principal& caller,
                                                     std::int64_t prompt_tokens,
                                                     std::int64_t max_output_tokens,
                                                     std::optional<ModelPrice> price);
  // Queues the correction of `hold` to `used` (nothing, for a call that failed).
  void settle(BudgetHold hold, const std::optional<Usage>& used);
  // Writes the queued corrections; on failure keeps them for the next flush.
  boost::asio::awaitable<Status> flush();
  // Deletes the counters of periods and minutes that are over; answers how many went.
  boost::asio::awaitable<Result<std::int64_t>> purge_expired();

  boost::asio::awaitable<Result<BudgetStatus>> status(BudgetScope scope, const std::string& id,
                                                      const Budget& budget);

 private:
  BudgetLedger& ledger_;
  const Clock& clock_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::vector<BudgetCharge> corrections_;
};

// The counter of a key's or a user's spending in the period that holds `now`.
std::string budget_counter(BudgetScope scope, const std::string& id, BudgetPeriod period,
                           Timestamp now);

}  // namespace agentd
