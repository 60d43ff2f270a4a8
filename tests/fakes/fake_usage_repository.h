// A UsageRepository in memory: keeps each appended batch, refuses appends while told to fail,
// and sums like the databases do.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

#include "application/ports/usage_repository.h"

namespace agentd {

class FakeUsageRepository : public UsageRepository {
 public:
  boost::asio::awaitable<Status> append(std::vector<UsageRecord> records) override {
    std::lock_guard lock(mutex_);
    if (is_failing_) co_return Error::internal("storage failed");
    batches_.push_back(records);
    for (auto& record : records) records_.push_back(std::move(record));
    co_return ok_status();
  }

  boost::asio::awaitable<Result<std::vector<UsageGroup>>> summarize(
      UsageFilter filter, UsageGrouping grouping) override {
    std::lock_guard lock(mutex_);
    std::map<std::string, UsageGroup> groups;
    for (const auto& record : records_) {
      if (filter.user_id && record.user_id != *filter.user_id) continue;
      if (filter.from && record.created_at < *filter.from) continue;
      if (filter.to && record.created_at >= *filter.to) continue;
      auto& group = groups[key_of(record, grouping)];
      group.key = key_of(record, grouping);
      ++group.requests;
      group.input_tokens += record.input_tokens;
      group.output_tokens += record.output_tokens;
      group.cached_tokens += record.cached_tokens;
      if (record.cost_nanos) group.cost_nanos = group.cost_nanos.value_or(0) + *record.cost_nanos;
    }
    std::vector<UsageGroup> summed;
    for (auto& [key, group] : groups) summed.push_back(std::move(group));
    co_return summed;
  }

  void fail_appends(bool is_failing) {
    std::lock_guard lock(mutex_);
    is_failing_ = is_failing;
  }
  std::vector<UsageRecord> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  std::size_t batch_count() const {
    std::lock_guard lock(mutex_);
    return batches_.size();
  }

 private:
  static std::string key_of(const UsageRecord& record, UsageGrouping grouping) {
    switch (grouping) {
      case UsageGrouping::day: {
        const auto day = std::chrono::floor<std::chrono::days>(record.created_at);
        const std::chrono::year_month_day ymd{day};
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        return text;
      }
      case UsageGrouping::model:
        return record.model;
      case UsageGrouping::key:
        return record.api_key_id.value_or("");
      case UsageGrouping::day_key:
        return key_of(record, UsageGrouping::day) + " " + record.api_key_id.value_or("");
    }
    return {};
  }

  mutable std::mutex mutex_;
  bool is_failing_ = false;
  std::vector<std::vector<UsageRecord>> batches_;
  std::vector<UsageRecord> records_;
};

}  // namespace agentd
