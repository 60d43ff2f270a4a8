// A BudgetLedger in memory, atomic under one mutex as the real ones are under their own
// locks; it can be told to fail, as a database or Redis that is down does.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "application/ports/budget_ledger.h"

namespace agentd {

class FakeBudgetLedger : public BudgetLedger {
 public:
  boost::asio::awaitable<Result<std::optional<std::size_t>>> reserve(
      std::vector<BudgetCharge> charges) override {
    std::lock_guard lock(mutex_);
    if (is_failing_) co_return Error::unavailable("the ledger is down", "ledger_unavailable");
    for (std::size_t i = 0; i < charges.size(); ++i) {
      const auto& charge = charges[i];
      const auto& spent = counters_[charge.counter];
      if ((charge.max_tokens && spent.tokens + charge.tokens > *charge.max_tokens) ||
          (charge.max_cost_nanos &&
           spent.cost_nanos + charge.cost_nanos > *charge.max_cost_nanos)) {
        co_return std::optional<std::size_t>(i);
      }
    }
    add(charges);
    co_return std::optional<std::size_t>();
  }

  boost::asio::awaitable<Status> adjust(std::vector<BudgetCharge> charges) override {
    std::lock_guard lock(mutex_);
    if (is_failing_) co_return Error::unavailable("the ledger is down", "ledger_unavailable");
    add(charges);
    co_return ok_status();
  }

  boost::asio::awaitable<Result<std::int64_t>> purge_expired(Timestamp) override {
    co_return std::int64_t{0};
  }

  boost::asio::awaitable<Result<BudgetSpent>> spent(std::string counter) override {
    std::lock_guard lock(mutex_);
    co_return counters_[counter];
  }

  void fail(bool is_failing) {
    std::lock_guard lock(mutex_);
    is_failing_ = is_failing;
  }
  // Every counter's name, to see which periods were charged.
  std::vector<std::string> counters() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [name, spent] : counters_) names.push_back(name);
    return names;
  }

 private:
  void add(const std::vector<BudgetCharge>& charges) {
    for (const auto& charge : charges) {
      auto& spent = counters_[charge.counter];
      spent.tokens += charge.tokens;
      spent.cost_nanos += charge.cost_nanos;
    }
  }

  mutable std::mutex mutex_;
  bool is_failing_ = false;
  std::map<std::string, BudgetSpent> counters_;
};

}  // namespace agentd
