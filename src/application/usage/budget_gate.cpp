#include "application/usage/budget_gate.h"

#include <algorithm>
#include <chrono>

namespace agentd {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::int64_t epoch_seconds(Timestamp time) {
  return duration_cast<seconds>(time.time_since_epoch()).count();
}

std::string_view scope_name(BudgetScope scope) {
  return scope == BudgetScope::key ? "key" : "user";
}

// The counters of one key, or of one user, share a hash tag.
std::string tpm_counter(BudgetScope scope, const std::string& id, Timestamp minute) {
  return std::string(scope_name(scope)) + ":{" + id +
         "}:tpm:" + std::to_string(epoch_seconds(minute));
}

bool is_tpm_counter(const std::string& counter) {
  return counter.find(":tpm:") != std::string::npos;
}

// Which limit a charge counts against, to name it when it refuses the call.
struct ChargedLimit {
  BudgetScope scope;
  std::optional<BudgetPeriod> period;  // none: tokens per minute
};

Error budget_refusal(std::string message, std::string code, std::optional<Timestamp> resets_at,
                     Timestamp now) {
  Error error{ErrorCode::rate_limited, std::move(message), {}, std::move(code)};
  // A total budget never resets: the client learns so from the message, and waits a day.
  const auto wait = resets_at ? duration_cast<milliseconds>(*resets_at - now)
                              : duration_cast<milliseconds>(std::chrono::hours(24));
  error.retry_after = std::max(wait, milliseconds(1'000));
  return error;
}

std::int64_t cost_of(const std::optional<ModelPrice>& price, std::int64_t input,
                     std::int64_t output) {
  if (!price) return 0;
  return cost_nanos(*price, Usage{input, output, input + output, 0});
}

}  // namespace

std::string budget_counter(BudgetScope scope, const std::string& id, BudgetPeriod period,
                           Timestamp now) {
  return std::string(scope_name(scope)) + ":{" + id + "}:" + std::string(to_string(period)) + ":" +
         std::to_string(epoch_seconds(period_start(period, now)));
}

boost::asio::awaitable<Result<BudgetHold>> BudgetGate::reserve(const Principal& caller,
                                                               std::int64_t prompt_tokens,
                                                               std::int64_t max_output_tokens,
                                                               std::optional<ModelPrice> price) {
  BudgetHold hold;
  hold.price = price;
  const auto now = clock_.now();
  const std::int64_t tokens = prompt_tokens + max_output_tokens;
  const std::int64_t cost = cost_of(price, prompt_tokens, max_output_tokens);
  const auto minute = std::chrono::floor<std::chrono::minutes>(now);
  std::vector<ChargedLimit> charged;
  auto charge_to = [&](BudgetScope scope, const std::string& id, const SpendingLimits& limits) {
    if (const auto& budget = limits.budget) {
      const auto end = period_end(budget->period, now);
      hold.charges.push_back(
          {budget_counter(scope, id, budget->period, now), tokens, cost, budget->max_tokens,
           budget->max_cost_nanos,
           end ? std::optional<Timestamp>(*end + std::chrono::hours(24)) : std::nullopt});
      charged.push_back({scope, budget->period});
    }
    if (limits.tokens_per_minute) {
      hold.charges.push_back({tpm_counter(scope, id, minute), tokens, 0, *limits.tokens_per_minute,
                              std::nullopt, minute + std::chrono::minutes(2)});
      charged.push_back({scope, std::nullopt});
    }
  };
  if (caller.api_key_id) charge_to(BudgetScope::key, *caller.api_key_id, caller.limits);
  charge_to(BudgetScope::user, caller.user_id, caller.user_limits);
  if (hold.charges.empty()) co_return hold;

  auto refused = co_await ledger_.reserve(hold.charges);
  if (!refused) co_return std::move(refused).take_error();
  if (!*refused) co_return hold;
  const auto& limit = charged[**refused];
  const std::string whose = limit.scope == BudgetScope::key ? "this key's" : "this user's";
  if (!limit.period) {
    metrics_.rate_limited("tokens_per_minute");
    co_return budget_refusal(whose + " tokens per minute would be exceeded", "token_rate_limited",
                             minute + std::chrono::minutes(1), now);
  }
  metrics_.rate_limited("budget");
  co_return budget_refusal(
      whose + " budget cannot cover the call (" + std::to_string(tokens) + " tokens at most)",
      "budget_exceeded", period_end(*limit.period, now), now);
}

void BudgetGate::settle(BudgetHold hold, const std::optional<Usage>& used) {
  if (hold.charges.empty()) return;
  const std::int64_t tokens = used ? used->prompt_tokens + used->completion_tokens : 0;
  const std::int64_t cost = used && hold.price ? cost_nanos(*hold.price, *used) : 0;
  std::lock_guard lock(mutex_);
  for (auto& charge : hold.charges) {
    const bool counts_cost = !is_tpm_counter(charge.counter);
    charge.tokens = tokens - charge.tokens;
    charge.cost_nanos = counts_cost ? cost - charge.cost_nanos : 0;
    if (charge.tokens != 0 || charge.cost_nanos != 0) corrections_.push_back(std::move(charge));
  }
}

boost::asio::awaitable<Status> BudgetGate::flush() {
  std::vector<BudgetCharge> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(corrections_);
  }
  if (batch.empty()) co_return ok_status();
  std::vector<BudgetCharge> kept = batch;
  auto adjusted = co_await ledger_.adjust(std::move(batch));
  if (!adjusted) {
    std::lock_guard lock(mutex_);
    corrections_.insert(corrections_.begin(), kept.begin(), kept.end());
  }
  co_return adjusted;
}

boost::asio::awaitable<Result<std::int64_t>> BudgetGate::purge_expired() {
  co_return co_await ledger_.purge_expired(clock_.now());
}

boost::asio::awaitable<Result<BudgetStatus>> BudgetGate::status(BudgetScope scope,
                                                                const std::string& id,
                                                                const Budget& budget) {
  const auto now = clock_.now();
  auto spent = co_await ledger_.spent(budget_counter(scope, id, budget.period, now));
  if (!spent) co_return std::move(spent).take_error();
  BudgetStatus status;
  status.spent = *spent;
  if (budget.max_tokens) {
    status.remaining_tokens = std::max<std::int64_t>(0, *budget.max_tokens - spent->tokens);
  }
  if (budget.max_cost_nanos) {
    status.remaining_cost_nanos =
        std::max<std::int64_t>(0, *budget.max_cost_nanos - spent->cost_nanos);
  }
  status.resets_at = period_end(budget.period, now);
  co_return status;
}

}  // namespace agentd
